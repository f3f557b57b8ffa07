"""`market audit verify` finds what a DBA changed with SQL, and names where the log differs.

Each test builds a small history with the use cases in a database of its own, signs
checkpoints, alters the tables as a superuser would, then runs the online verifier both as a
function and as `market audit verify` (exit code = the `Exit` of the failed check).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from cli import main as cli
from marketplace.audit import online, tables
from marketplace.audit.verify.bundle import Exit
from marketplace.audit.verify.checkpoint import Signer, generate_signer
from marketplace.audit.verify.verifier import VerifyResult
from marketplace.bootstrap import Services
from tests.integration.audit_support import (
    ORIGIN,
    History,
    build_history,
    dba,
    events,
    fresh_database,
    leaf_positions,
    publish,
    rebuild_nodes,
    rewrite_event,
    services_on,
)


@dataclass
class Log:
    url: str
    data_dir: Path
    services: Services
    history: History


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows checked 4 at a time in two worker processes, so that chunk boundaries fall in the
    middle of the 10-event logs: every failure must still be the one a row-by-row scan finds."""
    monkeypatch.setattr(tables, "CHUNK", 4)
    monkeypatch.setattr(tables, "default_workers", lambda: 2)


@pytest.fixture
def log(pg_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Log]:
    """A signed history in a database of its own; `market` is pointed at it."""
    with fresh_database(pg_server_url) as url, services_on(url, tmp_path / "data") as services:
        monkeypatch.setenv("MARKET_DATABASE_URL", url)
        monkeypatch.setenv("MARKET_AUDIT_ORIGIN", ORIGIN)
        yield Log(url, tmp_path / "data", services, build_history(services))


def verify(log: Log, expected: Exit, capsys: pytest.CaptureFixture[str]) -> VerifyResult:
    """The online verifier's result, after checking the command line agrees with it."""
    with log.services.db.connection() as conn:
        result = online.verify(conn, log.services.signer.vkey)
    assert result.exit is expected, result.message
    assert cli.main(["audit", "verify", "--data-dir", str(log.data_dir)]) == expected
    out, err = capsys.readouterr()
    if expected is Exit.OK:
        assert out.startswith("OK:"), err
    else:
        assert f"FAILED ({expected.name})" in err
        if result.position is not None:
            assert f"position {result.position}" in err
    return result


