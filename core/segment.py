"""Chinese word segmentation for search: the one place that turns text into words.

Wagtail's database backends (SQLite FTS5, PostgreSQL) keep a run of Chinese characters as
one token, so 井冈山 is never found inside 井冈山革命博物馆. Everything that goes into the
index and every query goes through this module: the index gets the fine-grained search
segmentation (井冈山革命博物馆 → 井冈 冈山 井冈山 革命 博物 博物馆 …), queries get the
precise one (井冈山 革命 博物馆), so each query word is a token the index holds.
"""

from __future__ import annotations

import re

import rjieba

from core.text import fold_for_matching

# Words that carry no meaning on their own in a query.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 之 而 把 被 对 从 向 于 以 为 也 都 就 着 过 吗 呢 吧 啊".split()
)
# Letters, digits and CJK ideographs make words; everything else (including _) separates them.
WORD_CHARACTER = re.compile(r"[^\W_]")
MAX_QUERY_WORDS = 12


def _words(pieces) -> list[str]:
    return [piece.strip() for piece in pieces if WORD_CHARACTER.search(piece)]


def segment_for_index(text: str) -> str:
    """Text as space-separated words for the search index (search-engine mode)."""
    return " ".join(_words(rjieba.cut_for_search(fold_for_matching(text))))


def query_words(query: str) -> list[str]:
    """The distinct meaningful words of a query, in order (precise mode)."""
    words: list[str] = []
    for word in _words(rjieba.cut(fold_for_matching(query))):
        word = "".join(ch for ch in word if WORD_CHARACTER.match(ch))
        if word and word not in STOPWORDS and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def segment_query(query: str) -> str:
    """A query as space-separated words, safe for any backend: no operators or quotes survive."""
    return " ".join(query_words(query))
