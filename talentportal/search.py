"""Full-text search for Chinese and English in PostgreSQL without any contrib extension.

Chinese has no spaces, so text is segmented with jieba (rjieba, the maintained Rust port,
plus a user dictionary of talent-policy terms) before it reaches a 'simple' tsvector;
queries are segmented the same way. English words pass through the same path,
lower-cased, and match by prefix so that "apartment" also finds "apartments".
"""

import re
from functools import cache
from pathlib import Path

import rjieba
from django.contrib.postgres.search import SearchQuery

USER_DICTIONARY = Path(__file__).parent / "data" / "search_terms.txt"
MAX_QUERY_TOKENS = 12
_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"^[0-9a-z_]+$")


@cache
def _segmenter() -> rjieba.Jieba:
    segmenter = rjieba.Jieba()
    for line in USER_DICTIONARY.read_text(encoding="utf-8").splitlines():
        word, frequency, tag = line.split()
        segmenter.add_word(word, int(frequency), tag)
    return segmenter


def _words(tokens) -> list[str]:
    words = []
    for token in tokens:
        words.extend(_WORD.findall(token.lower()))
    return words


def segment(text: str) -> list[str]:
    """The words of `text` as jieba cuts them, punctuation and spaces included."""
    return _segmenter().cut(text or "")


def document_tokens(text: str) -> str:
    """Space-separated tokens for a tsvector: fine-grained, so that a search for a part of a
    compound word (人才 in 人才公寓) finds it."""
    if not text:
        return ""
    return " ".join(_words(_segmenter().cut_for_search(text)))


def query_tokens(text: str) -> list[str]:
    """The distinct words of a search query, in order, at most MAX_QUERY_TOKENS."""
    seen = dict.fromkeys(_words(_segmenter().cut(text or "")))
    return list(seen)[:MAX_QUERY_TOKENS]


def search_query(text: str, *, match_any: bool = False) -> SearchQuery | None:
    """A tsquery matching documents that contain every word of the query (or any of them,
    e.g. to highlight each), or None when the query has no searchable word. Tokens are plain
    word characters, so the raw syntax below cannot be injected into."""
    tokens = query_tokens(text)
    if not tokens:
        return None
    terms = [f"{token}:*" if _LATIN.match(token) else token for token in tokens]
    operator = " | " if match_any else " & "
    return SearchQuery(operator.join(terms), search_type="raw", config="simple")


# Search that understands how people ask -------------------------------------------------
#
# The policy library (and, through `ranked_search`, any list that adopts it) indexes text with
# `index_tokens` and matches a query built by `parse_query`:
#
# - Sub-words. Documents carry jieba's search-mode words (住房补贴 → 住房, 补贴, 住房补贴), the
#   two-character pieces of every longer word (万人计划 → 万人, 人计, 计划), and, in short
#   fields (titles, summaries, benefits), single characters (人才贷 → 贷). A query word
#   matches as a whole, as its two-character pieces, or as its jieba sub-words, so that
#   `住房补贴` finds `住房 补贴`, `万人` finds 万人计划 and `跑一次` finds 最多跑一次.
# - Synonyms. `SearchSynonym` rows (staff maintain them in the admin) are applied when the
#   query is parsed: nothing is re-indexed when the thesaurus changes.
# - English. The vector and the query use PostgreSQL's `english` configuration: English
#   words are stemmed (subsidy = subsidies, industry = industries) and stop words dropped;
#   Chinese words pass through it unchanged.
# - Rank. Three tiers, then `ts_rank` inside a tier: every query word found whole; found
#   through its sub-words; found only through a synonym.

SEARCH_CONFIG = "english"
#: Weights of the vector's four parts, D, C, B, A (ts_rank's order).
SEARCH_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
#: The score a result gets for each stricter tier it reaches; ts_rank (normalised to below 1)
#: orders results within a tier.
TIER_STEP = 1.0
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_QUERY_PIECE = re.compile(f"[{_CJK}]+|[^\\W{_CJK}]+")
#: PostgreSQL's English stop words: `to_tsquery('english', …)` drops them.
ENGLISH_STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)


#: Chinese function words and question words that a query may hold but no policy is about.
CHINESE_STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "有",
        "吗",
        "呢",
        "吧",
        "啊",
        "我",
        "我们",
        "你",
        "请问",
        "怎么",
        "怎样",
        "如何",
        "哪些",
        "什么",
        "多少",
        "能",
        "可以",
        "要",
        "想",
    ]
)


def is_cjk(word: str) -> bool:
    return bool(word) and _CJK_RUN.fullmatch(word) is not None


