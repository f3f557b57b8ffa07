"""The event table, the audit leaves and the stored subtree hashes, read as streams and checked
row by row (as bundle.py checks a bundle's files); `scan_tables` raises `BundleError` with the
`Exit` code and the position of the first row that differs, and returns the leaf tree. The
reading is in `snapshot_reads.py`, the check of the stored subtree hashes in `stored_nodes.py`.

PostgreSQL computes each state's SHA-256 (`sha256(state)`): the state bytes, most of the
data, never cross the wire. That trusts the server no more than reading the rows does.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import islice, zip_longest
from typing import Any

import psycopg
from psycopg.sql import SQL, Identifier

from marketplace.audit.snapshot_reads import Prefetched, rows, twin
from marketplace.audit.stored_nodes import check_nodes
from marketplace.audit.verify.bundle import BundleError, Exit
from marketplace.audit.verify.merkle import leaf_hash
from marketplace.audit.verify.parallel import CHUNK, default_workers, ordered_map, subtree_levels
from marketplace.audit.verify.records import leaf_record
from marketplace.audit.verify.tree import MemoryTree
from marketplace.bootstrap import EVENTS_TABLE

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
    check_nodes(conn, log)
    return log


def _scan(conn: psycopg.Connection[Any], workers: int | None = None) -> ScannedLog:
    """Walk events (by position) and leaves (by index) side by side, as the bundle verifier
    walks its two files, CHUNK rows at a time checked in worker processes (in order); every
    leaf hash goes into the tree."""
    log = ScannedLog()
    # The events on a twin connection, a chunk ahead: PostgreSQL hashes their states meanwhile.
    with (
        twin(conn) as other,
        Prefetched(rows(other, "audit_verify_events", _EVENTS), CHUNK) as events,
    ):
        leaves = rows(conn, "audit_verify_leaves", _LEAVES)
        chunks = _chunks(events, leaves)
        for levels, found, error in ordered_map(_scan_chunk, chunks, workers or default_workers()):
            if error is not None:
                raise BundleError(*error)
            log.tree.extend(levels)
            log.positions.extend(found)
    return log


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
