"""Full-text terms for Chinese and English.

PostgreSQL has no Chinese parser, so Chinese text is segmented here with jieba (search mode)
and stored in a `simple` tsvector, together with the character bigrams of every Chinese run,
so that a query word jieba split differently (钢板 inside 不锈钢板材) is still found. English
and other Latin text goes to the `english` configuration, which stems (steel ~ steels).
"""

from __future__ import annotations

import logging
import re
import threading

import jieba

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[0-9A-Za-z]+")
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


def query_terms(query: str) -> tuple[str, str]:
    """(Chinese terms, all required; Latin words, all required) of a search query."""
    warm_up()
    words: list[str] = []
    for run in _CJK_RUN.findall(query):
        for word in jieba.cut(run):
            words.extend(_bigrams(word) if len(word) > 1 else [word])
    return " ".join(words), " ".join(_LATIN.findall(query)).lower()
