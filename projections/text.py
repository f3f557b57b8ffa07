"""Full-text terms for Chinese and English.

PostgreSQL has no Chinese parser, so Chinese text is segmented here with jieba (search mode)
and stored in a `simple` tsvector, together with the character bigrams and the single
characters of every Chinese run. English and other Latin text goes to the `english`
configuration, which stems (steel ~ steels).

The title's terms are stored a second time, marked with TITLE_MARK (`0钢板`, `0steel`: a
"numword" to PostgreSQL's parser, kept whole by `simple`), so that the index itself can tell a
title match from a description match. A query becomes several tsqueries of growing
looseness, which `projections/listing_search.py` turns into ranking tiers.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass

import jieba

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[0-9A-Za-z]+")
# What a title must contain as typed for the best tier: Chinese runs, runs of Latin words.
_PHRASE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+(?:\s+[0-9a-z]+)*")
TITLE_MARK = "0"
_lock = threading.Lock()
_ready = False


def warm_up() -> None:
    """Load jieba's dictionary once (about a second) before the first request needs it."""
    global _ready
    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _ready = True


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] or [run]


# The full-text columns of a searchable view: the terms of `document_terms` and the tsvector
# PostgreSQL keeps of them (`Where.matches` queries it).
SEARCH_COLUMNS = (
    "search_zh text NOT NULL",
    "search_en text NOT NULL",
    "search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_zh)"
    " || to_tsvector('english'::regconfig, search_en)) STORED",
)


def document_terms(*texts: str) -> tuple[str, str]:
    """(Chinese terms for `simple`, Latin text for `english`) of a document."""
    warm_up()
    text = " ".join(texts)
    words: list[str] = []
    for run in _CJK_RUN.findall(text):
        words.extend(w for w in jieba.cut_for_search(run) if w.strip())
        words.extend(_bigrams(run))
        words.extend(run)  # single characters, for one-character queries
    return " ".join(words), " ".join(_LATIN.findall(text)).lower()


def title_terms(title: str) -> str:
    """The title's bigrams, characters and Latin words, marked, for `simple`."""
    words: list[str] = []
    for run in _CJK_RUN.findall(title):
        words.extend(_bigrams(run))
        words.extend(run)
    words.extend(w.lower() for w in _LATIN.findall(title))
    return " ".join(TITLE_MARK + w for w in words)


@dataclass(frozen=True)
class QueryTerms:
    """A search query as the tsqueries of each tier (`plainto_tsquery` input; "" for none)."""

    chinese: str  # bigrams of jieba's words, single-character words alone: all required
    latin: str  # Latin words, stemmed by `english`: all required
    title: str  # the same terms, marked: all required in the title
    characters: str  # every Chinese character: all required, anywhere, in any order
    phrases: tuple[str, ...]  # lower-case parts the best matches' titles contain as typed

    @property
    def empty(self) -> bool:
        return not (self.chinese or self.latin)


def query_terms(query: str) -> QueryTerms:
    warm_up()
    words: list[str] = []
    for run in _CJK_RUN.findall(query):
        for word in jieba.cut(run):
            words.extend(_bigrams(word) if len(word) > 1 else [word])
    latin = [w.lower() for w in _LATIN.findall(query)]
    characters = dict.fromkeys(c for run in _CJK_RUN.findall(query) for c in run)
    return QueryTerms(
        chinese=" ".join(words),
        latin=" ".join(latin),
        title=" ".join(TITLE_MARK + w for w in [*words, *latin]),
        characters=" ".join(characters),
        phrases=tuple(_PHRASE.findall(query.lower())),
    )
