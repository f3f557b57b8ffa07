"""The actor of an event: every event a signed-in member causes carries the member's id as
`actor` in its stored state (so its leaf hash covers it), shown in audit items; events that
no member causes (a registration) have none, and the live stream never shows it."""

from __future__ import annotations

import base64
import json
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from aggregates.members import first_admin_id
from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, head, publish
from tests.api.test_members import add, member_account
from tests.api.test_stream import connect, has, of, receive_until


def audit_items(client: TestClient, auditor: Account, stream_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{API}/audit/streams/{stream_id}", headers=auditor.auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def stored_state(item: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(base64.b64decode(item["payload_b64"]))
    return state


def test_events_carry_the_member_who_caused_them(client: TestClient, auditor: Account) -> None:
    admin = sign_up(client)
    added = add(client, admin, "actor.clerk")
    clerk = member_account(client, admin, "actor.clerk")
    posting = publish(client, clerk)

    (published, *_) = audit_items(client, auditor, posting["id"])
    assert published["data"]["actor"] == added["id"]
    assert stored_state(published)["actor"] == added["id"]  # in the bytes the leaf hashes

    registered, member_added = audit_items(client, auditor, admin.id)[:2]
    assert "actor" not in registered["data"]  # nobody was signed in
    assert member_added["data"]["actor"] == str(first_admin_id(UUID(admin.id)))


def test_the_stream_does_not_show_the_actor(client: TestClient, services: Services) -> None:
    owner = sign_up(client)
    after = head(services)
    posting = publish(client, owner)
    with connect(client, after) as ws:
        (message,) = of(
            receive_until(ws, has("Posting.Published", posting["id"])), "Posting.Published"
        )
    assert "actor" not in message["data"]


def test_a_contract_names_the_member_who_signed_for_each_party(
    client: TestClient, auditor: Account
) -> None:
    from tests.api.test_contracts import make_deal, read, signed_ok

    buyer, seller = sign_up(client), sign_up(client)
    added = add(client, buyer, "actor.signer")
    signer = member_account(client, buyer, "actor.signer")
    deal = make_deal(client, buyer, seller)
    before = read(client, buyer, deal.url)
    assert ["actor" in p for p in before["parties"]] == [False, False]  # not signed yet

    answer = signed_ok(client, signer, deal.url)  # the member signs for the buyer
    by_org = {p["organization_id"]: p.get("actor") for p in answer["parties"]}
    assert by_org == {buyer.id: added["id"], seller.id: None}
    last = signed_ok(client, seller, deal.url)  # the seller's first admin signs
    expected = {buyer.id: added["id"], seller.id: str(first_admin_id(UUID(seller.id)))}
    assert {p["organization_id"]: p["actor"] for p in last["parties"]} == expected
    shown = read(client, auditor, deal.url, last["position"])
    assert {p["organization_id"]: p["actor"] for p in shown["parties"]} == expected
    signatures = [
        i for i in audit_items(client, auditor, deal.contract_id) if "Signed" in i["type"]
    ]
    assert [i["data"]["actor"] for i in signatures] == [added["id"], expected[seller.id]]
