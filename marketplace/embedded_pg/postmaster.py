"""A running PostgreSQL server: how clients reach it (`ServerInfo`), which loopback ports are
free for one, and whether a postmaster serves a data directory, per its postmaster.pid.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServerInfo:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    def url(self, dbname: str | None = None) -> str:
        auth = f"{quote(self.user, safe='')}:{quote(self.password, safe='')}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname or self.dbname}"


def find_free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        # As PostgreSQL does, so that connections in TIME_WAIT do not count as "taken".
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


class PostmasterFile:
    """Finds the postmaster of the data directory `data` through its postmaster.pid."""

    data: Path

    def _live_postmaster_port(self) -> int | None:
        """The port of a postmaster running on our data directory, per postmaster.pid."""
        if (pid_port := self._read_pidfile()) is None:
            return None
        pid, port = pid_port
        try:
            postmaster = psutil.Process(pid)
        except psutil.NoSuchProcess:
            return None  # PostgreSQL sees for itself that the file is stale
        if self._serves_here(postmaster):
            return port
        # The postmaster died but is not reaped yet, or its pid now belongs to another process
        # (after a container restart): PostgreSQL would refuse to start. The file also guards the
        # old shared memory, so drop it only once no process of the old server remains.
        deadline = time.monotonic() + 10
        while any(self._serves_here(process) for process in psutil.process_iter()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"processes of a dead server still use {self.data}")
            time.sleep(0.05)
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        return None

    def _read_pidfile(self) -> tuple[int, int] | None:
        """The pid and port in postmaster.pid, if the file is there and complete."""
        try:
            lines = (self.data / "postmaster.pid").read_text().splitlines()
            return int(lines[0]), int(lines[3])
        except (FileNotFoundError, IndexError, ValueError):
            return None

    def _serves_here(self, process: psutil.Process) -> bool:
        try:
            alive = process.status() != psutil.STATUS_ZOMBIE
            return alive and process.name() == "postgres" and Path(process.cwd()) == self.data
        except psutil.Error:
            return False
