"""The audit log in PostgreSQL: Merkle leaves written in the event's own statement.

A statement-level trigger on the event table computes each new event's leaf (the RFC 8785
record of DESIGN.md, hashed as RFC 6962 prescribes) and every subtree that leaf completes,
inside the INSERT itself: no extra round trip while the recorder holds the event table's
EXCLUSIVE lock, leaf indices are gap-free, and no event exists without its leaf. Every complete
subtree hash is stored (`audit_nodes`, level 0 being the leaves), so roots and proofs cost
O(log n) reads. `append_leaves` is the same computation in Python, for the tests that check
that both agree byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.sql import SQL, Composed, Identifier

from marketplace.audit.verify.merkle import leaf_hash
from marketplace.audit.verify.records import format_recorded_at, leaf_record, payload_sha256
from marketplace.audit.verify.tree import completed_nodes

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


def trigger_schema(events_table: str) -> list[SQL | Composed]:
    """The leaf-writing function and its trigger on the event table."""
    return [
        SQL(_APPEND_LEAVES),
        SQL("DROP TRIGGER IF EXISTS audit_leaves_after_insert ON {}").format(
            Identifier(events_table)
        ),
        SQL(
            "CREATE TRIGGER audit_leaves_after_insert AFTER INSERT ON {}"
            " REFERENCING NEW TABLE AS new_events"
            " FOR EACH STATEMENT EXECUTE FUNCTION audit_append_leaves()"
        ).format(Identifier(events_table)),
    ]


# The record's keys in RFC 8785 order (sorted); integers as JSON numbers, the topic escaped by
# to_json (topics are ASCII identifiers, where to_json and RFC 8785 agree).
_APPEND_LEAVES = r"""
CREATE OR REPLACE FUNCTION audit_append_leaves() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    size bigint;
    event record;
    digest text;
    leaf bytea;
    node bytea;
    sibling bytea;
    lvl int;
    recorded text := to_char(clock_timestamp() AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
BEGIN
    SELECT coalesce(max(leaf_index) + 1, 0) INTO size FROM audit_leaves;
    FOR event IN SELECT * FROM new_events ORDER BY notification_id LOOP
        digest := encode(sha256(event.state), 'hex');
        leaf := sha256('\x00'::bytea || convert_to(
            '{"leaf_index":' || size
            || ',"payload_sha256":"' || digest
            || '","position":' || event.notification_id
            || ',"recorded_at":"' || recorded
            || '","stream_id":"' || event.originator_id::text
            || '","stream_version":' || event.originator_version
            || ',"type":' || to_json(event.topic)::text || '}', 'UTF8'));
        INSERT INTO audit_leaves (leaf_index, position, stream_id, stream_version, type,
                                  recorded_at, payload_sha256, leaf_hash)
        VALUES (size, event.notification_id, event.originator_id, event.originator_version,
                event.topic, recorded, digest, leaf);
        INSERT INTO audit_nodes (level, index, hash) VALUES (0, size, leaf);
        node := leaf;
        lvl := 0;
        WHILE (size >> lvl) & 1 = 1 LOOP
            SELECT hash INTO sibling FROM audit_nodes
            WHERE level = lvl AND index = (size >> lvl) - 1;
            node := sha256('\x01'::bytea || sibling || node);
            lvl := lvl + 1;
            INSERT INTO audit_nodes (level, index, hash) VALUES (lvl, size >> lvl, node);
        END LOOP;
        size := size + 1;
    END LOOP;
    RETURN NULL;
END
$fn$
"""


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
