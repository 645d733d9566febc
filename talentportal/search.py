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
