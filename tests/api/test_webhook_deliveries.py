"""Webhook deliveries to a real receiver on 127.0.0.1 (allowed by the setting): signed as the
receiver's guide says (docs/webhooks.md, whose `verify` runs here), the notification as the
inbox lists it, only the organization's own and of the chosen kinds, retried with the same id,
in order per webhook, given up after their time, and never queued by a rebuild."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from marketplace.workers.webhook_sender import WebhookSender
from projections.rebuild import rebuild
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, bid, eventually, publish
from tests.services import QUICK, running_services
from tests.webhook_receiver import receiving

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
SETTINGS = {
    **QUICK,
    "webhook_allow_hosts": "127.0.0.1",
    "webhook_retry_seconds": 0.2,
    "webhook_retry_max_seconds": 0.4,
}


def guide_verify() -> Callable[[str, str, bytes], bool]:
    """The `verify` function of the receiver's guide, as written there."""
    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert code is not None
    scope: dict[str, Any] = {}
    exec(code.group(1), scope)
    verify: Callable[[str, str, bytes], bool] = scope["verify"]
    return verify


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with running_services(database_url, tmp_path_factory.mktemp("data"), **SETTINGS) as opened:
        yield opened


def register(client: TestClient, account: Account, url: str, kinds: list[str]) -> dict[str, Any]:
    created = client.post(f"{API}/webhooks", json={"url": url, "kinds": kinds},
                          headers=account.auth)  # fmt: skip
    assert created.status_code == 201, created.text
    hook: dict[str, Any] = created.json()
    return hook


def deliveries(client: TestClient, account: Account, hook: dict[str, Any]) -> list[dict[str, Any]]:
    log = client.get(f"{API}/webhooks/{hook['id']}/deliveries", headers=account.auth)
    assert log.status_code == 200, log.text
    items: list[dict[str, Any]] = log.json()["items"]
    return items


def settled(client: TestClient, account: Account, hook: dict[str, Any], count: int) -> bool:
    """The webhook has `count` deliveries, none pending."""
    log = deliveries(client, account, hook)
    return len(log) == count and all(d["next_attempt_at"] is None for d in log)


def test_deliveries_are_signed_own_and_of_the_chosen_kinds(
    client: TestClient, services: Services
) -> None:
    owner, other = sign_up(client), sign_up(client)
    verify = guide_verify()
    with receiving() as receiver:
        hook = register(client, owner, receiver.url, ["bid_received"])
        posting = publish(client, owner)
        bid(client, other, posting["id"])  # bid_received to the owner: sent
        theirs = publish(client, other)
        mine = bid(client, owner, theirs["id"])  # bid_received to the other: not the owner's
        rejected = client.post(f"{API}/postings/{theirs['id']}/bids/{mine['id']}/reject",
                               json={}, headers=other.auth)  # fmt: skip
        assert rejected.status_code == 200, rejected.text  # bid_rejected: a kind not chosen
        inbox = client.get(f"{API}/notifications", headers=owner.auth).json()["items"]
        assert {n["kind"] for n in inbox} == {"bid_received", "bid_rejected"}
        assert eventually(lambda: settled(client, owner, hook, 1))
        time.sleep(0.5)
        got = receiver.all()
    assert len(got) == 1, got
    delivery = got[0]
    assert delivery.content_type == "application/json"
    assert verify(hook["secret"], delivery.signature, delivery.body)
    assert not verify(hook["secret"], delivery.signature, delivery.body + b" ")
    assert not verify("whsec_wrong", delivery.signature, delivery.body)
    received = [n for n in inbox if n["kind"] == "bid_received"]
    assert json.loads(delivery.body) == received[0]
    [logged] = deliveries(client, owner, hook)
    assert logged["id"] == delivery.delivery and logged["notification_id"] == received[0]["id"]
    assert logged["attempts"] == 1 and logged["status_code"] == 200
    assert logged["delivered_at"] is not None and logged["error"] is None


def test_a_failed_delivery_is_retried_with_the_same_id_and_sent_once_after(
    client: TestClient,
) -> None:
    owner, bidder = sign_up(client), sign_up(client)
    with receiving(lambda delivery, seen: 500 if seen == 0 else 204) as receiver:
        hook = register(client, owner, receiver.url, ["*"])
        bid(client, bidder, publish(client, owner)["id"])
        assert eventually(lambda: settled(client, owner, hook, 1))
        time.sleep(1.0)  # nothing more comes once it is delivered
        got = receiver.all()
    assert [r.status for r in got] == [500, 204]
    assert got[0].delivery == got[1].delivery
    [logged] = deliveries(client, owner, hook)
    assert logged["attempts"] == 2 and logged["status_code"] == 204 and logged["error"] is None


