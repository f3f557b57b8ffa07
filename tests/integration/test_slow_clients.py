"""`market serve` cuts connections that send nothing, send their headers or body too slowly,
caps the connections one address may hold, and answers malformed HTTP with a problem. A real
server process, raw loopback sockets."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_serve_shutdown import free_port, wait_for_health

HEADER_TIMEOUT = 1.0
PER_ADDRESS = 12
PATIENCE = 8.0  # far above the deadlines; without them the server would wait for ever


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[int]:
    top = Path(tempfile.mkdtemp(prefix="market-slow-"))
    port = free_port()
    env = {
        **os.environ,
        "MARKET_DATABASE_URL": database_url,
        "MARKET_DATA_DIR": str(top / "data"),
        "MARKET_PORT": str(port),
        "MARKET_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "MARKET_BODY_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "MARKET_CONNECTIONS_PER_ADDRESS": str(PER_ADDRESS),
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


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    sock.settimeout(0.1)
    return sock


def closed_by_server(sock: socket.socket, trickle: bytes = b"") -> bytes | None:
    """Sends `trickle` a byte at a time until the server closes, for at most PATIENCE s: what
    the server sent before it closed, or None if it never did."""
    deadline = time.monotonic() + PATIENCE
    sent, received = 0, b""
    while time.monotonic() < deadline:
        try:
            if sent < len(trickle):
                sock.sendall(trickle[sent : sent + 1])
                sent += 1
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return received
        if chunk == b"":
            return received
        received += chunk
    return None


def get(port: int, path: str = "/healthz") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    return answer


def test_a_connection_that_sends_nothing_is_closed(server: int) -> None:
    with connect(server) as sock:
        assert closed_by_server(sock) == b""


def test_headers_sent_a_byte_at_a_time_are_cut_off(server: int) -> None:
    slow = b"GET /api/v1/postings HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 10_000
    socks = [connect(server) for _ in range(5)]
    try:
        assert [closed_by_server(sock, slow) for sock in socks] == [b""] * 5
    finally:
        for sock in socks:
            sock.close()
    assert get(server).startswith(b"HTTP/1.1 200")


def test_a_body_that_never_arrives_is_cut_off(server: int) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /api/v1/organizations HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        assert closed_by_server(sock) is not None


def test_one_address_holds_a_bounded_number_of_connections(server: int) -> None:
    held = [connect(server) for _ in range(PER_ADDRESS)]
    try:
        with connect(server) as extra:
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert closed_by_server(extra) == b""  # closed at once, without an answer
    finally:
        for sock in held:
            sock.close()
    assert get(server).startswith(b"HTTP/1.1 200")


MALFORMED = {
    "garbage": b"NONSENSE\r\n\r\n",
    "header-without-colon": b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
    "unfinished-headers-over-16-kib": b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 20_000,
}


@pytest.mark.parametrize("request_bytes", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_http_gets_a_problem(server: int, request_bytes: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes)
        answer = closed_by_server(sock)
    assert answer is not None and answer.startswith(b"HTTP/1.1 400"), answer
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower()
    assert json.loads(body)["code"] == "bad_request"
