"""Online verification (`market audit verify`): event table ↔ leaves ↔ stored subtree hashes ↔
latest signed checkpoint, read in one REPEATABLE READ snapshot.

The exit codes are those of the offline verifier (`Exit`, verifier.py): SIGNATURE (the latest
checkpoint is not signed by the trusted key), then, from `scan_tables`, SEQUENCE (an event
without a leaf or a leaf without an event: rows deleted, inserted or renumbered),
EVENT_MISMATCH (an event differs from its leaf), LEAF_HASH (a leaf, or a stored level-0 hash,
is not the hash of its record), ROOT (a stored interior hash, or the signed root, is not
reproduced). The result names the position (and leaf index) where the log first differs.

Only the latest checkpoint must verify: the database holds the heads too, so a rewrite that
was re-signed with the server's own key is caught only against heads kept elsewhere
(`verify-bundle --since`). Earlier stored heads just narrow down where a rewrite happened.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from marketplace.audit.tables import ScannedLog, scan_tables
from marketplace.audit.verify.bundle import BundleError, Exit
from marketplace.audit.verify.checkpoint import Checkpoint, verify_note
from marketplace.audit.verify.notes import CheckpointError, VerifierKey, parse_vkey
from marketplace.audit.verify.verifier import VerifyResult

_CHECKPOINTS = "SELECT tree_size, root, note FROM audit_checkpoints"


def verify(conn: psycopg.Connection[Any], trusted_key: str) -> VerifyResult:
    """Verify the log in the database behind `conn` (idle; autocommit or not) against the
    verifier key string `trusted_key`."""
    try:
        key = parse_vkey(trusted_key)
    except CheckpointError as error:
        return VerifyResult(Exit.USAGE, f"unusable trusted key: {error}")
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _verify(conn, key)
    except BundleError as error:
        return VerifyResult(error.exit, str(error), None, 0, error.leaf_index, error.position)


def _verify(conn: psycopg.Connection[Any], key: VerifierKey) -> VerifyResult:
    head = _latest_head(conn, key)
    log = scan_tables(conn)
    size = len(log)
    if head is None:
        unsigned = "no checkpoint has been signed yet: the leaves are consistent, nothing signed"
        return VerifyResult(
            Exit.OK, f"OK: {size} events and leaves", None, size, warnings=(unsigned,)
        )
    _check_root(conn, log, head, key)
    warnings = []
    if size > head.tree_size:
        warnings.append(f"{size - head.tree_size} leaves after the checkpoint are not signed yet")
    message = (
        f"OK: {size} events and leaves; checkpoint {head.origin} at tree size {head.tree_size}"
        f" (root {head.root.hex()}) verified"
    )
    return VerifyResult(Exit.OK, message, head, size, warnings=tuple(warnings))


# --- the latest checkpoint --------------------------------------------------------------------


def _fetch(conn: psycopg.Connection[Any], query: str, params: tuple[Any, ...] = ()) -> list[Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchall()


def _latest_head(conn: psycopg.Connection[Any], key: VerifierKey) -> Checkpoint | None:
    rows = _fetch(conn, _CHECKPOINTS + " ORDER BY tree_size DESC LIMIT 1")
    return _verified_head(rows[0], key) if rows else None


def _verified_head(row: Any, key: VerifierKey) -> Checkpoint:
    size, root, note = row["tree_size"], bytes(row["root"]), row["note"]
    try:
        head = verify_note(note, key)
    except CheckpointError as error:
        raise BundleError(
            Exit.SIGNATURE, f"the checkpoint at tree size {size} does not verify: {error}"
        ) from None
    if (head.tree_size, head.root) != (size, root):
        raise BundleError(
            Exit.MALFORMED,
            f"the checkpoint row at tree size {size} does not match its signed note "
            f"(tree size {head.tree_size}, root {head.root.hex()})",
        )
    return head


# --- the signed root --------------------------------------------------------------------------


def _check_root(
    conn: psycopg.Connection[Any], log: ScannedLog, head: Checkpoint, key: VerifierKey
) -> None:
    size = len(log.tree)
    if head.tree_size > size:
        raise BundleError(
            Exit.ROOT,
            f"the checkpoint covers {head.tree_size} leaves, the log has only {size} (truncated?)",
            size,
            None,
        )
    if log.tree.root(head.tree_size) == head.root:
        return
    good, bad = _rewritten_between(conn, log, key, head.tree_size)
    holds = f"the checkpoint at size {good} still holds" if good else "no earlier one holds"
    raise BundleError(
        Exit.ROOT,
        f"the first {head.tree_size} leaves do not hash to the signed root {head.root.hex()}; "
        f"{holds}, so the log was rewritten among leaves {good}..{bad - 1}, from position "
        f"{log.position(good)}",
        good,
        log.position(good),
    )


def _rewritten_between(
    conn: psycopg.Connection[Any], log: ScannedLog, key: VerifierKey, failing: int
) -> tuple[int, int]:
    """Bisect the stored checkpoints up to size `failing` (which does not hold) for the last
    one that still holds: (its size or 0, the size of the first one that does not)."""
    query = "SELECT tree_size FROM audit_checkpoints WHERE tree_size < %s ORDER BY tree_size"
    sizes = [row["tree_size"] for row in _fetch(conn, query, (failing,))] + [failing]
    low, high = -1, len(sizes) - 1  # sizes[high] does not hold; sizes[low] does (or -1)
    while high - low > 1:
        middle = (low + high) // 2
        if _holds(conn, log, key, sizes[middle]):
            low = middle
        else:
            high = middle
    return (sizes[low] if low >= 0 else 0), sizes[high]


def _holds(conn: psycopg.Connection[Any], log: ScannedLog, key: VerifierKey, size: int) -> bool:
    try:
        head = _verified_head(_fetch(conn, _CHECKPOINTS + " WHERE tree_size = %s", (size,))[0], key)
    except BundleError:
        return False
    return log.tree.root(size) == head.root
