"""Under `market serve`, a loopback peer that is not a trusted proxy cannot choose its client
address with X-Forwarded-For: its request budget stays charged to the socket's peer. A real
server process (uvicorn's own proxy-header handling is what is checked)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.test_serve_shutdown import free_port, wait_for_health

BUDGET = 3


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[int]:
    top = Path(tempfile.mkdtemp(prefix="market-xff-"))
    port = free_port()
    env = {
        **os.environ,
        "MARKET_DATABASE_URL": database_url,
        "MARKET_DATA_DIR": str(top / "data"),
        "MARKET_PORT": str(port),
        "MARKET_TRUSTED_PROXIES": "",
        "MARKET_BUDGET_PER_ADDRESS": str(BUDGET),
        "MARKET_BUDGET_WINDOW_SECONDS": "60",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "--log-level", "warning", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(top / "serve.log").open("wb"),
    )
    try:
        wait_for_health(f"http://127.0.0.1:{port}/healthz", process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(top, ignore_errors=True)


def test_x_forwarded_for_from_an_untrusted_loopback_peer_does_not_move_the_budget(
    server: int,
) -> None:
    statuses = []
    with httpx.Client(base_url=f"http://127.0.0.1:{server}", timeout=10) as client:
        for n in range(BUDGET + 2):
            forged = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
            statuses.append(client.get("/api/v1/postings", headers=forged).status_code)
    # Every request is charged to 127.0.0.1 (maybe charged already by other tests in this
    # window, hence "at the latest"); forged addresses would each get a fresh budget.
    assert 429 in statuses, statuses
    assert statuses.index(429) <= BUDGET, statuses
