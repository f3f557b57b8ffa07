"""The live stream never outlives its session: logout or expiry closes the socket with 4401.

Also: the token may be sent as the WebSocket subprotocol `bearer.<token>` (kept out of URLs).
The session check runs every 0.1 s here; the contract allows 5 s.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from marketplace.bootstrap import Services
from marketplace.stores.security import token_digest
from marketplace.stream.sessions import SessionCheck
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, bid, eventually, head, publish
from tests.services import QUICK, running_services

CLOSE_LIMIT = 5.0  # seconds, API.md "Conventions, tightened": Stream


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with running_services(
        database_url,
        tmp_path_factory.mktemp("data"),
        **QUICK,
        stream_ping_seconds=0.2,
        stream_session_check_seconds=0.1,
    ) as opened:
        yield opened


def by_query(client: TestClient, after: int, account: Account) -> Any:
    return client.websocket_connect(f"{API}/stream?after={after}&token={account.token}")


def by_subprotocol(client: TestClient, after: int, account: Account) -> Any:
    url = f"{API}/stream?after={after}"
    return client.websocket_connect(url, subprotocols=[f"bearer.{account.token}"])


def until_closed(ws: WebSocketTestSession, limit: float = CLOSE_LIMIT) -> tuple[int, list[Any]]:
    """Reads (pings every 0.2 s keep this from blocking) until the server closes the socket;
    returns the close code and every non-ping message received meanwhile."""
    received: list[Any] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            message = ws.receive_json()
        except WebSocketDisconnect as closed:
            return closed.code, received
        if message.get("type") != "ping":
            received.append(message)
    raise AssertionError(f"still open after {limit} s; received {received}")


def log_out(client: TestClient, account: Account) -> None:
    assert client.delete(f"{API}/sessions/current", headers=account.auth).status_code == 204


@pytest.mark.parametrize("connect", [by_query, by_subprotocol], ids=["query", "subprotocol"])
def test_logout_closes_the_socket_and_no_sealed_bid_follows(
    client: TestClient, services: Services, connect: Any
) -> None:
    owner, bidder = sign_up(client), sign_up(client)
    posting = publish(client, owner)
    start = head(services)
    with connect(client, start, owner) as ws, by_query(client, start, bidder) as other:
        log_out(client, owner)
        placed = bid(client, bidder, posting["id"], unit_price="13579.00")
        code, received = until_closed(ws)
        kept = other.receive_json()  # the bidder's socket stays open and sees its bid
    assert code == 4401
    assert not [m for m in received if m.get("type") == "Posting.BidPlaced"], received
    assert all("13579" not in str(m) for m in received)
    assert kept["data"]["bid_id"] == placed["id"]


def test_an_expired_session_closes_the_socket(client: TestClient, services: Services) -> None:
    account = sign_up(client)
    with by_subprotocol(client, head(services), account) as ws:
        with services.db.connection() as conn:
            conn.execute(
                "UPDATE sessions SET expires_at = now() - interval '1 second'"
                " WHERE token_sha256 = %s",
                (token_digest(account.token),),
            )
        code, _ = until_closed(ws)
    assert code == 4401


def test_a_logout_announced_by_another_worker_closes_the_socket(
    client: TestClient, services: Services
) -> None:
    """Another API process logs out: it NOTIFYs `market_sessions` with the token's sha256 hex
    (the session row here is left alone, so only the notification can close the socket)."""
    account, bystander = sign_up(client), sign_up(client)
    with by_query(client, head(services), account) as ws, by_query(client, 0, bystander) as kept:
        # A logout announced before the socket has subscribed finds nothing to close (the
        # product then relies on the periodic session check; here the session stays live).
        digest = token_digest(account.token)
        hub = client.app.state.stream_hub  # type: ignore[attr-defined]
        assert eventually(lambda: any(s.token_digest == digest for s in list(hub.subscribers)))
        with services.db.connection() as conn:
            conn.execute(
                "SELECT pg_notify('market_sessions', %s)", (token_digest(account.token).hex(),)
            )
        code, _ = until_closed(ws)
        assert kept.receive_json()  # a bystander's socket still works
    assert code == 4401


def test_the_subprotocol_token_is_used_and_echoed(client: TestClient, services: Services) -> None:
    owner, bidder = sign_up(client), sign_up(client)
    start = head(services)
    posting = publish(client, owner)
    bid(client, bidder, posting["id"], unit_price="24680.00")
    with by_subprotocol(client, start, owner) as ws:
        assert ws.accepted_subprotocol == f"bearer.{owner.token}"
        got = [ws.receive_json() for _ in range(3)]  # Published, BidPlaced (and a ping)
    placed = [m for m in got if m.get("type") == "Posting.BidPlaced"]
    assert placed and placed[0]["data"]["unit_price"] == "24680.00"


def test_an_invalid_subprotocol_token_closes_with_4401(client: TestClient) -> None:
    url = f"{API}/stream?after=0"
    with client.websocket_connect(url, subprotocols=["bearer.not-a-token"]) as ws:
        assert ws.accepted_subprotocol == "bearer.not-a-token"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4401


def test_one_query_tells_which_of_many_sockets_sessions_ended(
    client: TestClient, services: Services
) -> None:
    live, gone = sign_up(client), sign_up(client)
    log_out(client, gone)
    others = {os.urandom(32) for _ in range(500)}  # e.g. sessions deleted by other means
    digests = {token_digest(live.token), token_digest(gone.token), *others}
    with psycopg.connect(services.url, autocommit=True) as conn:
        ended = SessionCheck(1.0).run(conn, digests)
    assert ended == digests - {token_digest(live.token)}
