"""What to try when a policy search finds nothing: the nearest terms of the search thesaurus,
the query's words one at a time (those that find something), and the categories whose policies
match a part of the query. Three queries, however many policies there are: the thesaurus (a
small table) twice, and one count over the policies matching a part of the query (served by the
search vector's GIN index)."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from policies.models import Category, Policy
from talentportal.models import SearchSynonym, normalise_term
from talentportal.search import ParsedQuery, is_cjk, parse_query

MAX_SUGGESTIONS = 4


@dataclass
class Suggestions:
    synonyms: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)  # (value, label)

    def __bool__(self):
        return bool(self.synonyms or self.words or self.categories)


def _grams(text: str) -> set[str]:
    """Two-character pieces of the Chinese in `text` and its Latin words."""
    grams = set()
    for word in text.split():
        if is_cjk(word):
            grams.update(word[i : i + 2] for i in range(len(word) - 1))
        elif len(word) > 2:
            grams.add(word)
    return grams


def _parts(parsed: ParsedQuery) -> list[str]:
    """The query cut into words: its parts, or the pieces of a single long word."""
    if len(parsed.units) > 1:
        return [unit.word.text for unit in parsed.units]
    terms = parsed.units[0].word.highlight_terms()
    return [t for t in dict.fromkeys(terms) if t != parsed.units[0].word.text]


def nearest_synonyms(text: str) -> list[str]:
    """Thesaurus terms sharing the most two-character pieces (or English words) with the
    query, best first. One query."""
    query = normalise_term(text)
    pieces = sorted(_grams(" ".join(p for p in _split(query))))[:12]
    if not pieces:
        return []
    rows = SearchSynonym.objects.filter(
        reduce(or_, (Q(term__contains=piece) for piece in pieces))
    ).values_list("term", "alternatives")[:50]
    scored: dict[str, int] = {}
    for term, alternatives in rows:
        for candidate in (term, *alternatives):
            if candidate == query:
                continue
            score = len(_grams(" ".join(_split(candidate))) & set(pieces))
            if score:
                scored[candidate] = max(score, scored.get(candidate, 0))
    return sorted(scored, key=lambda c: (-scored[c], len(c), c))[:MAX_SUGGESTIONS]


def _split(text: str) -> list[str]:
    from talentportal.search import _QUERY_PIECE

    return _QUERY_PIECE.findall(text)


def search_suggestions(text: str) -> Suggestions:
    """Suggestions for a search text that found no published policy."""
    parsed = parse_query(text)
    suggestions = Suggestions(synonyms=nearest_synonyms(text))
    if parsed is None:
        return suggestions
    parts = _parts(parsed)[:MAX_SUGGESTIONS]
    queries = {part: parse_query(part, synonyms=False) for part in parts}
    queries = {part: q for part, q in queries.items() if q is not None}
    counts = (
        Policy.objects.published()
        .filter(search_vector=parsed.highlight)
        .aggregate(
            **{
                f"w{i}": Count("pk", filter=Q(search_vector=q.full))
                for i, q in enumerate(queries.values())
            },
            **{
                f"c_{value}": Count("pk", filter=Q(categories__contains=[value]))
                for value in Category.values
            },
        )
    )
    suggestions.words = [part for i, part in enumerate(queries) if counts[f"w{i}"]]
    categories = sorted(
        (value for value in Category.values if counts[f"c_{value}"]),
        key=lambda value: -counts[f"c_{value}"],
    )[:3]
    suggestions.categories = [(value, Category(value).label) for value in categories]
    return suggestions
