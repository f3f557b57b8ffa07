"""The event table, the audit leaves and the stored subtree hashes, read as streams and checked
row by row (as bundle.py checks a bundle's files); `scan_tables` raises `BundleError` with the
`Exit` code and the position of the first row that differs, and returns the leaf tree.

PostgreSQL computes each state's SHA-256 (`sha256(state)`): the state bytes, most of the
data, never cross the wire. That trusts the server no more than reading the rows does.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice, zip_longest
from queue import Full, Queue
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row
from psycopg.sql import SQL, Composed, Identifier, Literal

from marketplace.audit.verify.bundle import BundleError, Exit
from marketplace.audit.verify.merkle import leaf_hash
from marketplace.audit.verify.parallel import CHUNK, default_workers, ordered_map, subtree_levels
from marketplace.audit.verify.records import leaf_record
from marketplace.audit.verify.tree import MemoryTree
from marketplace.bootstrap import EVENTS_TABLE

FETCH = 20_000  # rows per round trip of the server-side cursors
# Rows travel as tuples of plain values (UUIDs as text: pickling a UUID to a worker costs more
# than checking it) and become dicts in the worker that checks them.
_EVENTS = SQL(
    "SELECT notification_id, originator_id::text, originator_version, topic,"
    " encode(sha256(coalesce(state, '')), 'hex')"
    " FROM {} ORDER BY notification_id"
).format(Identifier(EVENTS_TABLE))
_EVENT_COLUMNS = ("position", "stream_id", "stream_version", "topic", "state_sha256")
_LEAVES = SQL(
    "SELECT leaf_index, position, stream_id::text, stream_version, type, recorded_at,"
    " payload_sha256, leaf_hash FROM audit_leaves ORDER BY leaf_index"
)
_LEAF_COLUMNS = ("leaf_index", "position", "stream_id", "stream_version", "type",
                 "recorded_at", "payload_sha256", "leaf_hash")  # fmt: skip
_NODES = SQL("SELECT level, index, hash FROM audit_nodes ORDER BY level, index")
# One level of stored subtree hashes at once: how many, the first and last index, and the
# hashes in index order, concatenated (32 MB for the leaves of a 1M log).
_LEVEL = SQL(
    "SELECT count(*), min(index), max(index), string_agg(hash, ''::bytea ORDER BY index)"
    " FROM audit_nodes WHERE level = %s"
)


class ScannedLog:
    """The leaf tree built while scanning, and the event position of every leaf."""

    def __init__(self) -> None:
        self.tree = MemoryTree()
        self.positions = array("q")

    def __len__(self) -> int:
        return len(self.tree)

    def position(self, leaf_index: int) -> int | None:
        return self.positions[leaf_index] if leaf_index < len(self.positions) else None


def scan_tables(conn: psycopg.Connection[Any]) -> ScannedLog:
    """Events against leaves, then the stored subtree hashes against the leaves, in the
    snapshot of the transaction `conn` is in (server-side cursors need one)."""
    log = _scan(conn)
    _check_nodes(conn, log)
    return log


def _rows(
    conn: psycopg.Connection[Any], name: str, query: Composed | SQL, *, tuples: bool = False
) -> Iterator[Any]:
    with conn.cursor(name=name, row_factory=tuple_row if tuples else dict_row) as cur:
        cur.itersize = FETCH
        cur.execute(query, binary=tuples)
        yield from cur


def _scan(conn: psycopg.Connection[Any], workers: int | None = None) -> ScannedLog:
    """Walk events (by position) and leaves (by index) side by side, as the bundle verifier
    walks its two files, CHUNK rows at a time checked in worker processes (in order); every
    leaf hash goes into the tree."""
    log = ScannedLog()
    with (
        _twin(conn) as twin,
        _Prefetched(_rows(twin, "audit_verify_events", _EVENTS, tuples=True)) as events,
    ):
        leaves = _rows(conn, "audit_verify_leaves", _LEAVES, tuples=True)
        chunks = _chunks(events, leaves)
        for levels, found, error in ordered_map(_scan_chunk, chunks, workers or default_workers()):
            if error is not None:
                raise BundleError(*error)
            log.tree.extend(levels)
            log.positions.extend(found)
    return log


@contextmanager
def _twin(conn: psycopg.Connection[Any]) -> Iterator[psycopg.Connection[Any]]:
    """A second connection that sees the snapshot of `conn`'s transaction: PostgreSQL hashes
    the states of one stream while this process reads the other."""
    snapshot = _one(conn, SQL("SELECT pg_export_snapshot()"))
    # (`dsn` leaves the password out; None adds nothing)
    with psycopg.connect(conn.info.dsn, password=conn.info.password or None) as twin:
        twin.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        twin.execute(SQL("SET TRANSACTION SNAPSHOT {}").format(Literal(snapshot[0])))
        yield twin


class _Prefetched:
    """The rows of an iterator CHUNK at a time, read by a thread up to two chunks ahead (its
    database waits release the GIL); iterating yields the chunks, the last one empty."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._chunks: Queue[list[Any] | BaseException] = Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(rows,), daemon=True)

    def __enter__(self) -> Iterator[list[Any]]:
        self._thread.start()
        return iter(self)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def __iter__(self) -> Iterator[list[Any]]:
        while True:
            chunk = self._chunks.get()
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk
            if not chunk:
                return

    def _read(self, rows: Iterator[Any]) -> None:
        try:
            while not self._stop.is_set():
                chunk = list(islice(rows, CHUNK))
                self._put(chunk)
                if not chunk:
                    return
        except BaseException as error:  # given to the reader, which raises it
            self._put(error)

    def _put(self, item: list[Any] | BaseException) -> None:
        while not self._stop.is_set():
            try:
                self._chunks.put(item, timeout=0.1)
                return
            except Full:
                continue