def test_deliveries_come_in_order_per_webhook(client: TestClient) -> None:
    """The first delivery fails three times: the later ones wait for it."""
    owner = sign_up(client)
    failing: list[str] = []

    def answer(delivery: str, seen: int) -> int:
        if not failing:
            failing.append(delivery)
        return 503 if delivery == failing[0] and seen < 3 else 200

    with receiving(answer) as receiver:
        hook = register(client, owner, receiver.url, ["bid_received"])
        posting = publish(client, owner)
        for _ in range(4):
            bid(client, sign_up(client), posting["id"])
        assert eventually(lambda: settled(client, owner, hook, 4), timeout=20)
        got = receiver.all()
    positions = [json.loads(r.body)["position"] for r in got]
    assert positions == sorted(positions), positions
    assert [r.status for r in got[:4]] == [503, 503, 503, 200]
    assert len({r.delivery for r in got}) == 4 and len(got) == 7
    assert len(receiver.delivered()) == 4  # no id delivered twice


def test_a_delivery_failing_for_its_whole_time_is_given_up(
    client: TestClient, services: Services
) -> None:
    owner = sign_up(client)
    failing: list[str] = []

    def answer(delivery: str, seen: int) -> int:
        if not failing:
            failing.append(delivery)
        return 500 if delivery == failing[0] else 200

    with receiving(answer) as receiver:
        hook = register(client, owner, receiver.url, ["*"])
        posting = publish(client, owner)
        bid(client, sign_up(client), posting["id"])
        assert eventually(lambda: len(receiver.all()) >= 2)
        with services.db.connection() as conn:  # queued 25 hours ago, as far as it knows
            conn.execute(
                "UPDATE webhook_deliveries SET created_at = now() - interval '25 hours'"
                " WHERE webhook_id = %s",
                (hook["id"],),
            )
        bid(client, sign_up(client), posting["id"])
        assert eventually(lambda: settled(client, owner, hook, 2))
        assert eventually(lambda: len(receiver.delivered()) == 1)
    delivered, given_up = deliveries(client, owner, hook)  # newest first
    assert delivered["delivered_at"] is not None and delivered["attempts"] == 1
    assert (
        given_up["delivered_at"] is None
        and given_up["attempts"] >= 2
        and given_up["next_attempt_at"] is None
    )
    assert given_up["status_code"] == 500 and given_up["error"].startswith("given up")


def test_a_rebuild_queues_no_delivery(client: TestClient, services: Services) -> None:
    owner = sign_up(client)
    with receiving() as receiver:
        hook = register(client, owner, receiver.url, ["*"])
        posting = publish(client, owner)
        bid(client, sign_up(client), posting["id"])
        assert eventually(lambda: settled(client, owner, hook, 1))
        with services.db.connection() as conn:  # even with the outbox emptied
            conn.execute("DELETE FROM webhook_deliveries WHERE webhook_id = %s", (hook["id"],))
        rebuild(services.app, services.url, [services.views.notifications])
        time.sleep(1.0)
        assert deliveries(client, owner, hook) == []
        assert len(receiver.all()) == 1
        bid(client, sign_up(client), posting["id"])  # live again after the rebuild
        assert eventually(lambda: settled(client, owner, hook, 1))
        assert eventually(lambda: len(receiver.all()) == 2)


def test_a_deleted_webhook_gets_nothing_more(client: TestClient) -> None:
    owner = sign_up(client)
    with receiving() as receiver:
        hook = register(client, owner, receiver.url, ["*"])
        assert client.delete(f"{API}/webhooks/{hook['id']}", headers=owner.auth).status_code == 204
        bid(client, sign_up(client), publish(client, owner)["id"])
        inbox = client.get(f"{API}/notifications", headers=owner.auth).json()["items"]
        assert inbox, "the notification was made"
        time.sleep(1.0)
        assert receiver.all() == []


def test_two_senders_never_post_a_delivery_twice(client: TestClient, services: Services) -> None:
    """A second sender (as in a second projector) races the first for every delivery: each is
    posted once, in order."""
    extra = WebhookSender(services.url, services.settings)
    extra.start()

    def slow(delivery: str, seen: int) -> int:
        time.sleep(0.02)
        return 200

    try:
        owner = sign_up(client)
        with receiving(slow) as receiver:
            hook = register(client, owner, receiver.url, ["bid_received"])
            posting = publish(client, owner)
            for _ in range(8):
                bid(client, sign_up(client), posting["id"])
            assert eventually(lambda: settled(client, owner, hook, 8), timeout=30)
            time.sleep(0.5)
            got = receiver.all()
    finally:
        extra.stop()
        extra.join(5)
    assert len(got) == 8 and len({r.delivery for r in got}) == 8, got
    positions = [json.loads(r.body)["position"] for r in got]
    assert positions == sorted(positions)
