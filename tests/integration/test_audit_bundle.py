"""`market audit export` writes a bundle that verifies offline, in a fresh process that cannot
reach any database; against an older trusted checkpoint it proves the log only grew, and a log
rewritten (and re-signed with the server's own key) after that checkpoint is refused."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from cli import main as cli
from marketplace.audit import online
from marketplace.audit.verify.bundle import EVENTS, LEAVES, Exit
from marketplace.audit.verify.trust import CHECKPOINT, PUBLIC_KEY
from marketplace.bootstrap import Services
from tests.integration.audit_support import (
    ORIGIN,
    History,
    build_history,
    dba,
    events,
    fresh_database,
    publish,
    rewrite_event,
    services_on,
    sign,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NO_IMPORTS = ("psycopg", "psycopg_pool", "eventsourcing", "marketplace.bootstrap")


@dataclass
class Log:
    url: str
    data_dir: Path
    services: Services
    history: History
    tmp: Path

    def export(self, name: str) -> Path:
        bundle = self.tmp / name
        assert cli.main(["audit", "export", str(bundle), "--data-dir", str(self.data_dir)]) == 0
        return bundle

    @property
    def key_file(self) -> Path:
        """The log's verifier key as the auditor received it (out of band, not in a bundle)."""
        path = self.tmp / "trusted.key"
        path.write_text(self.services.signer.vkey + "\n")
        return path


@pytest.fixture
def log(pg_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Log]:
    with fresh_database(pg_server_url) as url, services_on(url, tmp_path / "data") as services:
        monkeypatch.setenv("MARKET_DATABASE_URL", url)
        monkeypatch.setenv("MARKET_AUDIT_ORIGIN", ORIGIN)
        yield Log(url, tmp_path / "data", services, build_history(services), tmp_path)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def offline_env(home: Path) -> dict[str, str]:
    """No database variables but ones that lead nowhere: any connection attempt would fail."""
    port = str(closed_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "MARKET_"))}
    env.update(
        HOME=str(home),
        PGHOST="127.0.0.1",
        PGPORT=port,
        MARKET_DATABASE_URL=f"postgresql://nobody@127.0.0.1:{port}/nowhere",
    )
    return env


