"""The live stream through the ASGI app: auth, filtering of sealed terms, pings, matches.

The multi-process guarantees (100 sockets, resume, slow consumers) are tested against a real
server in tests/integration/test_stream_workers.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from marketplace.bootstrap import Services
from marketplace.stream.hub import Subscriber
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, bid, head, publish
from tests.integration.test_view_text_cleaning import poisoned_posting
from tests.services import QUICK, running_services
from tests.support import new_enterprise

Message = dict[str, Any]


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Pings every 0.2 s, so that a test waiting for a message never blocks for long."""
    with running_services(
        database_url,
        tmp_path_factory.mktemp("data"),
        **QUICK,
        stream_ping_seconds=0.2,
        stream_match_min_score=0.3,
    ) as opened:
        yield opened


def connect(client: TestClient, after: int, account: Account | None = None) -> Any:
    token = f"&token={account.token}" if account else ""
    return client.websocket_connect(f"{API}/stream?after={after}{token}")


def receive_until(
    ws: WebSocketTestSession, done: Callable[[list[Message]], bool], timeout: float = 10
) -> list[Message]:
    """Messages (pings left out) until `done` says so; pings keep `receive_json` from hanging."""
    messages: list[Message] = []
    deadline = time.monotonic() + timeout
    while not done(messages):
        assert time.monotonic() < deadline, f"timed out; got {messages}"
        message = ws.receive_json()
        if message["type"] != "ping":
            messages.append(message)
    return messages


def has(kind: str, stream_id: str) -> Callable[[list[Message]], bool]:
    return lambda ms: any(m["type"] == kind and m["stream_id"] == stream_id for m in ms)


def of(messages: list[Message], kind: str) -> list[Message]:
    return [m for m in messages if m["type"] == kind]


def test_anonymous_sees_postings_but_never_bid_terms(
    client: TestClient, services: Services, enterprise: Account, other_enterprise: Account
) -> None:
    posting = publish(client, enterprise)
    bid(client, other_enterprise, posting["id"], unit_price="15123.00")
    with connect(client, 0) as ws:
        got = receive_until(ws, has("Posting.BidPlaced", posting["id"]))
    positions = [m["position"] for m in got]
    assert positions == sorted(set(positions))
    published = of(got, "Posting.Published")[-1]
    assert published["data"]["title"] == posting["title"]
    assert of(got, "Posting.BidPlaced")[-1]["data"] == {"bid_count_change": 1}
    assert all("15123" not in str(m) for m in got)
    registered = of(got, "Organization.Registered")
    assert registered and all(set(m["data"]) == {"kind", "name", "version"} for m in registered)


def test_the_owner_and_the_bidder_see_the_terms_a_third_enterprise_does_not(
    client: TestClient, services: Services, enterprise: Account, other_enterprise: Account
) -> None:
    third = sign_up(client)
    start = head(services)
    posting = publish(client, enterprise)
    placed = bid(client, other_enterprise, posting["id"], unit_price="14999.00")
    for account, sees in ((enterprise, True), (other_enterprise, True), (third, False)):
        with connect(client, start, account) as ws:
            got = receive_until(ws, has("Posting.BidPlaced", posting["id"]))
        data = of(got, "Posting.BidPlaced")[-1]["data"]
        if sees:
            assert data["unit_price"] == "14999.00"
            assert data["bid_id"] == placed["id"]
        else:
            assert data == {"bid_count_change": 1}


def test_live_events_follow_the_backlog(client: TestClient, enterprise: Account) -> None:
    with connect(client, 0) as ws:
        first = ws.receive_json()
        assert first["type"] != "ping"  # the backlog comes first
        posting = publish(client, enterprise)
        got = receive_until(ws, has("Posting.Published", posting["id"]))
    positions = [first["position"]] + [m["position"] for m in got]
    assert positions == sorted(set(positions))
    assert got[-1]["position"] == posting["position"]


def test_an_invalid_token_closes_with_4401(client: TestClient) -> None:
    url = f"{API}/stream?token=not-a-token"
    with client.websocket_connect(url) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == 4401
    assert "token" in closed.value.reason


def test_pings_arrive_at_the_configured_interval(client: TestClient, services: Services) -> None:
    with connect(client, head(services) + 10**9) as ws:
        started = time.monotonic()
        assert ws.receive_json() == {"type": "ping"}
        assert ws.receive_json() == {"type": "ping"}
    assert 0.3 <= time.monotonic() - started < 3


def test_contract_events_reach_only_their_parties(
    client: TestClient, services: Services, enterprise: Account, other_enterprise: Account
) -> None:
    third = sign_up(client)
    posting = publish(client, enterprise)
    placed = bid(client, other_enterprise, posting["id"])
    url = f"{API}/postings/{posting['id']}/bids/{placed['id']}/accept"
    accepted = client.post(url, headers=enterprise.auth)
    assert accepted.status_code == 201, accepted.text
    contract_id = accepted.json()["contract_id"]
    for account in (enterprise, other_enterprise):
        with connect(client, posting["position"] - 1, account) as ws:
            got = receive_until(ws, has("Contract.Drafted", contract_id))
        assert of(got, "Posting.BidAccepted")[-1]["data"]["contract_id"] == contract_id
    with connect(client, posting["position"] - 1, third) as ws:
        got = receive_until(ws, has("Posting.BidAccepted", posting["id"]))
        ws.receive_json()  # a ping: nothing else is queued for it
    assert of(got, "Posting.BidAccepted")[-1]["data"] == {"status": "awarded"}
    assert not of(got, "Contract.Drafted")


