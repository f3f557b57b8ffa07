"""The live stream against a real server: `market serve --workers 2` beside `market project`.

100 sockets listen while a few hundred events are written through the HTTP API; each must
receive exactly the events it may see, in order, once. Some drop their connection at a random
point and resume with their last position; a slow consumer is closed and resumes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from websockets.asyncio.client import connect

from tests.budgets import GENEROUS_BUDGET_ENV
from tests.support import bid_body, organization_body, posting_body

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PREFIXES = ("Posting.", "Organization.", "BankProduct.")
PUBLIC_EXHIBITION = {"Exhibition.Scheduled", "Exhibition.Cancelled", "Exhibition.Closed"}
SLOW_QUEUE = 50
# More than the queue, the server's socket send buffer (which grows to 4 MB) and the client's
# small receive buffer can hold, in 15 kB messages.
SLOW_POSTINGS = 400
ROUNDS = 120  # 2.4 events a round: about 290 events


@dataclass
class Server:
    base: str
    ws: str
    url: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    base = [sys.executable, "-m", "cli", "--log-level", "warning"]
    return subprocess.Popen([*base, *command], cwd=ROOT, env=env, stdout=out, stderr=out)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("stream-server")
    port = free_port()
    env = {
        **os.environ,
        "MARKET_DATABASE_URL": database_url,
        "MARKET_DATA_DIR": str(data),
        "MARKET_STREAM_QUEUE_SIZE": str(SLOW_QUEUE),
        "MARKET_STREAM_PING_SECONDS": "1",
        **GENEROUS_BUDGET_ENV,
    }
    api = start(["serve", "--workers", "2", "--port", str(port)], env, data / "serve.log")
    projector = start(["project"], env, data / "project.log")
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # generous: a loaded 2-core machine starts slowly
        while True:
            assert api.poll() is None, (data / "serve.log").read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield Server(base, f"ws://127.0.0.1:{port}/api/v1/stream", database_url)
    finally:
        stop(api)
        stop(projector)


# Writing events through the API ----------------------------------------------------------


@dataclass
class Account:
    id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def account(http: httpx.Client) -> Account:
    body = organization_body()
    assert http.post("/api/v1/organizations", json=body).status_code == 201
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    data = http.post("/api/v1/sessions", json=login).json()
    return Account(data["organization"]["id"], data["token"])


def write_events(http: httpx.Client, owner: Account, bidder: Account, rounds: int) -> list[str]:
    """Postings with a bid each, every fifth one accepted (a contract: parties only)."""
    bids: list[str] = []
    for n in range(rounds):
        posting = http.post("/api/v1/postings", json=posting_body(), headers=owner.auth).json()
        url = f"/api/v1/postings/{posting['id']}/bids"
        placed = http.post(url, json=bid_body(unit_price=f"{15000 + n}.00"), headers=bidder.auth)
        assert placed.status_code == 201, placed.text
        bids.append(placed.json()["id"])
        if n % 5 == 0:
            accept = f"{url}/{placed.json()['id']}/accept"
            assert http.post(accept, headers=owner.auth).status_code == 201
    return bids


def events_after(url: str, after: int) -> list[tuple[int, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT notification_id, topic FROM marketplace_events"
            " WHERE notification_id > %s ORDER BY notification_id",
            (after,),
        ).fetchall()
    return [(int(p), str(t).partition(":")[2]) for p, t in rows]


def public(events: list[tuple[int, str]]) -> list[int]:
    return [p for p, t in events if t.startswith(PUBLIC_PREFIXES) or t in PUBLIC_EXHIBITION]


# Listening --------------------------------------------------------------------------------


@dataclass
class Listener:
    ws: str
    after: int
    token: str | None = None
    drop_after: int | None = None  # messages before a disconnect and resume
    messages: list[dict[str, Any]] = field(default_factory=list)
    # Inbox items sent to signed-in sockets: not part of the resumable event sequence (they
    # reuse their event's position), like `match`.
    notifications: list[dict[str, Any]] = field(default_factory=list)
    reconnects: int = 0

    @property
    def positions(self) -> list[int]:
        return [m["position"] for m in self.messages]

    def uri(self) -> str:
        last = self.positions[-1] if self.messages else self.after
        token = f"&token={self.token}" if self.token else ""
        return f"{self.ws}?after={last}{token}"

    async def run(self, target: asyncio.Future[int]) -> None:
        while not (target.done() and self.positions and self.positions[-1] >= target.result()):
            async with connect(self.uri(), max_size=None) as ws:
                await self._read(ws, target)

    async def _read(self, ws: Any, target: asyncio.Future[int]) -> None:
        while not (target.done() and self.positions and self.positions[-1] >= target.result()):
            with contextlib.suppress(TimeoutError):
                message = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                if message["type"] == "notification":
                    self.notifications.append(message)
                elif message["type"] not in ("ping", "match"):
                    self.messages.append(message)
            if self.drop_after is not None and len(self.messages) >= self.drop_after:
                self.drop_after = None
                self.reconnects += 1
                return  # leaving the `async with` drops the connection


def test_a_hundred_sockets_get_every_public_event_in_order_once_and_resume(
    server: Server,
) -> None:
    rng = random.Random(8)
    with httpx.Client(base_url=server.base, timeout=30) as http:
        owner, bidder, third = account(http), account(http), account(http)
        start_at = events_after(server.url, 0)[-1][0]
        listeners = [Listener(server.ws, start_at) for _ in range(94)]
        listeners += [
            Listener(server.ws, start_at, drop_after=rng.randint(1, 150)) for _ in range(3)
        ]
        listeners += [Listener(server.ws, start_at, a.token) for a in (owner, bidder, third)]

        async def scenario() -> None:
            target: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            tasks = [asyncio.create_task(listener.run(target)) for listener in listeners]
            await asyncio.sleep(1)  # all connected and live: most events arrive live
            await asyncio.to_thread(write_events, http, owner, bidder, ROUNDS)
            target.set_result(events_after(server.url, start_at)[-1][0])
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)

        asyncio.run(scenario())
    events = events_after(server.url, start_at)
    expected = public(events)
    assert len(events) >= 200 and len(expected) < len(events)  # contracts are not public
    for listener in listeners[:-3]:
        assert listener.positions == expected
    assert sum(listener.reconnects for listener in listeners) == 3
    owner_l, bidder_l, third_l = listeners[-3:]
    assert third_l.positions == expected
    everything = [p for p, _ in events]
    assert owner_l.positions == everything and bidder_l.positions == everything
    kinds = {m["notification"]["kind"] for m in owner_l.notifications}
    assert "bid_received" in kinds and not third_l.notifications  # the owner's inbox only
    for listener, sees in ((owner_l, True), (bidder_l, True), (third_l, False)):
        placed = [m["data"] for m in listener.messages if m["type"] == "Posting.BidPlaced"]
        assert len(placed) == ROUNDS
        if sees:
            assert all(d["bidder_id"] == bidder.id and "unit_price" in d for d in placed)
        else:
            assert all(d == {"bid_count_change": 1} for d in placed)


class RawSocket:
    """A WebSocket client on a bare socket with a tiny receive buffer, so that not reading
    really leaves the data with the server (a library would read ahead into memory)."""

    def __init__(self, port: int, path: str) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(60)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(4096)
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head

    def _take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            assert chunk, "the connection closed without a close frame"
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def frame(self) -> tuple[int, bytes]:
        first, second = self._take(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._take(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._take(8))[0]
        return first & 0x0F, self._take(length)

    def until_closed(self) -> tuple[list[dict[str, Any]], int, str]:
        messages = []
        while True:
            opcode, payload = self.frame()
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0]
                return messages, code, payload[2:].decode()
            if opcode == 0x1:
                messages.append(json.loads(payload))


def test_a_slow_consumer_is_closed_and_resumes(server: Server) -> None:
    with httpx.Client(base_url=server.base, timeout=30) as http:
        owner = account(http)
        start_at = events_after(server.url, 0)[-1][0]
        long_text = "不锈钢板材加工与配送，" * 450  # 4,950 characters: 15 kB a message

        port = int(server.base.rsplit(":", 1)[1])
        client = RawSocket(port, f"/api/v1/stream?after={start_at}")
        try:
            for _ in range(SLOW_POSTINGS):
                body = posting_body(description=long_text)
                assert http.post("/api/v1/postings", json=body, headers=owner.auth).is_success
            messages, code, reason = client.until_closed()
        finally:
            client.sock.close()
    got = [m["position"] for m in messages if m["type"] != "ping"]
    assert code == 1013
    assert reason == f"slow consumer: resume with after={got[-1]}"
    resumed = Listener(server.ws, got[-1])

    async def resume() -> None:
        target: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        target.set_result(events_after(server.url, start_at)[-1][0])
        await asyncio.wait_for(resumed.run(target), timeout=60)

    asyncio.run(resume())
    assert got + resumed.positions == public(events_after(server.url, start_at))