def verify_offline(
    bundle: Path, key: Path, state: Path, since: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -I -m marketplace.audit.verifier` in a fresh process, away from the project
    (the package imported from this checkout, not from wherever the venv installed it)."""
    run = (
        f"import runpy, sys; sys.path.insert(0, {str(PROJECT_ROOT)!r});"
        " runpy.run_module('marketplace.audit.verifier', run_name='__main__', alter_sys=True)"
    )
    command = [sys.executable, "-I", "-c", run, str(bundle)]
    command += ["--trusted-key", str(key), "--state", str(state)]
    command += ["--since", str(since)] if since else []
    return subprocess.run(
        command,
        cwd=state.parent,
        env=offline_env(state.parent),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_exported_bundle_verifies_offline_without_a_database(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    publish(log.services, log.history.owner, "after the last checkpoint")
    bundle = log.export("bundle")
    out, err = capsys.readouterr()
    assert "exporting [" in err and "100%" in err  # the progress bar
    assert "tree size 10" in out
    assert sorted(p.name for p in bundle.iterdir()) == sorted(
        [EVENTS, LEAVES, CHECKPOINT, PUBLIC_KEY, "checkpoints"]
    )
    assert sorted(p.name for p in (bundle / "checkpoints").iterdir()) == [
        "10.txt",
        "4.txt",
        "9.txt",
    ]  # export signed a head covering the event added after the last checkpoint
    assert (bundle / PUBLIC_KEY).read_text().strip() == log.services.signer.vkey
    with dba(log.url) as conn:
        assert len((bundle / EVENTS).read_text().splitlines()) == len(events(conn)) == 10

    state = log.tmp / "auditor"
    done = verify_offline(bundle, log.key_file, state)
    assert done.returncode == Exit.OK, done.stderr
    assert done.stdout.startswith("OK: 10 leaves")
    assert list(state.rglob("10.txt")), "the verified head is kept for later runs"


def test_a_compressed_export_verifies_and_a_tampered_one_fails(log: Log) -> None:
    bundle = log.tmp / "packed"
    assert cli.main(["audit", "export", str(bundle), "--compress",
                     "--data-dir", str(log.data_dir)]) == 0  # fmt: skip
    names = sorted(p.name for p in bundle.iterdir())
    assert names == sorted([f"{EVENTS}.gz", f"{LEAVES}.gz", CHECKPOINT, PUBLIC_KEY, "checkpoints"])
    lines = gzip.decompress((bundle / f"{EVENTS}.gz").read_bytes()).splitlines(keepends=True)
    assert len(lines) == 9
    done = verify_offline(bundle, log.key_file, log.tmp / "auditor")
    assert done.returncode == Exit.OK, done.stderr
    assert done.stdout.startswith("OK: 9 leaves")

    event = json.loads(lines[3])
    event["stream_version"] += 1000  # the fourth event altered
    lines[3] = (json.dumps(event) + "\n").encode()
    (bundle / f"{EVENTS}.gz").write_bytes(gzip.compress(b"".join(lines)))
    done = verify_offline(bundle, log.key_file, log.tmp / "auditor")
    assert done.returncode == Exit.EVENT_MISMATCH, done.stderr
    assert f"position {event['position']}" in done.stderr


def test_the_offline_verifier_imports_no_database_code(log: Log, tmp_path: Path) -> None:
    bundle = log.export("bundle")
    state = tmp_path / "auditor"
    argv = [str(bundle), "--trusted-key", str(log.key_file), "--state", str(state)]
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['verifier', *{argv!r}]\n"
        "try:\n"
        "    runpy.run_module('marketplace.audit.verifier', run_name='__main__')\n"
        "except SystemExit as exit_:\n"
        "    code = exit_.code\n"
        f"loaded = [m for m in sys.modules if m.startswith({NO_IMPORTS!r})]\n"
        "assert not loaded, loaded\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", script],
        cwd=tmp_path,
        env=offline_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == Exit.OK, done.stderr


def test_market_audit_verify_bundle_never_opens_the_database(log: Log, tmp_path: Path) -> None:
    bundle = log.export("bundle")
    command = [sys.executable, "-m", "cli", "audit", "verify-bundle", str(bundle)]
    command += ["--trusted-key", str(log.key_file), "--state", str(tmp_path / "auditor")]
    project_root = str(Path(__file__).resolve().parents[2])  # this checkout's `cli`, not another
    done = subprocess.run(
        command,
        cwd=tmp_path,
        env=offline_env(tmp_path) | {"PYTHONPATH": project_root},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == Exit.OK, done.stderr
    assert done.stdout.startswith("OK:")


def test_a_later_bundle_is_consistent_with_an_older_trusted_checkpoint(log: Log) -> None:
    first = log.export("first")
    trusted = log.tmp / "trusted-checkpoint.txt"
    shutil.copy(first / CHECKPOINT, trusted)  # the head the auditor kept from last time
    for title in ("新增一", "新增二", "新增三"):
        publish(log.services, log.history.owner, title)
    sign(log.services)
    second = log.export("second")

    done = verify_offline(second, log.key_file, log.tmp / "auditor", since=trusted)
    assert done.returncode == Exit.OK, done.stderr
    assert "OK: 12 leaves" in done.stdout
    assert "earlier trusted checkpoints at sizes: 9" in done.stdout


def test_the_verifier_keeps_heads_and_checks_later_bundles_against_them(log: Log) -> None:
    state = log.tmp / "auditor"
    assert verify_offline(log.export("first"), log.key_file, state).returncode == Exit.OK
    publish(log.services, log.history.owner, "later")
    done = verify_offline(log.export("second"), log.key_file, state)
    assert done.returncode == Exit.OK, done.stderr
    assert "earlier trusted checkpoints at sizes: 9" in done.stdout


def test_a_log_rewritten_after_the_trusted_checkpoint_is_refused(log: Log) -> None:
    first = log.export("first")
    trusted = log.tmp / "trusted-checkpoint.txt"
    shutil.copy(first / CHECKPOINT, trusted)
    publish(log.services, log.history.owner, "later")
    with dba(log.url) as conn:
        # A DBA with the server's key rewrites an early posting (quantity 5 → 500), recomputes
        # its leaf and every subtree hash, replaces the heads and signs anew with that key.
        posting = events(conn)[2]
        forged = bytes(posting["state"]).replace(b'"_data_":"5"', b'"_data_":"500"')
        assert forged != bytes(posting["state"])
        rewrite_event(conn, posting["notification_id"], forged)
        conn.execute("DELETE FROM audit_checkpoints")
    sign(log.services)
    with log.services.db.connection() as conn:
        assert online.verify(conn, log.services.signer.vkey).ok  # the database alone can't tell
    assert log.services.app.get_posting(log.history.postings[0]).quantity == Decimal("500")
    rewritten = log.export("rewritten")

    done = verify_offline(rewritten, log.key_file, log.tmp / "auditor", since=trusted)
    assert done.returncode == Exit.CONSISTENCY, done.stderr
    assert "the log was rewritten" in done.stderr


def test_export_refuses_a_directory_that_is_not_empty(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    target = log.tmp / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert cli.main(["audit", "export", str(target), "--data-dir", str(log.data_dir)]) == 1
    assert "not an empty directory" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_an_empty_log_has_nothing_to_export(
    pg_server_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with fresh_database(pg_server_url) as url:
        monkeypatch.setenv("MARKET_DATABASE_URL", url)
        code = cli.main(["audit", "export", str(tmp_path / "b"), "--data-dir", str(tmp_path)])
    assert code == 1
    assert "the log is empty" in capsys.readouterr().err
