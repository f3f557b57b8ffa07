"""Against a real `market serve --workers 2 --log-level debug`: a logout closes the session's
sockets in every worker with 4401 (the query `token=` and the `bearer.<token>` subprotocol
alike), and neither the access log nor the debug log of the WebSocket handshakes contains the
token."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.budgets import GENEROUS_BUDGET_ENV
from tests.integration.test_stream_workers import free_port, stop
from tests.support import organization_body

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SOCKETS = 6  # per kind of token passing, spread by the kernel over both workers


@dataclass
class Server:
    base: str
    ws: str
    log: Path
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("serve-sessions")
    port = free_port()
    env = {
        **os.environ,
        "MARKET_DATABASE_URL": database_url,
        "MARKET_DATA_DIR": str(data),
        **GENEROUS_BUDGET_ENV,
    }
    log = data / "serve.log"
    command = [sys.executable, "-m", "cli", "--log-level", "debug", "serve"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--workers", "2", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # generous: a loaded 2-core machine starts slowly
        while True:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield Server(base, f"ws://127.0.0.1:{port}/api/v1/stream", log, process)
    finally:
        stop(process)


def log_in(http: httpx.Client) -> str:
    body = organization_body()
    assert http.post("/api/v1/organizations", json=body).status_code == 201
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    answer = http.post("/api/v1/sessions", json=login)
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


async def close_code(ws: ClientConnection, limit: float = 5.0) -> int | None:
    """Reads until the server closes the socket (at most `limit` seconds); its close code."""
    with contextlib.suppress(ConnectionClosed, TimeoutError):
        async with asyncio.timeout(limit):
            while True:
                await ws.recv()
    return ws.close_code


async def open_and_log_out(server: Server, http: httpx.Client, token: str) -> list[int | None]:
    by_query = [connect(f"{server.ws}?after=0&token={token}") for _ in range(SOCKETS)]
    bearer = f"bearer.{token}"
    by_subprotocol = [
        connect(f"{server.ws}?after=0", subprotocols=[bearer])  # type: ignore[list-item]
        for _ in range(SOCKETS)
    ]
    sockets = [await c for c in [*by_query, *by_subprotocol]]
    try:
        assert all(ws.subprotocol == bearer for ws in sockets[SOCKETS:])
        await asyncio.sleep(0.5)  # every socket subscribed to its worker's hub
        logout = {"Authorization": f"Bearer {token}"}
        answer = await asyncio.to_thread(http.delete, "/api/v1/sessions/current", headers=logout)
        assert answer.status_code == 204
        return list(await asyncio.gather(*(close_code(ws) for ws in sockets)))
    finally:
        for ws in sockets:
            await ws.close()


def test_logout_closes_every_worker_s_sockets_and_no_token_is_logged(server: Server) -> None:
    with httpx.Client(base_url=server.base, timeout=10) as http:
        token = log_in(http)
        http.get(f"/api/v1/postings?limit=1&token={token}")  # a token in an access-logged URL
        codes = asyncio.run(open_and_log_out(server, http, token))
    assert codes == [4401] * (2 * SOCKETS)
    stop(server.process)  # flush and close the log
    text = server.log.read_text(errors="replace")
    assert token not in text
    assert "token=[redacted]" in text  # the access log and the handshake lines were written
    assert "bearer.[redacted]" in text  # the debug log of the subprotocol header