def _bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


def index_tokens(text: str, *, characters: bool = False) -> str:
    """Space-separated tokens of `text` for the search vector: jieba's search-mode words, the
    two-character pieces of every Chinese word longer than two characters and, with
    `characters` (for short fields), every Chinese character once."""
    if not text:
        return ""
    words = _words(_segmenter().cut_for_search(text))
    extra = []
    for word in words:
        if len(word) > 2 and is_cjk(word):
            extra.extend(_bigrams(word))
    if characters:
        extra.extend(dict.fromkeys(char for run in _CJK_RUN.findall(text) for char in run))
    return " ".join([*words, *extra])


# Query parsing.


def _lexeme(word: str) -> str:
    """One word in tsquery syntax: Chinese as it is, Latin words and numbers as a prefix (the
    English configuration stems it: subsidies:* → subsidi:*). Words are \\w only: nothing of
    the tsquery syntax can be injected."""
    return f"'{word}'" if is_cjk(word) else f"{word}:*"


def _any(terms) -> str:
    terms = list(dict.fromkeys(t for t in terms if t))
    return terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")"


def _all(terms) -> str:
    terms = list(dict.fromkeys(t for t in terms if t))
    if not terms:
        return ""
    return terms[0] if len(terms) == 1 else "(" + " & ".join(terms) + ")"


def _cover(word: str) -> list[str]:
    """Pieces that cover `word` left to right: its longest jieba sub-words, and what they
    leave uncovered (万人计划 → 万人, 计划; 住房补贴 → 住房, 补贴)."""
    parts = sorted(
        {p for p in _segmenter().cut_for_search(word) if p != word and is_cjk(p)},
        key=len,
        reverse=True,
    )
    pieces, i, rest = [], 0, ""
    while i < len(word):
        part = next((p for p in parts if word.startswith(p, i)), None)
        if part is None:
            rest += word[i]
            i += 1
            continue
        if rest:
            pieces.append(rest)
            rest = ""
        pieces.append(part)
        i += len(part)
    if rest:
        pieces.append(rest)
    return pieces


class _Word:
    """One word or phrase of the query, with the forms it matches in."""

    def __init__(self, text: str):
        self.text = text
        pieces = _QUERY_PIECE.findall(text)
        self.latin = [p for p in pieces if not is_cjk(p) and p not in ENGLISH_STOP_WORDS]
        self.cjk = [p for p in pieces if is_cjk(p)]

    def _cjk_exact(self, run: str) -> str:
        if len(run) <= 2:
            return _lexeme(run)
        return _any([_lexeme(run), _all(_lexeme(b) for b in _bigrams(run))])

    def _cjk_loose(self, run: str) -> str:
        words = [w for w in _segmenter().cut(run) if is_cjk(w)]
        if len(words) <= 1:
            pieces = _cover(run)
            if len(pieces) <= 1:
                return self._cjk_exact(run)
            return _any([self._cjk_exact(run), _all(_lexeme(p) for p in pieces)])
        return _any([self._cjk_exact(run), _all(self._cjk_loose(w) for w in words)])

    def exact(self) -> str:
        return _all([*(self._cjk_exact(r) for r in self.cjk), *map(_lexeme, self.latin)])

    def loose(self) -> str:
        return _all([*(self._cjk_loose(r) for r in self.cjk), *map(_lexeme, self.latin)])

    def highlight_terms(self) -> list[str]:
        """Every form of the word that may be marked in a result."""
        terms = [*self.latin]
        for run in self.cjk:
            terms.append(run)
            for word in _segmenter().cut(run):
                terms.append(word)
                terms.extend(_cover(word) if len(word) > 1 else [])
        return [t for t in terms if t and (not is_cjk(t) or len(t) > 1 or len(self.text) == 1)]


class _Unit:
    """A part of the query every result must match: a word, or a span the thesaurus knows
    with its synonyms."""

    def __init__(self, text: str, synonyms=()):
        self.word = _Word(text)
        self.synonyms = [_Word(s) for s in synonyms if _Word(s).exact()]

    def strict(self) -> str:
        return self.word.exact()

    def direct(self) -> str:
        return self.word.loose()

    def full(self) -> str:
        return _any([self.word.loose(), *(s.loose() for s in self.synonyms)])