def test_owners_of_the_best_matches_get_a_match_message(
    client: TestClient, services: Services, enterprise: Account, other_enterprise: Account
) -> None:
    demand = publish(client, enterprise, side="demand", title="求购不锈钢板材 300 吨")
    assert client.get(f"{API}/postings/{demand['id']}?min_position={demand['position']}").is_success
    with connect(client, head(services), enterprise) as ws:
        # The socket is accepted before its token is resolved and it joins the hub; a posting
        # published in that moment comes in its backlog, but matches are only for sockets that
        # are live (best effort), so publish once it is.
        hub = client.app.state.stream_hub  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while not hub.has_signed_in():
            assert time.monotonic() < deadline, "the socket never joined the hub"
            time.sleep(0.01)
        supply = publish(client, other_enterprise, side="supply", title="供应不锈钢板材 300 吨")
        got = receive_until(ws, lambda ms: any(m["type"] == "match" for m in ms))
    match = of(got, "match")[0]
    assert match["posting_id"] == supply["id"]
    assert match["match_id"] == demand["id"]
    assert match["position"] == supply["position"]
    assert 0.3 <= match["score"] <= 1


def test_a_full_mailbox_drops_everything_and_says_so() -> None:
    import asyncio

    async def fill() -> Subscriber:
        from marketplace.queries.viewer import ANONYMOUS

        subscriber = Subscriber(ANONYMOUS, limit=3)
        for position in range(1, 10):
            subscriber.put(position, "{}")
        return subscriber

    subscriber = asyncio.run(fill())
    assert subscriber.overflowed
    assert not subscriber.items


def test_matches_are_for_the_owner_only(
    client: TestClient, enterprise: Account, other_enterprise: Account, tmp_path: Path
) -> None:
    posting = publish(client, enterprise, side="demand")
    url = f"{API}/postings/{posting['id']}/matches?min_position={posting['position']}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=other_enterprise.auth).status_code == 403
    unknown = f"{API}/postings/00000000-0000-4000-8000-000000000000/matches"
    assert client.get(unknown, headers=enterprise.auth).status_code == 404
    near = publish(client, other_enterprise, side="supply", title="供应不锈钢板材")
    far = publish(
        client, other_enterprise, side="supply", title="有机绿茶", region="110101", unit="箱"
    )
    url = f"{API}/postings/{posting['id']}/matches?min_position={far['position']}&limit=50"
    answer = client.get(url, headers=enterprise.auth)
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    ids = [i["id"] for i in items]
    assert near["id"] in ids
    assert far["id"] not in ids or ids.index(near["id"]) < ids.index(far["id"])
    best = items[0]
    assert abs(best["score"] - sum(r["contribution"] for r in best["reasons"])) < 1e-3
    assert {"code", "en", "zh", "contribution"} <= set(best["reasons"][0])
    assert all(i["side"] == "supply" for i in items)


def test_text_of_an_old_poisoned_event_is_shown_cleaned_as_the_views_show_it(
    client: TestClient, services: Services, enterprise: Account
) -> None:
    start = head(services)
    evil = new_enterprise("poison\u0000name\u001b")
    services.app.save(evil)  # straight into the log, as before the API refused it
    posting = poisoned_posting(evil.id, "steel\u0000 plates", "line 1\r\n\tline 2\u0007")
    services.app.save(posting)
    for account in (None, enterprise):
        with connect(client, start, account) as ws:
            got = receive_until(ws, has("Posting.Published", str(posting.id)))
        registered = [
            m for m in of(got, "Organization.Registered") if m["stream_id"] == str(evil.id)
        ]
        assert registered[-1]["data"]["name"] == "poisonname"
        data = of(got, "Posting.Published")[-1]["data"]
        assert (data["title"], data["unit"]) == ("steel plates", "吨")
        assert data["description"] == "line 1\r\n\tline 2"  # tab, LF and CR are kept
        assert not any(ch in str(got) for ch in ("\u0000", "\u001b", "\u0007"))


def test_signed_in_sockets_receive_their_own_notifications_only(
    client: TestClient, services: Services, enterprise: Account, other_enterprise: Account
) -> None:
    bidder = sign_up(client)
    mine, theirs = publish(client, enterprise), publish(client, other_enterprise)
    after = head(services) + 10**9  # no event backlog: only what comes live
    with connect(client, after, enterprise) as ws, connect(client, after, other_enterprise) as ws2:
        placed = bid(client, bidder, mine["id"])
        got = receive_until(ws, lambda ms: bool(of(ms, "notification")))
        [message] = of(got, "notification")
        assert message["position"] == placed["position"]
        inbox = client.get(f"{API}/notifications", headers=enterprise.auth).json()["items"]
        assert message["notification"] == inbox[0]
        assert message["notification"]["kind"] == "bid_received"
        assert message["notification"]["subject"] == {"type": "posting", "id": mine["id"]}

        own = bid(client, bidder, theirs["id"])  # delivered in order: the other's came first
        got2 = receive_until(ws2, lambda ms: bool(of(ms, "notification")))
        assert [m["position"] for m in of(got2, "notification")] == [own["position"]]