_Chunk = tuple[int, list[tuple[Any, ...]], list[tuple[Any, ...]]]  # first row, events, leaves


def _chunks(events: Iterator[list[Any]], leaves: Iterator[Any]) -> Iterator[_Chunk]:
    start = 0
    while True:
        event_rows = next(events, [])
        leaf_rows = [_plain(row) for row in islice(leaves, CHUNK)]
        if not event_rows and not leaf_rows:
            return
        yield start, event_rows, leaf_rows
        start += CHUNK


def _plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The leaf row with bytes for its hash (a memoryview cannot go to another process)."""
    hashed = row[-1]
    return row if isinstance(hashed, bytes) else (*row[:-1], bytes(hashed))


def _scan_chunk(chunk: _Chunk) -> tuple[list[bytes], list[int], tuple[Any, ...] | None]:
    """In a worker: one chunk's rows checked in order; its subtree levels and positions, or
    the first failure as BundleError arguments."""
    start, event_tuples, leaf_tuples = chunk
    event_rows = [dict(zip(_EVENT_COLUMNS, row, strict=True)) for row in event_tuples]
    leaf_rows = [dict(zip(_LEAF_COLUMNS, row, strict=True)) for row in leaf_tuples]
    hashes, found = bytearray(), []
    try:
        for index, (event, leaf) in enumerate(zip_longest(event_rows, leaf_rows), start):
            _check_sequence(index, event, leaf)
            _check_event(event, leaf)
            hashes += _check_leaf_hash(leaf)
            found.append(event["position"])
    except BundleError as error:
        return [], [], (error.exit, str(error), error.leaf_index, error.position)
    return subtree_levels(bytes(hashes)), found, None


def _check_sequence(index: int, event: Any, leaf: Any) -> None:
    if leaf is None:
        raise _at(Exit.SEQUENCE, index, event["position"], "has no leaf (inserted?)")
    if event is None or leaf["position"] < event["position"]:
        raise BundleError(
            Exit.SEQUENCE,
            f"leaf {index} is for position {leaf['position']}, which has no event (deleted?)",
            index,
            leaf["position"],
        )
    if leaf["leaf_index"] != index:
        raise _at(
            Exit.SEQUENCE,
            index,
            event["position"],
            f"should have leaf {index}, the next leaf is {leaf['leaf_index']} (leaf deleted?)",
        )
    if leaf["position"] > event["position"]:
        raise _at(
            Exit.SEQUENCE,
            index,
            event["position"],
            f"has no leaf (inserted?); leaf {index} is for position {leaf['position']}",
        )


def _check_event(event: Any, leaf: Any) -> None:
    differences = [
        name
        for name, mine, theirs in (
            ("stream_id", str(event["stream_id"]), str(leaf["stream_id"])),
            ("stream_version", event["stream_version"], leaf["stream_version"]),
            ("topic", event["topic"], leaf["type"]),
            ("state SHA-256", event["state_sha256"], leaf["payload_sha256"]),
        )
        if mine != theirs
    ]
    if differences:
        raise _at(
            Exit.EVENT_MISMATCH,
            leaf["leaf_index"],
            event["position"],
            f"differs from its leaf {leaf['leaf_index']}: " + ", ".join(differences),
        )


def _check_leaf_hash(leaf: Any) -> bytes:
    index, position, stored = leaf["leaf_index"], leaf["position"], bytes(leaf["leaf_hash"])
    try:
        record = leaf_record(
            index,
            position,
            str(leaf["stream_id"]),
            leaf["stream_version"],
            leaf["type"],
            leaf["recorded_at"],
            leaf["payload_sha256"],
        )
    except ValueError as error:
        raise _at(
            Exit.LEAF_HASH, index, position, f"has a malformed leaf ({index}): {error}"
        ) from None
    if leaf_hash(record) != stored:
        what = f"has a leaf ({index}) whose leaf_hash is not the hash of its record"
        raise _at(Exit.LEAF_HASH, index, position, what)
    return stored


def _at(exit: Exit, leaf_index: int, position: int, what: str) -> BundleError:
    return BundleError(exit, f"event at position {position} {what}", leaf_index, position)


def _check_nodes(conn: psycopg.Connection[Any], log: ScannedLog) -> None:
    """Every complete subtree hash the proofs are served from must be the leaves' own: each
    level compared whole (one query per level); a level that differs, or a node outside the
    tree, is looked for row by row to name the first difference."""
    size = len(log.tree)
    for level in range(size.bit_length()):
        expected = size >> level
        count, first, last, joined = _one(conn, _LEVEL, level)
        if count != expected or (count and (first, last) != (0, expected - 1)):
            return _check_nodes_row_by_row(conn, log)
        if bytes(joined or b"") != log.tree.level(level):
            return _check_nodes_row_by_row(conn, log)
    outside = "SELECT count(*) FROM audit_nodes WHERE level < 0 OR level >= %s"
    if _one(conn, SQL(outside), size.bit_length())[0]:
        _check_nodes_row_by_row(conn, log)
    return None


def _one(conn: psycopg.Connection[Any], query: SQL, *params: Any) -> tuple[Any, ...]:
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(query, params, binary=True).fetchone()
    assert row is not None  # an aggregate always has a row
    return row


def _check_nodes_row_by_row(conn: psycopg.Connection[Any], log: ScannedLog) -> None:
    size = len(log.tree)
    expected = ((k, i) for k in range(size.bit_length()) for i in range(size >> k))
    for want, row in zip_longest(expected, _rows(conn, "audit_verify_nodes", _NODES)):
        got: tuple[int, int] | None = None if row is None else (row["level"], row["index"])
        if want is not None and (got is None or got > want):
            raise _node_error(log, want, "is missing")
        if got is not None and (want is None or got < want):
            raise _node_error(log, got, "exists for leaves that are not in the log")
        if want is not None and bytes(row["hash"]) != log.tree.complete(*want):
            raise _node_error(log, want, "is not the hash of its leaves")


def _node_error(log: ScannedLog, node: tuple[int, int], problem: str) -> BundleError:
    level, index = node
    first = index << level
    position = log.position(first)
    where = f"leaves {first}..{first + (1 << level) - 1}" if level else f"leaf {first}"
    at = f", from position {position}" if position is not None else ""
    return BundleError(
        Exit.LEAF_HASH if level == 0 else Exit.ROOT,
        f"the stored subtree hash at level {level}, index {index} ({where}{at}) {problem}",
        first,
        position,
    )
