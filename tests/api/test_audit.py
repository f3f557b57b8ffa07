"""The audit routes: the log with its leaves, histories and past states, the signed head, and
proofs that verify against it; operators and auditors only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.deps import Principal, StaffOnly
from api.main import create_app
from marketplace.audit.verify.checkpoint import verify_note
from marketplace.audit.verify.merkle import leaf_hash, verify_consistency, verify_inclusion
from marketplace.audit.verify.records import leaf_record
from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, bid, eventually, head, publish
from tests.integration.audit_support import fresh_database, register, services_on
from tests.integration.audit_support import publish as publish_directly


@dataclass
class Deal:
    owner: Account
    bidder: Account
    posting_id: str
    bid_id: str
    contract_id: str


@pytest.fixture(scope="module")
def deal(client: TestClient) -> Deal:
    """A posting, a bid on it, the bid accepted: a contract drafted."""
    owner, bidder = sign_up(client), sign_up(client)
    posting = publish(client, owner, quantity="500")
    placed = bid(client, bidder, posting["id"], unit_price="15000.00", quantity="400")
    accepted = client.post(
        f"{API}/postings/{posting['id']}/bids/{placed['id']}/accept", headers=owner.auth
    )
    assert accepted.status_code == 201, accepted.text
    return Deal(owner, bidder, posting["id"], placed["id"], accepted.json()["contract_id"])


def get(client: TestClient, path: str, who: Account, **params: Any) -> Any:
    response = client.get(API + path, params=params, headers=who.auth)
    assert response.status_code == 200, response.text
    return response.json()


def all_events(client: TestClient, who: Account, limit: int = 200) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    after: int | None = 0
    while after is not None:
        page = get(client, "/audit/events", who, after=after, limit=limit)
        items += page["items"]
        after = page["next_after"]
    return items


def signed_checkpoint(client: TestClient, who: Account) -> dict[str, Any]:
    checkpoint: dict[str, Any] = get(client, "/audit/checkpoint", who)
    return checkpoint


# --- who may call ---------------------------------------------------------------------------

ROUTES = [
    "/audit/events",
    "/audit/streams/{posting}",
    "/audit/streams/{posting}?version=1",
    "/audit/checkpoint",
    "/audit/proofs/inclusion?leaf_index=0&tree_size=1",
    "/audit/proofs/consistency?first=1&second=2",
]


@pytest.mark.parametrize("path", ROUTES)
def test_operators_and_auditors_may_read_the_audit_log(
    client: TestClient, operator: Account, auditor: Account, deal: Deal, path: str
) -> None:
    for staff in (operator, auditor):
        response = client.get(API + path.format(posting=deal.posting_id), headers=staff.auth)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ROUTES)
def test_anonymous_callers_get_401(client: TestClient, deal: Deal, path: str) -> None:
    assert_problem(client.get(API + path.format(posting=deal.posting_id)), 401)


@pytest.mark.parametrize("path", ROUTES)
def test_enterprises_and_banks_get_403(client: TestClient, deal: Deal, path: str) -> None:
    for other in (deal.owner, sign_up(client, "bank")):
        response = client.get(API + path.format(posting=deal.posting_id), headers=other.auth)
        assert_problem(response, 403)


def test_roles_are_checked_before_the_query(client: TestClient, deal: Deal) -> None:
    assert_problem(client.get(f"{API}/audit/events?limit=9999"), 401)
    assert_problem(client.get(f"{API}/audit/events?limit=9999", headers=deal.owner.auth), 403)


# --- the log --------------------------------------------------------------------------------


def test_the_log_pages_in_order_with_every_leaf(
    client: TestClient, services: Services, auditor: Account, deal: Deal
) -> None:
    items = all_events(client, auditor, limit=3)
    assert [item["leaf_index"] for item in items] == list(range(len(items)))
    positions = [item["position"] for item in items]
    assert positions == sorted(set(positions)) and positions[-1] >= head(services) - 1
    for item in items:
        assert set(item) >= {
            "position", "leaf_index", "stream_id", "stream_version", "type", "recorded_at",
            "data", "payload_sha256", "leaf_hash",
        }  # fmt: skip
        record = leaf_record(
            item["leaf_index"], item["position"], item["stream_id"], item["stream_version"],
            item["type"], item["recorded_at"], item["payload_sha256"],
        )  # fmt: skip
        assert leaf_hash(record).hex() == item["leaf_hash"]  # anyone can recheck an item


def test_events_carry_their_decoded_data_as_json(
    client: TestClient, auditor: Account, deal: Deal
) -> None:
    items = get(client, f"/audit/streams/{deal.posting_id}", auditor)["items"]
    published, placed = items[0], items[1]
    assert published["type"] == "aggregates.posting:Posting.Published"
    assert published["data"]["quantity"] == "500"
    assert published["data"]["owner_id"] == deal.owner.id
    assert datetime.fromisoformat(published["data"]["timestamp"]).tzinfo is not None
    assert "originator_id" not in published["data"]
    assert placed["type"].endswith("Posting.BidPlaced")
    assert placed["data"]["unit_price"] == "15000.00"
    assert placed["data"]["bid_id"] == deal.bid_id


def test_next_after_is_null_on_the_last_page(
    client: TestClient, operator: Account, deal: Deal
) -> None:
    last = all_events(client, operator)[-3:]
    after = last[0]["position"]
    page = get(client, "/audit/events", operator, after=after, limit=2)
    assert [item["position"] for item in page["items"]] == [i["position"] for i in last[1:]]
    assert page["next_after"] is None  # exactly full, and the last page
    page = get(client, "/audit/events", operator, after=after, limit=1)
    assert page["next_after"] == last[1]["position"]
    beyond = get(client, "/audit/events", operator, after=10**9)
    assert beyond == {"items": [], "next_after": None}


def test_the_default_limit_is_50_and_200_is_the_most(
    client: TestClient, services: Services, operator: Account
) -> None:
    owner = uuid4()
    for _ in range(60 - len(all_events(client, operator))):
        publish_directly(services, owner)
    page = get(client, "/audit/events", operator)
    assert len(page["items"]) == 50 and page["next_after"] == page["items"][-1]["position"]
    assert len(get(client, "/audit/events", operator, limit=200)["items"]) >= 60


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 201}, "limit"), ({"limit": 0}, "limit"), ({"after": -1}, "after"),
     ({"after": "x"}, "after")],
)  # fmt: skip
def test_bad_paging_is_422(
    client: TestClient, operator: Account, params: dict[str, Any], field: str
) -> None:
    response = client.get(f"{API}/audit/events", params=params, headers=operator.auth)
    assert_problem(response, 422, field=field)


# --- one aggregate and its past states -----------------------------------------------------


def test_a_stream_lists_every_event_of_the_aggregate(
    client: TestClient, auditor: Account, deal: Deal
) -> None:
    history = get(client, f"/audit/streams/{deal.posting_id}", auditor)
    assert history["stream_id"] == deal.posting_id and history["state"] is None
    assert [i["stream_version"] for i in history["items"]] == [1, 2, 3]
    assert {i["stream_id"] for i in history["items"]} == {deal.posting_id}
    assert history["items"][-1]["type"].endswith("Posting.BidAccepted")


def test_state_at_a_version_before_and_after_the_bid(
    client: TestClient, auditor: Account, deal: Deal
) -> None:
    before = get(client, f"/audit/streams/{deal.posting_id}", auditor, version=1)["state"]
    assert before["version"] == 1 and before["status"] == "open" and before["bids"] == {}
    assert before["id"] == deal.posting_id and before["quantity"] == "500"
    after = get(client, f"/audit/streams/{deal.posting_id}", auditor, version=2)["state"]
    assert after["version"] == 2 and after["status"] == "open"
    assert after["bids"][deal.bid_id]["unit_price"] == "15000.00"
    assert after["bids"][deal.bid_id]["status"] == "submitted"
    assert after["bids"][deal.bid_id]["bidder_id"] == deal.bidder.id
    awarded = get(client, f"/audit/streams/{deal.posting_id}", auditor, version=3)["state"]
    assert awarded["status"] == "awarded" and awarded["contract_id"] == deal.contract_id


def test_state_at_a_time(client: TestClient, auditor: Account, deal: Deal) -> None:
    items = get(client, f"/audit/streams/{deal.posting_id}", auditor)["items"]
    published = datetime.fromisoformat(items[0]["data"]["timestamp"])
    placed = datetime.fromisoformat(items[1]["data"]["timestamp"])
    path = f"/audit/streams/{deal.posting_id}"
    for at, version in [
        (published, 1),
        (published + (placed - published) / 2, 1),
        (placed, 2),
        (placed + timedelta(days=365), 3),
    ]:
        state = get(client, path, auditor, at=at.isoformat())["state"]
        assert state["version"] == version, at
    zulu = published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    beijing = published.astimezone(timezone(timedelta(hours=8))).isoformat()
    for written in (zulu, beijing):
        assert get(client, path, auditor, at=written)["state"]["version"] == 1


def test_a_contracts_state_is_json_safe(client: TestClient, auditor: Account, deal: Deal) -> None:
    state = get(client, f"/audit/streams/{deal.contract_id}", auditor, version=1)["state"]
    assert state["type"] == "Contract" and state["amount"] == "6000000.00"
    assert {p["role"] for p in state["parties"]} == {"buyer", "seller"}


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("", 404, None),  # unknown id
        ("?version=4", 404, None),  # beyond the last version
        ("?at=2000-01-01T00:00:00Z", 404, None),  # before the aggregate existed
        ("?version=0", 422, "version"),
        ("?version=x", 422, "version"),
        ("?at=yesterday", 422, "at"),
        ("?at=2026-01-01T00:00:00", 422, "at"),  # no time zone
        ("?version=1&at=2026-01-01T00:00:00Z", 422, "at"),
    ],
)
def test_bad_stream_requests(
    client: TestClient,
    operator: Account,
    deal: Deal,
    query: str,
    status: int,
    field: str | None,
) -> None:
    stream = uuid4() if status == 404 and not query else deal.posting_id
    response = client.get(f"{API}/audit/streams/{stream}{query}", headers=operator.auth)
    assert_problem(response, status, field=field)


def test_a_stream_id_must_be_a_uuid(client: TestClient, operator: Account) -> None:
    response = client.get(f"{API}/audit/streams/not-a-uuid", headers=operator.auth)
    assert_problem(response, 422, field="stream_id")


# --- the signed head and proofs ------------------------------------------------------------


def test_the_checkpoint_is_a_signed_note_over_the_log(
    client: TestClient, services: Services, auditor: Account, deal: Deal
) -> None:
    checkpoint = signed_checkpoint(client, auditor)
    assert checkpoint["public_key"] == services.signer.vkey
    assert checkpoint["origin"] == services.settings.audit_origin
    signed = verify_note(checkpoint["note"], checkpoint["public_key"])
    assert signed.tree_size == checkpoint["tree_size"] >= 1
    assert signed.root.hex() == checkpoint["root_hash"]
    assert f" {checkpoint['signature']}\n" in checkpoint["note"]
    assert datetime.fromisoformat(checkpoint["signed_at"]).tzinfo is not None


def test_inclusion_proofs_verify_against_the_signed_root(
    client: TestClient, auditor: Account, deal: Deal
) -> None:
    checkpoint = signed_checkpoint(client, auditor)
    size, root = checkpoint["tree_size"], bytes.fromhex(checkpoint["root_hash"])
    leaves = {item["leaf_index"]: item["leaf_hash"] for item in all_events(client, auditor)}
    for index in sorted({0, 1, size // 2, size - 2, size - 1}):
        proof = get(client, "/audit/proofs/inclusion", auditor, leaf_index=index, tree_size=size)
        assert (proof["leaf_index"], proof["tree_size"]) == (index, size)
        assert proof["leaf_hash"] == leaves[index]
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        assert verify_inclusion(bytes.fromhex(proof["leaf_hash"]), index, size, path, root)
        assert not verify_inclusion(bytes(32), index, size, path, root)


def test_consistency_proofs_verify_between_signed_roots(
    client: TestClient, auditor: Account, deal: Deal
) -> None:
    older = signed_checkpoint(client, auditor)
    publish(client, deal.owner)
    assert eventually(lambda: signed_checkpoint(client, auditor)["tree_size"] > older["tree_size"])
    newer = signed_checkpoint(client, auditor)
    first, second = older["tree_size"], newer["tree_size"]
    proof = get(client, "/audit/proofs/consistency", auditor, first=first, second=second)
    assert (proof["first"], proof["second"]) == (first, second)
    hashes = [bytes.fromhex(h) for h in proof["proof"]]
    roots = bytes.fromhex(older["root_hash"]), bytes.fromhex(newer["root_hash"])
    assert verify_consistency(first, second, *roots, hashes)
    same = get(client, "/audit/proofs/consistency", auditor, first=second, second=second)
    assert same["proof"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"leaf_index": 5, "tree_size": 5}, "leaf_index"),
        ({"leaf_index": 0, "tree_size": 10**9}, "tree_size"),
        ({"leaf_index": -1, "tree_size": 1}, "leaf_index"),
        ({"leaf_index": 0, "tree_size": 0}, "tree_size"),
        ({"tree_size": 1}, "leaf_index"),
    ],
)
def test_bad_inclusion_requests_are_422(
    client: TestClient, auditor: Account, deal: Deal, params: dict[str, Any], field: str
) -> None:
    response = client.get(f"{API}/audit/proofs/inclusion", params=params, headers=auditor.auth)
    assert_problem(response, 422, field=field)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"first": 3, "second": 2}, "first"),
        ({"first": 0, "second": 2}, "first"),
        ({"first": 1, "second": 10**9}, "second"),
        ({"first": 1}, "second"),
    ],
)
def test_bad_consistency_requests_are_422(
    client: TestClient, auditor: Account, deal: Deal, params: dict[str, Any], field: str
) -> None:
    response = client.get(f"{API}/audit/proofs/consistency", params=params, headers=auditor.auth)
    assert_problem(response, 422, field=field)


def test_the_audit_routes_are_published(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("events", "streams/{stream_id}", "checkpoint", "proofs/inclusion",
                 "proofs/consistency"):  # fmt: skip
        assert f"{API}/audit/{path}" in paths


# --- a log with no checkpoint yet ------------------------------------------------------------


@pytest.fixture
def unsigned(pg_server_url: str, tmp_path: Path) -> Iterator[tuple[Services, TestClient]]:
    """A database of its own, no checkpointer running; the staff check is stubbed out, since
    signing in needs an organization, and that is an event already."""
    with fresh_database(pg_server_url) as url, services_on(url, tmp_path) as services:
        app = create_app(services)
        app.dependency_overrides[StaffOnly.dependency] = lambda: Principal(
            uuid4(), "auditor", "stub", True, "token"
        )
        with TestClient(app, raise_server_exceptions=False) as client:
            yield services, client


def test_an_empty_log_has_no_checkpoint(unsigned: tuple[Services, TestClient]) -> None:
    _, client = unsigned
    assert_problem(client.get(f"{API}/audit/checkpoint"), 404, detail="the log is empty")


def test_the_first_checkpoint_is_signed_on_request(unsigned: tuple[Services, TestClient]) -> None:
    services, client = unsigned
    register(services)
    with services.db.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM audit_checkpoints").fetchone() == {"n": 0}
    response = client.get(f"{API}/audit/checkpoint")
    assert response.status_code == 200, response.text
    assert response.json()["tree_size"] == 1
    with services.db.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM audit_checkpoints").fetchone() == {"n": 1}
