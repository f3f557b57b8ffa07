"""The audit log in PostgreSQL: Merkle leaves written in the event's own transaction.

`append` runs inside the recorder's insert transaction, after the events are inserted and
while the event table's EXCLUSIVE lock is held, so leaf indices are gap-free and no event
ever exists without its leaf. Every complete subtree hash is stored (`audit_nodes`, level 0
being the leaves), so roots and proofs cost O(log n) reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.sql import SQL

from marketplace.audit.merkle import completed_nodes, leaf_hash
from marketplace.audit.records import format_recorded_at, leaf_record, payload_sha256

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS audit_leaves ("
        " leaf_index bigint PRIMARY KEY, position bigint NOT NULL UNIQUE,"
        " stream_id uuid NOT NULL, stream_version bigint NOT NULL, type text NOT NULL,"
        " recorded_at text NOT NULL, payload_sha256 text NOT NULL, leaf_hash bytea NOT NULL)"
    ),
    SQL(
        "CREATE TABLE IF NOT EXISTS audit_nodes ("
        " level smallint NOT NULL, index bigint NOT NULL, hash bytea NOT NULL,"
        " PRIMARY KEY (level, index))"
    ),
    SQL(
        "CREATE TABLE IF NOT EXISTS audit_checkpoints ("
        " tree_size bigint PRIMARY KEY, root bytea NOT NULL, note text NOT NULL,"
        " signed_at timestamptz NOT NULL DEFAULT now())"
    ),
]


def frontier(size: int) -> list[tuple[int, int]]:
    """(level, index) of the complete subtrees on the right edge of a tree of `size` leaves."""
    return [(k, (size >> k) - 1) for k in range(size.bit_length()) if size >> k & 1]


def append_leaves(
    cur: psycopg.Cursor[Any],
    events: Sequence[tuple[int, UUID | str, int, str, bytes]],
) -> None:
    """Write the leaves (and completed subtrees) of events given as
    (position, stream_id, stream_version, topic, state), in position order."""
    row = cur.execute(
        "SELECT coalesce(max(leaf_index) + 1, 0) AS size FROM audit_leaves"
    ).fetchone()
    size = int(_first(row))
    known = _nodes(cur, frontier(size))
    recorded_at = format_recorded_at(datetime.now(UTC))
    leaves, nodes = [], []
    for offset, (position, stream_id, version, topic, state) in enumerate(events):
        index = size + offset
        digest = payload_sha256(state)
        record = leaf_record(index, position, str(stream_id), version, topic, recorded_at, digest)
        hashed = leaf_hash(record)
        leaves.append((index, position, stream_id, version, topic, recorded_at, digest, hashed))
        known[(0, index)] = hashed
        nodes.append((0, index, hashed))
        for level, node_index, node in completed_nodes(index, hashed, lambda k, i: known[(k, i)]):
            known[(level, node_index)] = node
            nodes.append((level, node_index, node))
    cur.executemany(
        "INSERT INTO audit_leaves (leaf_index, position, stream_id, stream_version, type,"
        " recorded_at, payload_sha256, leaf_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        leaves,
    )
    cur.executemany("INSERT INTO audit_nodes (level, index, hash) VALUES (%s, %s, %s)", nodes)


def _first(row: Any) -> Any:
    return row["size"] if isinstance(row, dict) else row[0]


def _nodes(cur: psycopg.Cursor[Any], keys: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    if not keys:
        return {}
    rows = cur.execute(
        "SELECT level, index, hash FROM audit_nodes"
        " WHERE (level, index) IN (SELECT * FROM unnest(%s::smallint[], %s::bigint[]))",
        ([k for k, _ in keys], [i for _, i in keys]),
    ).fetchall()
    found = {}
    for r in rows:
        level, index, digest = (r["level"], r["index"], r["hash"]) if isinstance(r, dict) else r
        found[(int(level), int(index))] = bytes(digest)
    return found


class DatabaseTree:
    """A `NodeSource` over `audit_nodes`: each complete subtree hash is one indexed read."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def size(self) -> int:
        row = self.conn.execute(
            "SELECT coalesce(max(leaf_index) + 1, 0) AS size FROM audit_leaves"
        ).fetchone()
        return int(_first(row))

    def complete(self, level: int, index: int) -> bytes:
        row = self.conn.execute(
            "SELECT hash FROM audit_nodes WHERE level = %s AND index = %s", (level, index)
        ).fetchone()
        if row is None:
            raise LookupError(f"no complete subtree at level {level}, index {index}")
        return bytes(row["hash"] if isinstance(row, dict) else row[0])
