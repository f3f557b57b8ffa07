"""`market serve` with its embedded PostgreSQL leaves no process behind when it is stopped."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def postgres_serving(data_dir: Path) -> list[psutil.Process]:
    """The postgres processes whose command line names this data directory."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if "postgres" in command and str(data_dir) in command:
            found.append(process)
    return found


def wait_for_health(url: str, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "market serve exited early (see serve.log)"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("market serve did not answer /healthz")


@pytest.fixture
def top() -> Iterator[Path]:
    """A directory the unprivileged database user can reach (pytest's tmp_path is private)."""
    made = Path(tempfile.mkdtemp(prefix="market-serve-"))
    made.chmod(0o755)
    try:
        yield made
    finally:
        shutil.rmtree(made, ignore_errors=True)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_server_stops_its_embedded_database(top: Path, signum: signal.Signals) -> None:
    data_dir = top / "data"
    port = free_port()
    env = {**os.environ, "MARKET_DATA_DIR": str(data_dir), "MARKET_PORT": str(port)}
    env.pop("MARKET_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(top / "serve.log").open("wb"),
    )
    try:
        wait_for_health(f"http://127.0.0.1:{port}/healthz", server)
        assert postgres_serving(data_dir), "the embedded database should be running"
        server.send_signal(signum)
        assert server.wait(timeout=60) in {0, 128 + signal.SIGTERM}
        _, alive = psutil.wait_procs(postgres_serving(data_dir), timeout=10)
        assert not alive, f"left running: {[p.pid for p in alive]}"
    finally:
        if server.poll() is None:
            server.kill()
        for process in postgres_serving(data_dir):
            process.kill()