class ParsedQuery:
    """A search text parsed for `ranked_search`: the tsqueries of the three tiers, what to
    highlight, and the synonyms that were used."""

    def __init__(self, text: str, units: list[_Unit]):
        self.text = text
        self.units = units
        #: The raw tsqueries of the tiers: every word whole; found through sub-words too;
        #: through synonyms too (what a result must match).
        self.raw = {
            "strict": _all(u.strict() for u in units),
            "direct": _all(u.direct() for u in units),
            "full": _all(u.full() for u in units),
        }
        self.strict, self.direct, self.full = map(self._query, self.raw.values())
        words = [u.word for u in units] + [s for u in units for s in u.synonyms]
        terms = list(dict.fromkeys(t for w in words for t in w.highlight_terms()))
        self.highlight = self._query(" | ".join(_lexeme(t) for t in terms))
        cjk = sorted((t for t in terms if is_cjk(t)), key=len, reverse=True)
        #: A regular expression of the Chinese forms, longest first, to set them apart in
        #: the text a headline is made from (PostgreSQL sees a run of Chinese as one word).
        self.highlight_pattern = "(" + "|".join(cjk) + ")" if cjk else ""

    @staticmethod
    def _query(raw: str) -> SearchQuery:
        return SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)

    @property
    def synonyms(self) -> dict[str, list[str]]:
        """Each query part that the thesaurus expanded → its synonyms."""
        return {u.word.text: [s.text for s in u.synonyms] for u in self.units if u.synonyms}


def _thesaurus_spans(text: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, synonyms) of the parts of `text` the thesaurus knows, longest first and
    not overlapping; one query."""
    from talentportal.models import SearchSynonym

    found = []
    for start, end, synonyms in SearchSynonym.objects.matches(text):
        if any(s < end and start < e for s, e, _syn in found):
            continue
        found.append((start, end, synonyms))
    return sorted(found)


def parse_query(text: str, *, synonyms: bool = True) -> ParsedQuery | None:
    """The search text as a `ParsedQuery`, or None when it holds no searchable word."""
    # NUL cannot go to PostgreSQL (the thesaurus lookup sends the text as it is).
    text = (text or "").replace("\x00", " ").lower()[:400]
    units: list[_Unit] = []
    position = 0
    spans = _thesaurus_spans(text) if synonyms and _WORD.search(text) else []
    for start, end, alternatives in [*spans, (len(text), len(text), None)]:
        for token in _segmenter().cut(text[position:start]):
            for piece in _WORD.findall(token):
                if piece not in ENGLISH_STOP_WORDS and piece not in CHINESE_STOP_WORDS:
                    units.append(_Unit(piece))
        if alternatives is not None:
            units.append(_Unit(text[start:end], alternatives))
        position = end
    # Chinese words the segmenter split one character at a time (跑一次 → 跑, 一次) are
    # matched as the run they came from.
    units = _merge_short_runs(units, text)
    seen, unique = set(), []
    for unit in units:
        if unit.word.exact() and unit.word.text not in seen:
            seen.add(unit.word.text)
            unique.append(unit)
    if not unique:
        return None
    return ParsedQuery(text, unique[:MAX_QUERY_TOKENS])


def _merge_short_runs(units: list[_Unit], text: str) -> list[_Unit]:
    """Join consecutive single-character Chinese words with their neighbours (in the text)
    into one word: a lone character matches too much on its own."""
    merged: list[_Unit] = []
    for unit in units:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and not unit.synonyms
            and not previous.synonyms
            and is_cjk(unit.word.text)
            and is_cjk(previous.word.text)
            and (len(unit.word.text) == 1 or len(previous.word.text) == 1)
            and previous.word.text + unit.word.text in text
        ):
            merged[-1] = _Unit(previous.word.text + unit.word.text)
        else:
            merged.append(unit)
    return merged


def ranked_search(queryset, parsed: ParsedQuery, *, vector: str = "search_vector"):
    """`queryset` narrowed to what `parsed` finds in its `vector` column (GIN-indexed), with
    `rank` annotated: TIER_STEP for each stricter tier the row reaches (every word found
    whole; found at least through sub-words rather than only through a synonym), plus
    ts_rank with the standard weights, normalised below 1. Done by PostgreSQL, per row."""
    from django.contrib.postgres.search import SearchRank, SearchVectorExact
    from django.db.models import Case, F, FloatField, Value, When

    def tier(query):
        return Case(
            When(SearchVectorExact(F(vector), query), then=Value(TIER_STEP)),
            default=Value(0.0),
            output_field=FloatField(),
        )

    return queryset.filter(**{vector: parsed.full}).annotate(
        rank=SearchRank(F(vector), parsed.full, weights=SEARCH_WEIGHTS, normalization=Value(32))
        + tier(parsed.direct)
        + tier(parsed.strict)
    )
