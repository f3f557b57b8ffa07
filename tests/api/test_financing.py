"""Financing needs and sealed bank offers: posting, reading, offering, accepting, disbursing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aggregates.contract import Contract
from aggregates.financing import end_of_day
from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import (
    NEEDS,
    accept,
    make_offer,
    need_body,
    offer_body,
    post_need,
    sign_contract,
    verified_bank,
)
from tests.api.helpers import API, ZH, assert_problem, eventually, head, is_chinese, no_new_events
from tests.concurrency import responses_at_once

NEED_KEYS = {
    "id", "owner", "amount", "currency", "term_months", "purpose", "product_type", "region",
    "respond_by", "status", "offer_count", "first_offer_at", "overdue", "published_at", "version",
}  # fmt: skip
OFFER_KEYS = {
    "id", "need_id", "bank", "amount", "annual_rate", "term_months", "conditions",
    "valid_until", "status", "made_at",
}  # fmt: skip


def _iso(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


@pytest.fixture(scope="module")
def stranger(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def banks(client: TestClient, operator: Account) -> list[Account]:
    return [verified_bank(client, operator) for _ in range(3)]


@pytest.fixture(scope="module")
def bank(banks: list[Account]) -> Account:
    return banks[0]


@pytest.fixture(scope="module")
def unverified_bank(client: TestClient) -> Account:
    return sign_up(client, "bank")


@pytest.fixture
def need(client: TestClient, owner: Account) -> dict[str, Any]:
    return post_need(client, owner)


def _offers(need: dict[str, Any]) -> str:
    return f"{NEEDS}/{need['id']}/offers"


# Posting needs -----------------------------------------------------------------------------


def test_post_a_need(client: TestClient, services: Services, owner: Account) -> None:
    respond_by = _iso(days=10)
    response = client.post(NEEDS, json=need_body(respond_by=respond_by), headers=owner.auth)
    assert response.status_code == 201, response.text
    data = response.json()
    assert set(data) >= NEED_KEYS | {"position"}
    assert uuid.UUID(data["id"])
    assert data["owner"] == {"id": owner.id, "name": owner.name}
    assert (data["amount"], data["currency"], data["term_months"]) == ("2000000.00", "CNY", 12)
    assert (data["product_type"], data["region"], data["status"]) == (
        "credit_loan",
        "330106",
        "open",
    )
    assert datetime.fromisoformat(data["respond_by"]) == datetime.fromisoformat(respond_by)
    assert (data["offer_count"], data["first_offer_at"], data["overdue"]) == (0, None, False)
    assert data["version"] == 1
    assert data["position"] == head(services)
    read = client.get(f"{NEEDS}/{data['id']}", headers=owner.auth)
    assert read.status_code == 200, read.text
    assert {k: v for k, v in read.json().items() if k != "respond_by"} == {
        k: v for k, v in data.items() if k not in {"position", "respond_by"}
    }


def test_respond_by_as_a_date_lasts_until_the_end_of_that_day_in_china(
    client: TestClient, owner: Account
) -> None:
    day = date.today() + timedelta(days=10)
    data = post_need(client, owner, respond_by=day.isoformat())
    assert datetime.fromisoformat(data["respond_by"]) == end_of_day(day)


def test_minimal_need(client: TestClient, owner: Account) -> None:
    data = post_need(client, owner, purpose="x")
    assert data["respond_by"] is None


BAD_NEEDS: list[tuple[str, dict[str, Any], str]] = [
    ("amount zero", {"amount": "0"}, "amount"),
    ("amount negative", {"amount": "-100.00"}, "amount"),
    ("amount json float", {"amount": 2000000.0}, "amount"),
    ("amount json int", {"amount": 2000000}, "amount"),
    ("amount exponent", {"amount": "2e6"}, "amount"),
    ("amount three places", {"amount": "1.005"}, "amount"),
    ("term zero", {"term_months": 0}, "term_months"),
    ("term above 360", {"term_months": 361}, "term_months"),
    ("term as string", {"term_months": "12"}, "term_months"),
    ("term as float", {"term_months": 12.0}, "term_months"),
    ("term as bool", {"term_months": True}, "term_months"),
    ("purpose empty", {"purpose": "  "}, "purpose"),
    ("purpose too long", {"purpose": "x" * 2001}, "purpose"),
    ("unknown product type", {"product_type": "mortgage"}, "product_type"),
    ("region prefix", {"region": "33"}, "region"),
    ("region unknown province", {"region": "990101"}, "region"),
    ("respond_by past", {"respond_by": "2020-01-01T00:00:00Z"}, "respond_by"),
    ("respond_by past date", {"respond_by": "2020-01-01"}, "respond_by"),
    ("respond_by beyond 365 days", {"respond_by": _iso(days=366)}, "respond_by"),
    ("respond_by without offset", {"respond_by": "2030-01-01T00:00:00"}, "respond_by"),
    ("respond_by not a date", {"respond_by": "next week"}, "respond_by"),
    ("respond_by number", {"respond_by": 20300101}, "respond_by"),
    ("unknown field", {"currency": "USD"}, "currency"),
    ("owner is not a field", {"owner_id": str(uuid.uuid4())}, "owner_id"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), [(o, f) for _, o, f in BAD_NEEDS], ids=[n for n, _, _ in BAD_NEEDS]
)
def test_bad_need_is_422(
    client: TestClient, services: Services, owner: Account, overrides: dict[str, Any], field: str
) -> None:
    with no_new_events(services):
        response = client.post(NEEDS, json=need_body(**overrides), headers=owner.auth)
        assert_problem(response, 422, field=field)


@pytest.mark.parametrize("missing", ["amount", "term_months", "purpose", "product_type", "region"])
def test_need_without_required_field_is_422(
    client: TestClient, services: Services, owner: Account, missing: str
) -> None:
    body = need_body()
    del body[missing]
    with no_new_events(services):
        assert_problem(client.post(NEEDS, json=body, headers=owner.auth), 422, field=missing)


# Reading needs -----------------------------------------------------------------------------


def test_who_reads_a_need(
    client: TestClient,
    need: dict[str, Any],
    bank: Account,
    operator: Account,
    auditor: Account,
    stranger: Account,
    unverified_bank: Account,
) -> None:
    url = f"{NEEDS}/{need['id']}"
    for reader in (bank, operator, auditor):
        response = client.get(url, headers=reader.auth)
        assert response.status_code == 200, response.text
        assert response.json()["id"] == need["id"]
    assert_problem(client.get(url, headers=stranger.auth), 403)
    assert_problem(client.get(url, headers=unverified_bank.auth), 403)
    assert_problem(client.get(f"{NEEDS}/{uuid.uuid4()}", headers=bank.auth), 404)


def test_enterprises_list_their_own_needs_and_banks_all(
    client: TestClient, owner: Account, stranger: Account, bank: Account, auditor: Account
) -> None:
    mine = post_need(client, owner)
    theirs = post_need(client, stranger)
    own = [n["id"] for n in client.get(NEEDS, headers=owner.auth).json()["items"]]
    assert mine["id"] in own and theirs["id"] not in own
    for reader in (bank, auditor):
        listed = [n["id"] for n in client.get(NEEDS, headers=reader.auth).json()["items"]]
        assert {mine["id"], theirs["id"]} <= set(listed)


def test_unverified_banks_read_nothing(
    client: TestClient, need: dict[str, Any], unverified_bank: Account
) -> None:
    for url in (NEEDS, f"{NEEDS}/{need['id']}", f"{_offers(need)}"):
        assert_problem(client.get(url, headers=unverified_bank.auth), 403)


def test_board_filters(client: TestClient, stranger: Account, bank: Account) -> None:
    a = post_need(client, stranger, product_type="receivables", region="440305", amount="300000")
    b = post_need(client, stranger, product_type="receivables", region="330106", amount="900000")

    def listed(**params: Any) -> list[str]:
        response = client.get(NEEDS, params={"limit": 200, **params}, headers=bank.auth)
        assert response.status_code == 200, response.text
        return [n["id"] for n in response.json()["items"]]

    assert {a["id"], b["id"]} <= set(listed(product_type="receivables"))
    assert a["id"] not in listed(product_type="credit_loan")
    assert a["id"] in listed(region="44") and b["id"] not in listed(region="44")
    assert a["id"] in listed(region="440305") and a["id"] not in listed(region="4401")
    assert a["id"] in listed(amount_max="300000") and b["id"] not in listed(amount_max="300000")
    assert b["id"] in listed(amount_min="300000.01") and a["id"] not in listed(amount_min="400000")
    assert a["id"] in listed(status="open") and a["id"] not in listed(status="matched")


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("product_type", "mortgage"),
        ("region", "9"),
        ("status", "closed"),
        ("amount_min", "-1"),
        ("amount_max", "lots"),
        ("limit", "0"),
        ("cursor", "not-a-cursor"),
    ],
)
def test_bad_board_filter_is_422(client: TestClient, bank: Account, param: str, value: str) -> None:
    assert_problem(client.get(NEEDS, params={param: value}, headers=bank.auth), 422, field=param)


def test_board_pages_with_cursors(client: TestClient, bank: Account) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(NEEDS, params=params, headers=bank.auth).json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everything = client.get(NEEDS, params={"limit": 200}, headers=bank.auth).json()["items"]
    assert seen == [n["id"] for n in everything]
    assert len(seen) > 2


def test_needs_without_offers_become_overdue(
    client: TestClient,
    services: Services,
    owner: Account,
    bank: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waiting = post_need(client, owner)
    answered = post_need(client, owner)
    make_offer(client, bank, answered["id"])
    later = datetime.now(UTC) + timedelta(days=services.settings.financing_response_days, hours=1)
    monkeypatch.setattr(services.app, "clock", lambda: later)
    assert client.get(f"{NEEDS}/{waiting['id']}", headers=bank.auth).json()["overdue"] is True
    assert client.get(f"{NEEDS}/{answered['id']}", headers=bank.auth).json()["overdue"] is False
    overdue = client.get(NEEDS, params={"overdue": "true", "limit": 200}, headers=bank.auth)
    ids = [n["id"] for n in overdue.json()["items"]]
    assert waiting["id"] in ids and answered["id"] not in ids
    board = services.views.financing_needs
    days = services.settings.financing_response_days
    assert board.count_overdue(now=later, response_days=days) >= 1
    assert board.count_overdue(now=datetime.now(UTC), response_days=days) == 0


def test_open_filter_hides_needs_past_respond_by_before_the_scheduler_runs(
    client: TestClient,
    services: Services,
    stranger: Account,
    bank: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dated = post_need(client, stranger, respond_by=_iso(days=2))
    endless = post_need(client, stranger)
    monkeypatch.setattr(services.app, "clock", lambda: datetime.now(UTC) + timedelta(days=3))

    def listed(**params: Any) -> list[str]:
        response = client.get(NEEDS, params={"limit": 200, **params}, headers=bank.auth)
        return [n["id"] for n in response.json()["items"]]

    assert endless["id"] in listed(status="open") and dated["id"] not in listed(status="open")
    assert dated["id"] in listed()


# Offers ------------------------------------------------------------------------------------


def test_make_an_offer(
    client: TestClient, services: Services, need: dict[str, Any], bank: Account
) -> None:
    valid_until = _iso(days=5)
    body = offer_body(valid_until=valid_until)
    response = client.post(_offers(need), json=body, headers=bank.auth)
    assert response.status_code == 201, response.text
    data = response.json()
    assert set(data) >= OFFER_KEYS | {"version", "position"}
    assert data["need_id"] == need["id"]
    assert data["bank"] == {"id": bank.id, "name": bank.name}
    assert (data["amount"], data["annual_rate"], data["term_months"]) == ("1500000.00", "4.35", 12)
    assert data["conditions"] == "需提供近两年财务报表"
    assert datetime.fromisoformat(data["valid_until"]) == datetime.fromisoformat(valid_until)
    assert data["status"] == "submitted"
    assert (data["version"], data["position"]) == (2, head(services))
    read = client.get(f"{NEEDS}/{need['id']}", headers=bank.auth).json()
    assert read["offer_count"] == 1
    assert datetime.fromisoformat(read["first_offer_at"]) == datetime.fromisoformat(data["made_at"])


BAD_OFFERS: list[tuple[str, dict[str, Any], str]] = [
    ("amount zero", {"amount": "0"}, "amount"),
    ("amount json number", {"amount": 1500000}, "amount"),
    ("amount above the need", {"amount": "2000000.01"}, "amount"),
    ("rate zero", {"annual_rate": "0"}, "annual_rate"),
    ("rate negative", {"annual_rate": "-4.35"}, "annual_rate"),
    ("rate above 36", {"annual_rate": "36.01"}, "annual_rate"),
    ("rate json number", {"annual_rate": 4.35}, "annual_rate"),
    ("rate five places", {"annual_rate": "4.12345"}, "annual_rate"),
    ("term zero", {"term_months": 0}, "term_months"),
    ("term above 360", {"term_months": 361}, "term_months"),
    ("term as string", {"term_months": "12"}, "term_months"),
    ("conditions too long", {"conditions": "x" * 2001}, "conditions"),
    ("valid_until past", {"valid_until": "2020-01-01T00:00:00Z"}, "valid_until"),
    ("valid_until without offset", {"valid_until": "2030-01-01T00:00:00"}, "valid_until"),
    ("unknown field", {"bank_id": str(uuid.uuid4())}, "bank_id"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), [(o, f) for _, o, f in BAD_OFFERS], ids=[n for n, _, _ in BAD_OFFERS]
)
def test_bad_offer_is_422(
    client: TestClient,
    services: Services,
    need: dict[str, Any],
    bank: Account,
    overrides: dict[str, Any],
    field: str,
) -> None:
    with no_new_events(services):
        response = client.post(_offers(need), json=offer_body(**overrides), headers=bank.auth)
        assert_problem(response, 422, field=field)


def test_an_unverified_bank_cannot_offer(
    client: TestClient, services: Services, need: dict[str, Any], unverified_bank: Account
) -> None:
    with no_new_events(services):
        response = client.post(_offers(need), json=offer_body(), headers=unverified_bank.auth)
        problem = assert_problem(response, 403)
    assert "verified" in problem["detail"]


def test_offer_on_unknown_need_is_404(
    client: TestClient, services: Services, bank: Account, owner: Account
) -> None:
    with no_new_events(services):
        for need_id in (uuid.uuid4(), owner.id):
            url = f"{NEEDS}/{need_id}/offers"
            assert_problem(client.post(url, json=offer_body(), headers=bank.auth), 404)


def test_second_active_offer_of_a_bank_is_409(
    client: TestClient, services: Services, need: dict[str, Any], bank: Account
) -> None:
    first = make_offer(client, bank, need["id"])
    with no_new_events(services):
        assert_problem(client.post(_offers(need), json=offer_body(), headers=bank.auth), 409)
    withdrawn = client.post(f"{_offers(need)}/{first['id']}/withdraw", headers=bank.auth)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["version"] == 3
    make_offer(client, bank, need["id"], annual_rate="4.10")
    read = client.get(f"{NEEDS}/{need['id']}", headers=bank.auth).json()
    assert read["offer_count"] == 1  # the withdrawn offer no longer counts


def test_offers_are_sealed(
    client: TestClient,
    need: dict[str, Any],
    owner: Account,
    banks: list[Account],
    stranger: Account,
    operator: Account,
) -> None:
    first = make_offer(client, banks[0], need["id"], amount="1000000.00")
    second = make_offer(client, banks[1], need["id"], amount="1200000.00")
    everything = client.get(_offers(need), headers=owner.auth)
    assert everything.status_code == 200, everything.text
    assert [o["id"] for o in everything.json()["items"]] == [first["id"], second["id"]]
    own = client.get(_offers(need), headers=banks[1].auth).json()["items"]
    assert [(o["id"], o["amount"]) for o in own] == [(second["id"], "1200000.00")]
    assert client.get(_offers(need), headers=banks[2].auth).json()["items"] == []
    assert_problem(client.get(_offers(need), headers=stranger.auth), 403)
    # Staff read everything (docs/api.md, "Staff and sealed data").
    staff = client.get(_offers(need), headers=operator.auth).json()["items"]
    assert [o["id"] for o in staff] == [first["id"], second["id"]]
    board = client.get(f"{NEEDS}/{need['id']}", headers=banks[2].auth).json()
    assert board["offer_count"] == 2
    assert "1000000.00" not in str(board) and "1200000.00" not in str(board)
    assert_problem(client.get(f"{NEEDS}/{uuid.uuid4()}/offers", headers=owner.auth), 404)


def test_withdrawing_offers(
    client: TestClient, services: Services, need: dict[str, Any], banks: list[Account]
) -> None:
    made = make_offer(client, banks[0], need["id"])
    url = f"{_offers(need)}/{made['id']}/withdraw"
    with no_new_events(services):
        assert_problem(client.post(url, headers=banks[1].auth), 403)
        assert_problem(
            client.post(f"{_offers(need)}/{uuid.uuid4()}/withdraw", headers=banks[0].auth), 404
        )
    assert client.post(url, headers=banks[0].auth).status_code == 200
    with no_new_events(services):
        assert_problem(client.post(url, headers=banks[0].auth), 409)


# Accepting and disbursing ------------------------------------------------------------------


def test_full_happy_path(
    client: TestClient, services: Services, owner: Account, banks: list[Account]
) -> None:
    """need → 3 offers → accept → loan contract drafted → disburse."""
    need = post_need(client, owner, amount="3000000.00", term_months=24)
    offers = [
        make_offer(client, bank, need["id"], amount=amount, annual_rate=rate, term_months=24)
        for bank, amount, rate in zip(
            banks, ["3000000.00", "2800000.00", "2500000.00"], ["4.80", "4.35", "3.95"], strict=True
        )
    ]
    listed = client.get(_offers(need), headers=owner.auth).json()["items"]
    assert len(listed) == 3
    chosen = offers[1]

    accepted = accept(client, owner, need["id"], chosen["id"])

    assert accepted["status"] == "matched"
    assert accepted["position"] == head(services)
    assert accepted["version"] == 5
    contract = services.app.repository.get(uuid.UUID(accepted["contract_id"]))
    assert isinstance(contract, Contract)
    assert (contract.kind, contract.status, str(contract.amount)) == (
        "loan",
        "drafted",
        "2800000.00",
    )
    assert contract.parties == [
        {"organization_id": banks[1].id, "role": "lender"},
        {"organization_id": owner.id, "role": "borrower"},
    ]
    assert contract.source == {"need_id": need["id"], "offer_id": chosen["id"]}
    assert contract.terms["annual_rate"] == "4.35" and contract.terms["term_months"] == "24"
    statuses = {
        o["id"]: o["status"] for o in client.get(_offers(need), headers=owner.auth).json()["items"]
    }
    assert statuses == {
        offers[0]["id"]: "unsuccessful",
        chosen["id"]: "accepted",
        offers[2]["id"]: "unsuccessful",
    }
    read = client.get(f"{NEEDS}/{need['id']}", headers=owner.auth).json()
    assert (read["status"], read["offer_count"], read["contract_id"]) == (
        "matched",
        3,
        accepted["contract_id"],
    )
    assert read["matched_offer_id"] == chosen["id"]
    assert (
        read["first_offer_at"]
        == client.get(_offers(need), headers=owner.auth).json()["items"][0]["made_at"]
    )

    sign_contract(client, accepted["contract_id"], owner, banks[1])
    url = f"{NEEDS}/{need['id']}/disburse"
    paid = client.post(url, json={"amount": "2800000.00"}, headers=banks[1].auth)
    assert paid.status_code == 200, paid.text
    data = paid.json()
    assert (data["status"], data["amount_disbursed"], data["version"]) == (
        "disbursed",
        "2800000.00",
        6,
    )
    assert data["position"] == head(services)
    assert data["owner"] == {"id": owner.id, "name": owner.name}
    read = client.get(f"{NEEDS}/{need['id']}", headers=banks[1].auth).json()
    assert (read["status"], read["amount_disbursed"]) == ("disbursed", "2800000.00")
    read = client.get(f"{NEEDS}/{need['id']}", headers=owner.auth).json()
    assert read["amount_disbursed"] == "2800000.00"
    read = client.get(f"{NEEDS}/{need['id']}", headers=banks[2].auth).json()
    assert (read["status"], read["amount_disbursed"]) == ("disbursed", None)  # sealed


def test_offer_on_a_matched_need_is_409(
    client: TestClient,
    services: Services,
    need: dict[str, Any],
    owner: Account,
    banks: list[Account],
) -> None:
    made = make_offer(client, banks[0], need["id"])
    accept(client, owner, need["id"], made["id"])
    with no_new_events(services):
        problem = assert_problem(
            client.post(_offers(need), json=offer_body(), headers=banks[1].auth), 409
        )
        assert "matched" in problem["detail"]
        zh = client.post(_offers(need), json=offer_body(), headers={**banks[1].auth, **ZH})
        assert is_chinese(assert_problem(zh, 409)["detail"])


def test_accepting_twice_or_a_withdrawn_offer_is_409(
    client: TestClient,
    services: Services,
    need: dict[str, Any],
    owner: Account,
    banks: list[Account],
) -> None:
    gone = make_offer(client, banks[0], need["id"])
    client.post(f"{_offers(need)}/{gone['id']}/withdraw", headers=banks[0].auth)
    kept = make_offer(client, banks[1], need["id"])
    other = make_offer(client, banks[2], need["id"])
    with no_new_events(services):
        url = f"{_offers(need)}/{gone['id']}/accept"
        assert "withdrawn" in assert_problem(client.post(url, headers=owner.auth), 409)["detail"]
        unknown = f"{_offers(need)}/{uuid.uuid4()}/accept"
        assert_problem(client.post(unknown, headers=owner.auth), 404)
    accept(client, owner, need["id"], kept["id"])
    with no_new_events(services):
        for offer in (kept, other):
            url = f"{_offers(need)}/{offer['id']}/accept"
            assert "matched" in assert_problem(client.post(url, headers=owner.auth), 409)["detail"]


def test_disbursing_more_than_the_offer_is_409_with_the_reason(
    client: TestClient,
    services: Services,
    need: dict[str, Any],
    owner: Account,
    banks: list[Account],
) -> None:
    made = make_offer(client, banks[0], need["id"], amount="1500000.00")
    url = f"{NEEDS}/{need['id']}/disburse"
    with no_new_events(services):
        assert_problem(client.post(url, json={"amount": "1"}, headers=banks[0].auth), 409)
    loan_id = accept(client, owner, need["id"], made["id"])["contract_id"]
    sign_contract(client, loan_id, banks[0])
    with no_new_events(services):
        unsigned = client.post(url, json={"amount": "1"}, headers=banks[0].auth)
        assert "not signed by both parties" in assert_problem(unsigned, 409)["detail"]
        zh = client.post(url, json={"amount": "1"}, headers={**banks[0].auth, **ZH})
        assert "尚未由双方签署" in assert_problem(zh, 409)["detail"]
    sign_contract(client, loan_id, owner)
    with no_new_events(services):
        too_much = client.post(url, json={"amount": "1500000.01"}, headers=banks[0].auth)
        problem = assert_problem(too_much, 409)
        assert problem["detail"] == (
            "disbursement 1500000.01 exceeds the accepted offer amount 1500000.00"
        )
        zh = client.post(url, json={"amount": "1500000.01"}, headers={**banks[0].auth, **ZH})
        assert is_chinese(assert_problem(zh, 409)["detail"])
        assert_problem(client.post(url, json={"amount": "1"}, headers=banks[1].auth), 403)
        for amount, field in [("0", "amount"), ("-5", "amount"), (100, "amount")]:
            response = client.post(url, json={"amount": amount}, headers=banks[0].auth)
            assert_problem(response, 422, field=field)
        assert_problem(client.post(url, json={}, headers=banks[0].auth), 422, field="amount")
    partly = client.post(url, json={"amount": "1000000.00"}, headers=banks[0].auth)
    assert partly.status_code == 200, partly.text
    assert partly.json()["amount_disbursed"] == "1000000.00"
    with no_new_events(services):
        again = client.post(url, json={"amount": "1"}, headers=banks[0].auth)
        assert "already been disbursed" in assert_problem(again, 409)["detail"]
        missing = f"{NEEDS}/{uuid.uuid4()}/disburse"
        assert_problem(client.post(missing, json={"amount": "1"}, headers=banks[0].auth), 404)


def test_concurrent_accepts_of_different_offers_match_once(
    client: TestClient,
    services: Services,
    need: dict[str, Any],
    owner: Account,
    banks: list[Account],
) -> None:
    offers = [make_offer(client, bank, need["id"])["id"] for bank in banks]
    before = head(services)
    responses = responses_at_once(
        [lambda o=o: client.post(f"{_offers(need)}/{o}/accept", headers=owner.auth) for o in offers]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409], [r.text for r in responses]
    # One OfferAccepted event plus the one drafted contract's event.
    assert head(services) == before + 2
    (won,) = [r.json() for r in responses if r.status_code == 201]
    assert services.app.get_financing_need(uuid.UUID(need["id"])).contract_id == uuid.UUID(
        won["contract_id"]
    )
    listed = client.get(_offers(need), headers=owner.auth).json()["items"]
    assert sorted(o["status"] for o in listed) == ["accepted", "unsuccessful", "unsuccessful"]


# Withdrawing and expiry --------------------------------------------------------------------


def test_withdrawing_a_need(
    client: TestClient, services: Services, need: dict[str, Any], owner: Account, bank: Account
) -> None:
    url = f"{NEEDS}/{need['id']}/withdraw"
    with no_new_events(services):
        assert_problem(client.post(url, headers={**owner.auth, "If-Match": "7"}), 412)
        assert_problem(client.post(f"{NEEDS}/{uuid.uuid4()}/withdraw", headers=owner.auth), 404)
    response = client.post(url, headers={**owner.auth, "If-Match": "1"})
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["version"]) == ("withdrawn", 2)
    assert response.json()["position"] == head(services)
    with no_new_events(services):
        assert "withdrawn" in assert_problem(client.post(url, headers=owner.auth), 409)["detail"]
        assert_problem(client.post(_offers(need), json=offer_body(), headers=bank.auth), 409)
    read = client.get(f"{NEEDS}/{need['id']}", headers=owner.auth).json()
    assert read["status"] == "withdrawn"


def test_scheduler_expires_needs_and_offers(
    client: TestClient, owner: Account, bank: Account
) -> None:
    short = post_need(client, owner, respond_by=_iso(seconds=1.5))
    lasting = post_need(client, owner)
    offer = make_offer(client, bank, lasting["id"], valid_until=_iso(seconds=1.5))

    def expired() -> bool:
        need = client.get(f"{NEEDS}/{short['id']}", headers=owner.auth).json()
        offers = client.get(f"{NEEDS}/{lasting['id']}/offers", headers=owner.auth).json()
        return need["status"] == "expired" and offers["items"][0]["status"] == "expired"

    assert eventually(expired, timeout=15), "the scheduler did not expire the need and offer"
    assert client.get(f"{NEEDS}/{lasting['id']}", headers=owner.auth).json()["status"] == "open"
    url = f"{NEEDS}/{lasting['id']}/offers/{offer['id']}/accept"
    assert_problem(client.post(url, headers=owner.auth), 409)


def test_min_position_on_financing_reads(
    client: TestClient, services: Services, owner: Account, bank: Account
) -> None:
    need = post_need(client, owner)
    made = make_offer(client, bank, need["id"])
    url = f"{NEEDS}/{need['id']}"
    reads = [
        (NEEDS, bank.auth),
        (url, bank.auth),
        (f"{url}/offers", owner.auth),
        (f"{url}/matches", owner.auth),
        (f"{API}/bank-products", {}),
    ]
    for path, headers in reads:
        response = client.get(path, params={"min_position": made["position"]}, headers=headers)
        assert response.status_code == 200, (path, response.text)
    assert (
        client.get(url, params={"min_position": made["position"]}, headers=bank.auth).json()[
            "offer_count"
        ]
        == 1
    )
    saved = services.settings.read_wait_seconds
    services.settings.read_wait_seconds = 0.3
    try:
        for path, headers in reads:
            response = client.get(path, params={"min_position": 10**9}, headers=headers)
            assert_problem(response, 503)
            assert response.headers.get("retry-after", "").isdigit()
    finally:
        services.settings.read_wait_seconds = saved


def test_openapi_publishes_the_financing_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        "/api/v1/financing-needs": {"get", "post"},
        "/api/v1/financing-needs/{need_id}": {"get"},
        "/api/v1/financing-needs/{need_id}/withdraw": {"post"},
        "/api/v1/financing-needs/{need_id}/offers": {"get", "post"},
        "/api/v1/financing-needs/{need_id}/offers/{offer_id}/withdraw": {"post"},
        "/api/v1/financing-needs/{need_id}/offers/{offer_id}/accept": {"post"},
        "/api/v1/financing-needs/{need_id}/disburse": {"post"},
        "/api/v1/financing-needs/{need_id}/matches": {"get"},
        "/api/v1/bank-products": {"get", "post"},
        "/api/v1/bank-products/{product_id}": {"patch"},
        "/api/v1/bank-products/{product_id}/retire": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, paths[path])
        for method in methods:
            assert paths[path][method]["description"] or paths[path][method]["summary"]