def test_an_untampered_log_verifies(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    result = verify(log, Exit.OK, capsys)
    with dba(log.url) as conn:
        assert result.leaves == len(events(conn))
    assert result.checkpoint is not None and result.checkpoint.tree_size == result.leaves


def test_a_changed_byte_in_a_stored_state_is_found(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    with dba(log.url) as conn:
        target = events(conn)[3]["notification_id"]
        conn.execute(
            "UPDATE marketplace_events SET state = set_byte(state, 40, get_byte(state, 40) # 1)"
            " WHERE notification_id = %s",
            (target,),
        )
    result = verify(log, Exit.EVENT_MISMATCH, capsys)
    assert (result.position, result.leaf_index) == (target, 3)
    assert "state SHA-256" in result.message


def test_a_deleted_event_row_is_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    with dba(log.url) as conn:
        target = events(conn)[5]["notification_id"]
        conn.execute("DELETE FROM marketplace_events WHERE notification_id = %s", (target,))
    result = verify(log, Exit.SEQUENCE, capsys)
    assert (result.position, result.leaf_index) == (target, 5)
    assert "deleted" in result.message


def test_an_inserted_forged_row_is_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    with dba(log.url) as conn:
        rows = events(conn)
        positions = [row["notification_id"] for row in rows]
        gap = next(p + 1 for p, q in pairwise(positions) if q > p + 1)
        bid = next(row for row in rows if row["topic"].endswith("BidPlaced"))
        forged = bytes(bid["state"]).replace(b'"_data_":"12"', b'"_data_":"1"')
        version = max(
            r["originator_version"] for r in rows if r["originator_id"] == bid["originator_id"]
        )
        conn.execute(
            "INSERT INTO marketplace_events (originator_id, originator_version, topic, state,"
            " notification_id) VALUES (%s, %s, %s, %s, %s)",
            (bid["originator_id"], version + 1, bid["topic"], forged, gap),
        )
    result = verify(log, Exit.SEQUENCE, capsys)
    assert result.position == gap
    assert "inserted" in result.message


def test_an_appended_forged_row_is_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    """A row slipped in past the leaf trigger (which would log it like any write).

    The log makes history tamper-evident; it is not access control: an INSERT that goes
    through the trigger is a logged event like the application's own. A DBA hiding one
    disables triggers for the session, and that is what is found."""
    with dba(log.url) as conn:
        conn.execute("SET session_replication_role = replica")  # triggers off
        last = events(conn)[-1]
        row = conn.execute(
            "INSERT INTO marketplace_events (originator_id, originator_version, topic, state)"
            " VALUES (%s, %s, %s, %s) RETURNING notification_id",
            (last["originator_id"], last["originator_version"] + 1, last["topic"], last["state"]),
        ).fetchone()
    assert row is not None
    result = verify(log, Exit.SEQUENCE, capsys)
    assert result.position == row["notification_id"]


def test_swapped_notification_ids_are_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    with dba(log.url) as conn:
        rows = events(conn)
        first, second = rows[2]["notification_id"], rows[6]["notification_id"]
        swap = "UPDATE marketplace_events SET notification_id = %s WHERE notification_id = %s"
        conn.execute(swap, (-1, first))  # a temporary id: the unique index holds throughout
        conn.execute(swap, (first, second))
        conn.execute(swap, (second, -1))
    result = verify(log, Exit.EVENT_MISMATCH, capsys)
    assert (result.position, result.leaf_index) == (first, 2)
    assert "stream_id" in result.message or "stream_version" in result.message


def test_a_changed_leaf_hash_is_found(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    with dba(log.url) as conn:
        conn.execute(
            "UPDATE audit_leaves SET leaf_hash = %s WHERE leaf_index = 4",
            (hashlib.sha256(b"forged").digest(),),
        )
        target = leaf_positions(conn)[4]
    result = verify(log, Exit.LEAF_HASH, capsys)
    assert (result.position, result.leaf_index) == (target, 4)


def test_a_changed_stored_subtree_hash_is_found(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    with dba(log.url) as conn:
        conn.execute(
            "UPDATE audit_nodes SET hash = %s WHERE level = 1 AND index = 2",
            (hashlib.sha256(b"forged").digest(),),
        )
        target = leaf_positions(conn)[4]  # the subtree at level 1, index 2 holds leaves 4 and 5
    result = verify(log, Exit.ROOT, capsys)
    assert (result.position, result.leaf_index) == (target, 4)


def test_a_missing_stored_subtree_hash_is_found(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    """Levels are compared whole; the one that differs is then read row by row to name it."""
    with dba(log.url) as conn:
        conn.execute("DELETE FROM audit_nodes WHERE level = 1 AND index = 1")
        target = leaf_positions(conn)[2]
    result = verify(log, Exit.ROOT, capsys)
    assert (result.position, result.leaf_index) == (target, 2)
    assert "is missing" in result.message


@pytest.mark.parametrize("level", [0, 40])
def test_a_stored_subtree_hash_outside_the_tree_is_found(
    log: Log, capsys: pytest.CaptureFixture[str], level: int
) -> None:
    with dba(log.url) as conn:
        conn.execute(
            "INSERT INTO audit_nodes (level, index, hash) VALUES (%s, 1000, %s)",
            (level, hashlib.sha256(b"forged").digest()),
        )
    result = verify(log, Exit.LEAF_HASH if level == 0 else Exit.ROOT, capsys)
    assert "exists for leaves that are not in the log" in result.message


def test_a_checkpoint_signed_by_another_key_is_refused(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    intruder = Signer(generate_signer(ORIGIN)[0])
    with dba(log.url) as conn:
        row = conn.execute(
            "DELETE FROM audit_checkpoints WHERE tree_size = (SELECT max(tree_size)"
            " FROM audit_checkpoints) RETURNING tree_size, root"
        ).fetchone()
        assert row is not None
        size, root = row["tree_size"], bytes(row["root"])
        conn.execute(
            "INSERT INTO audit_checkpoints (tree_size, root, note) VALUES (%s, %s, %s)",
            (size, root, intruder.sign(ORIGIN, size, root)),
        )
    result = verify(log, Exit.SIGNATURE, capsys)
    assert f"tree size {size}" in result.message


def test_a_covered_up_rewrite_fails_the_signed_root(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    """State, leaf and every subtree rewritten consistently, but not re-signed: the signed
    root no longer holds, and the earlier checkpoint (size 4) narrows down where."""
    with dba(log.url) as conn:
        rows = events(conn)
        target = next(row for row in rows[4:] if row["topic"].endswith("BidPlaced"))
        forged = bytes(target["state"]).replace(b'"_data_":"12"', b'"_data_":"1"')
        assert forged != bytes(target["state"])
        rewrite_event(conn, target["notification_id"], forged)
        fifth = leaf_positions(conn)[4]
    result = verify(log, Exit.ROOT, capsys)
    assert (result.position, result.leaf_index) == (fifth, 4)
    assert "the checkpoint at size 4 still holds" in result.message


def test_a_truncated_log_fails_the_signed_root(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    with dba(log.url) as conn:
        last = leaf_positions(conn)[-1]
        conn.execute("DELETE FROM marketplace_events WHERE notification_id = %s", (last,))
        conn.execute("DELETE FROM audit_leaves WHERE position = %s", (last,))
        rebuild_nodes(conn)
    result = verify(log, Exit.ROOT, capsys)
    assert "truncated" in result.message


def test_an_event_after_the_last_checkpoint_is_checked_too(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(log.services, log.history.owner, "unsigned yet")
    with dba(log.url) as conn:
        target = events(conn)[-1]["notification_id"]
        conn.execute(
            "UPDATE marketplace_events SET state = set_byte(state, 40, get_byte(state, 40) # 1)"
            " WHERE notification_id = %s",
            (target,),
        )
    result = verify(log, Exit.EVENT_MISMATCH, capsys)
    assert result.position == target


def test_a_foreign_trusted_key_is_refused(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    other = generate_signer("someone-else")[1]
    code = cli.main(["audit", "verify", "--data-dir", str(log.data_dir), "--trusted-key", other])
    assert code == Exit.SIGNATURE
    assert "does not verify" in capsys.readouterr().err
