"""The stored subtree hashes (`audit_nodes`, level 0 being the leaves) checked against the
tree the scan built: proofs are served from them, so each must be the leaves' own.

Each level is compared whole, with one aggregate query (count, first and last index, the
hashes concatenated in index order); only a level that differs, or a node outside the tree,
is read row by row, to name the first difference as `BundleError` with its position.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.sql import SQL

from marketplace.audit.snapshot_reads import one, rows
from marketplace.audit.verify.bundle import BundleError, Exit

if TYPE_CHECKING:
    from marketplace.audit.tables import ScannedLog

_NODES = SQL("SELECT level, index, hash FROM audit_nodes ORDER BY level, index")
# One level at once: how many, the first and last index, and the hashes in index order,
# concatenated (32 MB for the leaves of a 1M log).
_LEVEL = SQL(
    "SELECT count(*), min(index), max(index), string_agg(hash, ''::bytea ORDER BY index)"
    " FROM audit_nodes WHERE level = %s"
)
_OUTSIDE = SQL("SELECT count(*) FROM audit_nodes WHERE level < 0 OR level >= %s")


def check_nodes(conn: psycopg.Connection[Any], log: ScannedLog) -> None:
    size = len(log.tree)
    for level in range(size.bit_length()):
        expected = size >> level
        count, first, last, joined = one(conn, _LEVEL, level)
        if count != expected or (count and (first, last) != (0, expected - 1)):
            return _row_by_row(conn, log)
        if bytes(joined or b"") != log.tree.level(level):
            return _row_by_row(conn, log)
    if one(conn, _OUTSIDE, size.bit_length())[0]:
        _row_by_row(conn, log)
    return None


def _row_by_row(conn: psycopg.Connection[Any], log: ScannedLog) -> None:
    size = len(log.tree)
    expected = ((k, i) for k in range(size.bit_length()) for i in range(size >> k))
    for want, row in zip_longest(expected, rows(conn, "audit_verify_nodes", _NODES)):
        got: tuple[int, int] | None = None if row is None else (row[0], row[1])
        if want is not None and (got is None or got > want):
            raise _node_error(log, want, "is missing")
        if got is not None and (want is None or got < want):
            raise _node_error(log, got, "exists for leaves that are not in the log")
        if want is not None and bytes(row[2]) != log.tree.complete(*want):
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
