"""Reading the audit tables for verification: large server-side cursors of plain tuples, a
second connection that sees the same snapshot, and a thread that reads one stream ahead.

Online verification reads the event stream and the leaf stream side by side; PostgreSQL
hashes every state of the first. With both on one connection this process waited for each
fetch in turn; with the events on a twin connection read a chunk ahead by a thread (its
database waits release the GIL), PostgreSQL works while this process checks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from queue import Full, Queue
from typing import Any

import psycopg
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Literal

FETCH = 20_000  # rows per round trip of the server-side cursors


def rows(conn: psycopg.Connection[Any], name: str, query: Composed | SQL) -> Iterator[Any]:
    """The rows of `query` as tuples (binary), through a server-side cursor named `name`
    (it needs the transaction `conn` is in)."""
    with conn.cursor(name=name, row_factory=tuple_row) as cur:
        cur.itersize = FETCH
        cur.execute(query, binary=True)
        yield from cur


def one(conn: psycopg.Connection[Any], query: SQL, *params: Any) -> tuple[Any, ...]:
    """The single row of an aggregate query, as a tuple."""
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(query, params, binary=True).fetchone()
    assert row is not None  # an aggregate always has a row
    return row


@contextmanager
def twin(conn: psycopg.Connection[Any]) -> Iterator[psycopg.Connection[Any]]:
    """A second connection that sees the snapshot of `conn`'s (REPEATABLE READ) transaction."""
    snapshot = one(conn, SQL("SELECT pg_export_snapshot()"))
    # (`dsn` leaves the password out; None adds nothing)
    with psycopg.connect(conn.info.dsn, password=conn.info.password or None) as other:
        other.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        other.execute(SQL("SET TRANSACTION SNAPSHOT {}").format(Literal(snapshot[0])))
        yield other


class Prefetched:
    """The items of an iterator `size` at a time, read by a thread up to two lists ahead;
    iterating yields the lists, the last one empty. An error of the iterator is raised to the
    reader."""

    def __init__(self, items: Iterator[Any], size: int) -> None:
        self._lists: Queue[list[Any] | BaseException] = Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(items, size), daemon=True)

    def __enter__(self) -> Iterator[list[Any]]:
        self._thread.start()
        return iter(self)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def __iter__(self) -> Iterator[list[Any]]:
        while True:
            item = self._lists.get()
            if isinstance(item, BaseException):
                raise item
            yield item
            if not item:
                return

    def _read(self, items: Iterator[Any], size: int) -> None:
        try:
            while not self._stop.is_set():
                chunk = list(islice(items, size))
                self._put(chunk)
                if not chunk:
                    return
        except BaseException as error:  # given to the reader, which raises it
            self._put(error)

    def _put(self, item: list[Any] | BaseException) -> None:
        while not self._stop.is_set():
            try:
                self._lists.put(item, timeout=0.1)
                return
            except Full:
                continue
