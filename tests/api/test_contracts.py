"""Contracts (API.md, "Contracts"): reading, listing, online signing against the RFC 8785
digest, cancelling and completing, with every refusal appending no event."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import httpx
import pytest
import rfc8785
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api import role_matrix
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import accept as accept_offer
from tests.api.financing_helpers import make_offer, post_need, verified_bank
from tests.api.helpers import API, ZH, assert_problem, bid, head, is_chinese, no_new_events, publish
from tests.api.role_matrix import assert_refused
from tests.api.stats_helpers import schedule_exhibition
from tests.concurrency import responses_at_once

CONTRACTS = f"{API}/contracts"
CONTRACT_KEYS = {
    "id",
    "kind",
    "status",
    "parties",
    "terms",
    "amount",
    "currency",
    "digest",
    "source",
    "exhibition_id",
    "version",
}
HEX64 = re.compile(r"^[0-9a-f]{64}$")


# Cast and deals ----------------------------------------------------------------------------


@dataclass
class Cast(role_matrix.Cast):
    alice: Account  # publishes the postings
    bob: Account  # bids on them
    rival: Account  # bids on some of alice's postings too (contracts bob must not see)
    stranger: Account  # an enterprise that is never a party
    bank: Account  # an unverified bank, never a party
    lender: Account  # a verified bank, party to the loan contract only
    operator: Account
    auditor: Account


@pytest.fixture(scope="module")
def cast(client: TestClient, operator: Account, auditor: Account) -> Cast:
    return Cast(
        alice=sign_up(client),
        bob=sign_up(client),
        rival=sign_up(client),
        stranger=sign_up(client),
        bank=sign_up(client, "bank"),
        lender=verified_bank(client, operator),
        operator=operator,
        auditor=auditor,
    )


@dataclass
class Deal:
    contract_id: str
    posting_id: str
    bid_id: str
    position: int
    buyer: Account
    seller: Account

    @property
    def url(self) -> str:
        return f"{CONTRACTS}/{self.contract_id}"


def make_deal(
    client: TestClient,
    poster: Account,
    bidder: Account,
    side: str = "demand",
    **bid_overrides: Any,
) -> Deal:
    """A posting, one bid on it, the bid accepted: a sale contract drafted."""
    posting = publish(client, poster, side=side)
    placed = bid(client, bidder, posting["id"], **bid_overrides)
    response = client.post(
        f"{API}/postings/{posting['id']}/bids/{placed['id']}/accept", headers=poster.auth
    )
    assert response.status_code == 201, response.text
    data = response.json()
    buyer, seller = (poster, bidder) if side == "demand" else (bidder, poster)
    return Deal(data["contract_id"], posting["id"], placed["id"], data["position"], buyer, seller)


@pytest.fixture
def deal(client: TestClient, cast: Cast) -> Deal:
    """A fresh drafted sale contract: alice (demand side) buys from bob."""
    return make_deal(client, cast.alice, cast.bob)


@pytest.fixture(scope="module")
def standing(client: TestClient, cast: Cast) -> Deal:
    """A drafted sale contract that no test changes (only refused requests touch it)."""
    return make_deal(client, cast.alice, cast.bob)


@dataclass
class Loan:
    contract_id: str
    need_id: str
    offer_id: str
    position: int

    @property
    def url(self) -> str:
        return f"{CONTRACTS}/{self.contract_id}"


@pytest.fixture(scope="module")
def loan(client: TestClient, cast: Cast) -> Loan:
    """A drafted loan contract: the verified bank lends to alice."""
    need = post_need(client, cast.alice)
    offer = make_offer(client, cast.lender, need["id"])
    accepted = accept_offer(client, cast.alice, need["id"], offer["id"])
    return Loan(accepted["contract_id"], need["id"], offer["id"], accepted["position"])


# Helpers -----------------------------------------------------------------------------------


def expected_digest(contract: dict[str, Any]) -> str:
    """API.md: SHA-256 of the RFC 8785 JSON of {kind, parties (ids, roles), terms, amount,
    currency}, computed here with the `rfc8785` package, independently of the app's code."""
    signed_content = {
        "kind": contract["kind"],
        "parties": [
            {"organization_id": p["organization_id"], "role": p["role"]}
            for p in contract["parties"]
        ],
        "terms": contract["terms"],
        "amount": contract["amount"],
        "currency": contract["currency"],
    }
    return hashlib.sha256(rfc8785.dumps(signed_content)).hexdigest()


def read(
    client: TestClient, account: Account, contract_url: str, position: int | None = None
) -> dict[str, Any]:
    params = {} if position is None else {"min_position": position}
    response = client.get(contract_url, params=params, headers=account.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def listing(client: TestClient, account: Account, **params: Any) -> dict[str, Any]:
    response = client.get(CONTRACTS, params=params, headers=account.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    assert set(data) >= {"items", "next_cursor"}
    return data


def listed_ids(client: TestClient, account: Account, **params: Any) -> list[str]:
    return [c["id"] for c in listing(client, account, limit=200, **params)["items"]]


def sign(
    client: TestClient, account: Account, contract_url: str, digest: str, **headers: str
) -> httpx.Response:
    return client.post(
        f"{contract_url}/sign", json={"digest": digest}, headers={**account.auth, **headers}
    )


def signed_ok(client: TestClient, account: Account, contract_url: str) -> dict[str, Any]:
    digest = read(client, account, contract_url)["digest"]
    response = sign(client, account, contract_url, digest)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def cancel(
    client: TestClient, account: Account, contract_url: str, reason: str = "双方协商取消"
) -> httpx.Response:
    return client.post(f"{contract_url}/cancel", json={"reason": reason}, headers=account.auth)


def complete(client: TestClient, account: Account, contract_url: str) -> httpx.Response:
    return client.post(f"{contract_url}/complete", headers=account.auth)


def signatures(contract: dict[str, Any]) -> dict[str, str | None]:
    return {p["role"]: p["signed_at"] for p in contract["parties"]}


def assert_written(response: httpx.Response, services: Services, version: int) -> dict[str, Any]:
    """A 200 mutating response: the whole contract plus `version` and `position`."""
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    assert set(data) >= CONTRACT_KEYS | {"position"}
    assert data["version"] == version
    assert data["position"] == head(services)
    assert data["digest"] == expected_digest(data)
    return data


def without_position(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "position"}


# Reading one contract ----------------------------------------------------------------------


def test_contract_from_a_demand_posting(client: TestClient, cast: Cast, deal: Deal) -> None:
    data = read(client, cast.alice, deal.url, deal.position)
    assert set(data) >= CONTRACT_KEYS
    assert data["id"] == deal.contract_id
    assert uuid.UUID(data["id"])
    assert data["kind"] == "sale"
    assert data["status"] == "drafted"
    # buyer = the demand side (the poster), seller = the supply side (the bidder)
    assert data["parties"] == [
        {"organization_id": cast.alice.id, "role": "buyer", "signed_at": None},
        {"organization_id": cast.bob.id, "role": "seller", "signed_at": None},
    ]
    assert data["terms"]["title"] == "采购不锈钢板材 500 吨"
    assert data["terms"]["quantity"] == "500"
    assert data["terms"]["unit_price"] == "15000.00"
    assert data["terms"]["unit"] == "吨"
    assert data["amount"] == "7500000.00"  # 15000.00 × 500, a decimal string
    assert data["currency"] == "CNY"
    assert data["source"] == {"posting_id": deal.posting_id, "bid_id": deal.bid_id}
    assert data["exhibition_id"] is None
    assert data["version"] == 1
    assert HEX64.match(data["digest"]), data["digest"]
    assert data["digest"] == expected_digest(data)


def test_contract_from_a_supply_posting(client: TestClient, cast: Cast) -> None:
    supply = make_deal(client, cast.alice, cast.bob, side="supply", unit_price="10.50")
    data = read(client, cast.bob, supply.url, supply.position)
    # alice offered goods (supply), bob bid to buy them: bob is the buyer.
    assert data["parties"] == [
        {"organization_id": cast.bob.id, "role": "buyer", "signed_at": None},
        {"organization_id": cast.alice.id, "role": "seller", "signed_at": None},
    ]
    assert data["amount"] == "5250.00"  # 10.50 × 500
    assert data["source"] == {"posting_id": supply.posting_id, "bid_id": supply.bid_id}
    assert data["digest"] == expected_digest(data)


def test_loan_contract_shape(client: TestClient, cast: Cast, loan: Loan) -> None:
    data = read(client, cast.lender, loan.url, loan.position)
    assert set(data) >= CONTRACT_KEYS
    assert (data["kind"], data["status"], data["version"]) == ("loan", "drafted", 1)
    assert data["parties"] == [
        {"organization_id": cast.lender.id, "role": "lender", "signed_at": None},
        {"organization_id": cast.alice.id, "role": "borrower", "signed_at": None},
    ]
    assert data["amount"] == "1500000.00"
    assert data["source"] == {"need_id": loan.need_id, "offer_id": loan.offer_id}
    assert data["digest"] == expected_digest(data)


def test_parties_operator_and_auditor_read_a_contract(
    client: TestClient, cast: Cast, standing: Deal
) -> None:
    seen = [
        read(client, account, standing.url, standing.position)
        for account in (cast.alice, cast.bob, cast.operator, cast.auditor)
    ]
    assert all(data == seen[0] for data in seen)


def test_contract_made_at_an_exhibition_names_it(
    client: TestClient, cast: Cast, operator: Account
) -> None:
    exhibition_id = schedule_exhibition(client, operator, cast.alice, cast.bob)
    posting = publish(client, cast.alice)
    placed = bid(client, cast.bob, posting["id"])
    accepted = client.post(
        f"{API}/postings/{posting['id']}/bids/{placed['id']}/accept",
        json={"exhibition_id": exhibition_id},
        headers=cast.alice.auth,
    )
    assert accepted.status_code == 201, accepted.text
    url = f"{CONTRACTS}/{accepted.json()['contract_id']}"
    data = read(client, cast.bob, url, accepted.json()["position"])
    assert data["exhibition_id"] == exhibition_id
    assert data["source"] == {"posting_id": posting["id"], "bid_id": placed["id"]}
    assert data["digest"] == expected_digest(data)  # the venue is not part of what is signed


@pytest.mark.parametrize("role", ["stranger", "bank", "lender"])
def test_non_parties_may_not_read_a_contract(
    client: TestClient, cast: Cast, standing: Deal, role: str
) -> None:
    response = client.get(standing.url, headers=cast.account(role).auth)
    problem = assert_problem(response, 403)
    assert "terms" not in problem and "digest" not in problem
    assert "7500000" not in response.text


def test_reading_a_contract_needs_a_session(client: TestClient, standing: Deal) -> None:
    assert_problem(client.get(standing.url), 401)
    bogus = {"Authorization": "Bearer not-a-real-token"}
    assert_problem(client.get(standing.url, headers=bogus), 401)


def test_unknown_contract_is_404(
    client: TestClient, services: Services, cast: Cast, standing: Deal
) -> None:
    digest = "0" * 64
    posting_url = f"{CONTRACTS}/{standing.posting_id}"  # a posting's id, not a contract's
    with no_new_events(services):
        for url in (f"{CONTRACTS}/{uuid.uuid4()}", posting_url):
            for account in (cast.alice, cast.operator):
                assert_problem(client.get(url, headers=account.auth), 404)
            assert_problem(sign(client, cast.alice, url, digest), 404)
            assert_problem(cancel(client, cast.alice, url), 404)
            assert_problem(complete(client, cast.alice, url), 404)
        bad = f"{CONTRACTS}/not-a-uuid"
        assert_problem(client.get(bad, headers=cast.alice.auth), 422)
        assert_problem(sign(client, cast.alice, bad, digest), 422)
        assert_problem(cancel(client, cast.alice, bad), 422)
        assert_problem(complete(client, cast.alice, bad), 422)


# Signing -----------------------------------------------------------------------------------


def test_both_parties_sign(client: TestClient, services: Services, cast: Cast, deal: Deal) -> None:
    drafted = read(client, cast.alice, deal.url, deal.position)
    digest = drafted["digest"]
    assert digest == expected_digest(drafted)

    first = assert_written(sign(client, cast.alice, deal.url, digest), services, version=2)
    assert first["status"] == "drafted"
    assert first["digest"] == digest  # signing does not change what was agreed
    alice_signed_at = signatures(first)["buyer"]
    assert alice_signed_at is not None
    assert datetime.fromisoformat(alice_signed_at).tzinfo is not None
    assert signatures(first)["seller"] is None
    assert without_position(first) == read(client, cast.bob, deal.url, first["position"])

    with no_new_events(services):
        again = sign(client, cast.alice, deal.url, digest)
        assert_problem(again, 409)

    second = assert_written(sign(client, cast.bob, deal.url, digest), services, version=3)
    assert second["status"] == "signed"
    assert signatures(second)["buyer"] == alice_signed_at
    bob_signed_at = signatures(second)["seller"]
    assert bob_signed_at is not None
    assert datetime.fromisoformat(bob_signed_at) >= datetime.fromisoformat(alice_signed_at)
    for account in (cast.alice, cast.bob, cast.operator, cast.auditor):
        assert without_position(second) == read(client, account, deal.url, second["position"])

    with no_new_events(services):
        assert_problem(sign(client, cast.bob, deal.url, digest), 409)
        assert_problem(sign(client, cast.alice, deal.url, digest), 409)


def test_signing_with_a_stale_digest_is_409(
    client: TestClient, services: Services, cast: Cast, deal: Deal, loan: Loan
) -> None:
    drafted = read(client, cast.alice, deal.url, deal.position)
    other = read(client, cast.alice, loan.url, loan.position)
    stale = [
        expected_digest({**drafted, "amount": "7400000.00"}),
        expected_digest({**drafted, "terms": {**drafted["terms"], "unit_price": "14800.00"}}),
        expected_digest({**drafted, "parties": list(reversed(drafted["parties"]))}),
        other["digest"],  # the digest of another contract (the same content has the same)
        "0" * 64,
        drafted["digest"][::-1],
    ]
    with no_new_events(services):
        for digest in stale:
            assert HEX64.match(digest) and digest != drafted["digest"]
            problem = assert_problem(sign(client, cast.alice, deal.url, digest), 409)
            assert "digest" in problem["detail"]
        zh = sign(client, cast.bob, deal.url, "0" * 64, **ZH)
        assert is_chinese(assert_problem(zh, 409)["detail"])
    after = read(client, cast.alice, deal.url)
    assert after["status"] == "drafted" and after["version"] == 1
    assert signatures(after) == {"buyer": None, "seller": None}


MALFORMED_DIGESTS: list[tuple[str, Any]] = [
    ("upper case", "A" * 64),
    ("63 chars", "a" * 63),
    ("65 chars", "a" * 65),
    ("not hex", "g" * 64),
    ("empty", ""),
    ("sha256 prefix", "sha256:" + "a" * 64),
    ("number", 12345),
    ("null", None),
    ("list", ["a" * 64]),
]


@pytest.mark.parametrize(
    "digest", [d for _, d in MALFORMED_DIGESTS], ids=[n for n, _ in MALFORMED_DIGESTS]
)
def test_malformed_digest_is_422(
    client: TestClient, services: Services, cast: Cast, standing: Deal, digest: Any
) -> None:
    with no_new_events(services):
        response = client.post(
            f"{standing.url}/sign", json={"digest": digest}, headers=cast.alice.auth
        )
        assert_problem(response, 422, field="digest")


def test_sign_without_digest_is_422(
    client: TestClient, services: Services, cast: Cast, standing: Deal
) -> None:
    digest = read(client, cast.alice, standing.url)["digest"]
    url = f"{standing.url}/sign"
    with no_new_events(services):
        assert_problem(client.post(url, json={}, headers=cast.alice.auth), 422, field="digest")
        assert_problem(client.post(url, headers=cast.alice.auth), 422)
        extra = {"digest": digest, "organization_id": cast.bob.id}
        response = client.post(url, json=extra, headers=cast.alice.auth)
        assert_problem(response, 422, field="organization_id")


def test_current_digest_in_upper_case_is_422(
    client: TestClient, services: Services, cast: Cast, standing: Deal
) -> None:
    """The current digest, only upper-cased, is malformed (API: lowercase hex), not stale."""
    digest = read(client, cast.alice, standing.url)["digest"]
    with no_new_events(services):
        assert_problem(sign(client, cast.alice, standing.url, digest.upper()), 422, field="digest")


def test_concurrent_signatures_of_both_parties(
    client: TestClient, services: Services, cast: Cast, deal: Deal
) -> None:
    digest = read(client, cast.alice, deal.url, deal.position)["digest"]
    before = head(services)
    responses = responses_at_once(
        [
            lambda: sign(client, cast.alice, deal.url, digest),
            lambda: sign(client, cast.bob, deal.url, digest),
            lambda: sign(client, cast.alice, deal.url, digest),
        ]
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 409], [r.text for r in responses]
    assert head(services) == before + 2
    last = max((r.json() for r in responses if r.status_code == 200), key=lambda d: d["version"])
    assert (last["status"], last["version"]) == ("signed", 3)
    final = read(client, cast.operator, deal.url, last["position"])
    assert final["status"] == "signed"
    assert all(signatures(final).values())


def test_idempotent_sign_replays_the_first_response(
    client: TestClient, services: Services, cast: Cast, deal: Deal
) -> None:
    digest = read(client, cast.alice, deal.url, deal.position)["digest"]
    key = {"Idempotency-Key": f"sign-{uuid.uuid4()}"}
    first = sign(client, cast.alice, deal.url, digest, **key)
    assert first.status_code == 200, first.text
    with no_new_events(services):
        replay = sign(client, cast.alice, deal.url, digest, **key)
        assert replay.status_code == 200, replay.text
        assert replay.json() == first.json()
        other_body = sign(client, cast.alice, deal.url, "0" * 64, **key)
        assert_problem(other_body, 422)


def test_if_match_guards_contract_commands(
    client: TestClient, services: Services, cast: Cast, deal: Deal
) -> None:
    """Conventions: `412` when an `If-Match: <version>` header does not match."""
    digest = read(client, cast.alice, deal.url, deal.position)["digest"]
    stale = {"If-Match": "7"}
    with no_new_events(services):
        assert_problem(sign(client, cast.alice, deal.url, digest, **stale), 412)
        response = client.post(
            f"{deal.url}/cancel", json={"reason": "x"}, headers={**cast.alice.auth, **stale}
        )
        assert_problem(response, 412)
        # who may act is decided before the version: a non-party learns nothing from 412
        assert_problem(sign(client, cast.stranger, deal.url, digest, **stale), 403)
        assert_problem(sign(client, cast.operator, deal.url, digest, **stale), 403)
    assert_written(sign(client, cast.alice, deal.url, digest, **{"If-Match": "1"}), services, 2)
    assert_written(sign(client, cast.bob, deal.url, digest, **{"If-Match": '"2"'}), services, 3)
    with no_new_events(services):
        response = client.post(f"{deal.url}/complete", headers={**cast.alice.auth, **stale})
        assert_problem(response, 412)
    done = client.post(f"{deal.url}/complete", headers={**cast.alice.auth, "If-Match": "3"})
    assert assert_written(done, services, 4)["status"] == "completed"


# Cancelling --------------------------------------------------------------------------------


def test_a_party_cancels_a_drafted_contract(
    client: TestClient, services: Services, cast: Cast, deal: Deal
) -> None:
    digest = read(client, cast.alice, deal.url, deal.position)["digest"]
    written = assert_written(cancel(client, cast.bob, deal.url, "交期无法满足"), services, 2)
    assert written["status"] == "cancelled"
    assert signatures(written) == {"buyer": None, "seller": None}
    for account in (cast.alice, cast.bob, cast.auditor):
        assert without_position(written) == read(client, account, deal.url, written["position"])

    with no_new_events(services):
        assert (
            "cancelled" in assert_problem(sign(client, cast.alice, deal.url, digest), 409)["detail"]
        )
        assert_problem(sign(client, cast.bob, deal.url, digest), 409)
        assert_problem(cancel(client, cast.alice, deal.url), 409)
        assert_problem(cancel(client, cast.bob, deal.url), 409)
        assert_problem(complete(client, cast.alice, deal.url), 409)


def test_cancel_after_one_signature(
    client: TestClient, services: Services, cast: Cast, deal: Deal
) -> None:
    """Still `drafted` until everyone has signed, so either party may call it off."""
    signed_by_alice = signed_ok(client, cast.alice, deal.url)
    assert signed_by_alice["status"] == "drafted"
    written = assert_written(cancel(client, cast.alice, deal.url), services, 3)
    assert written["status"] == "cancelled"
    with no_new_events(services):
        assert_problem(sign(client, cast.bob, deal.url, written["digest"]), 409)


BAD_REASONS: list[tuple[str, dict[str, Any]]] = [
    ("missing", {}),
    ("empty", {"reason": ""}),
    ("blank", {"reason": "   "}),
    ("too long", {"reason": "x" * 2001}),
    ("null", {"reason": None}),
    ("number", {"reason": 42}),
]


@pytest.mark.parametrize("body", [b for _, b in BAD_REASONS], ids=[n for n, _ in BAD_REASONS])
def test_cancel_needs_a_reason(
    client: TestClient, services: Services, cast: Cast, standing: Deal, body: dict[str, Any]
) -> None:
    with no_new_events(services):
        response = client.post(f"{standing.url}/cancel", json=body, headers=cast.alice.auth)
        assert_problem(response, 422, field="reason")


def test_cancel_without_a_body_is_422(
    client: TestClient, services: Services, cast: Cast, standing: Deal
) -> None:
    with no_new_events(services):
        assert_problem(client.post(f"{standing.url}/cancel", headers=cast.alice.auth), 422)


def test_cancel_after_signed_is_409(
    client: TestClient, services: Services, cast: Cast, deal: Deal
) -> None:
    signed_ok(client, cast.alice, deal.url)
    assert signed_ok(client, cast.bob, deal.url)["status"] == "signed"
    with no_new_events(services):
        for account in (cast.alice, cast.bob):
            assert "signed" in assert_problem(cancel(client, account, deal.url), 409)["detail"]
    assert read(client, cast.alice, deal.url)["status"] == "signed"


# Completing --------------------------------------------------------------------------------


def test_buyer_completes_a_signed_contract(
    client: TestClient, services: Services, cast: Cast, deal: Deal
) -> None:
    with no_new_events(services):
        assert_problem(complete(client, cast.alice, deal.url), 409)  # drafted
    signed_ok(client, cast.bob, deal.url)
    with no_new_events(services):
        assert_problem(complete(client, cast.alice, deal.url), 409)  # one signature only
    signed_ok(client, cast.alice, deal.url)
    with no_new_events(services):
        assert_problem(complete(client, cast.bob, deal.url), 403)  # the seller
        assert_problem(complete(client, cast.stranger, deal.url), 403)
        assert_problem(complete(client, cast.operator, deal.url), 403)

    written = assert_written(complete(client, cast.alice, deal.url), services, 4)
    assert written["status"] == "completed"
    assert all(signatures(written).values())
    for account in (cast.alice, cast.bob, cast.operator):
        assert without_position(written) == read(client, account, deal.url, written["position"])

    with no_new_events(services):
        assert_problem(complete(client, cast.alice, deal.url), 409)
        assert_problem(cancel(client, cast.alice, deal.url), 409)
        assert_problem(sign(client, cast.alice, deal.url, written["digest"]), 409)


def test_buyer_of_a_supply_posting_completes(
    client: TestClient, services: Services, cast: Cast
) -> None:
    supply = make_deal(client, cast.alice, cast.bob, side="supply")
    signed_ok(client, cast.alice, supply.url)
    signed_ok(client, cast.bob, supply.url)
    with no_new_events(services):
        assert_problem(complete(client, cast.alice, supply.url), 403)  # alice sells here
    written = assert_written(complete(client, cast.bob, supply.url), services, 4)
    assert written["status"] == "completed"


def test_loan_contract_signed_and_completed_by_the_lender(
    client: TestClient, services: Services, cast: Cast, operator: Account
) -> None:
    need = post_need(client, cast.rival)
    offer = make_offer(client, cast.lender, need["id"], amount="800000.00")
    accepted = accept_offer(client, cast.rival, need["id"], offer["id"])
    url = f"{CONTRACTS}/{accepted['contract_id']}"
    digest = read(client, cast.lender, url, accepted["position"])["digest"]
    assert_written(sign(client, cast.lender, url, digest), services, 2)
    written = assert_written(sign(client, cast.rival, url, digest), services, 3)
    assert written["status"] == "signed"
    assert {p["role"]: p["organization_id"] for p in written["parties"]} == {
        "lender": cast.lender.id,
        "borrower": cast.rival.id,
    }
    with no_new_events(services):
        assert_problem(complete(client, cast.rival, url), 403)  # the borrower
        assert_problem(complete(client, cast.bank, url), 403)
    done = assert_written(complete(client, cast.lender, url), services, 4)
    assert done["status"] == "completed"


# Listing -----------------------------------------------------------------------------------


@dataclass
class States:
    drafted: str
    signed: str
    completed: str
    cancelled: str
    position: int

    def ids(self) -> dict[str, str]:
        return {
            "drafted": self.drafted,
            "signed": self.signed,
            "completed": self.completed,
            "cancelled": self.cancelled,
        }


@pytest.fixture(scope="module")
def states(client: TestClient, cast: Cast) -> States:
    """Four contracts between alice (buyer) and rival (seller), one per status."""
    deals = [make_deal(client, cast.alice, cast.rival) for _ in range(4)]
    drafted, signed, completed, cancelled = deals
    for d in (signed, completed):
        signed_ok(client, cast.alice, d.url)
        signed_ok(client, cast.rival, d.url)
    assert complete(client, cast.alice, completed.url).status_code == 200
    last = cancel(client, cast.rival, cancelled.url)
    assert last.status_code == 200, last.text
    return States(
        drafted.contract_id,
        signed.contract_id,
        completed.contract_id,
        cancelled.contract_id,
        last.json()["position"],
    )


def test_parties_list_only_their_own_contracts(
    client: TestClient, cast: Cast, standing: Deal, loan: Loan, states: States
) -> None:
    for account in (cast.alice, cast.bob, cast.rival, cast.lender):
        page = listing(client, account, limit=200, min_position=states.position)
        assert page["next_cursor"] is None
        for item in page["items"]:
            assert set(item) >= CONTRACT_KEYS
            assert account.id in [p["organization_id"] for p in item["parties"]], item
    alice = listed_ids(client, cast.alice)
    bob = listed_ids(client, cast.bob)
    rival = listed_ids(client, cast.rival)
    lender = listed_ids(client, cast.lender)
    assert standing.contract_id in alice and standing.contract_id in bob
    assert loan.contract_id in alice and loan.contract_id in lender
    assert set(states.ids().values()) <= set(alice) & set(rival)
    assert not set(states.ids().values()) & set(bob)
    assert standing.contract_id not in rival and standing.contract_id not in lender
    assert loan.contract_id not in bob and loan.contract_id not in rival
    assert listing(client, cast.stranger) == {"items": [], "next_cursor": None}
    assert listing(client, cast.bank) == {"items": [], "next_cursor": None}


def test_operator_and_auditor_list_all_contracts(
    client: TestClient, cast: Cast, standing: Deal, loan: Loan, states: States
) -> None:
    everyone: set[str] = set()
    for account in (cast.alice, cast.bob, cast.rival, cast.lender):
        everyone |= set(listed_ids(client, account, min_position=states.position))
    operator = listed_ids(client, cast.operator)
    auditor = listed_ids(client, cast.auditor)
    assert set(operator) == everyone
    assert operator == auditor
    assert {standing.contract_id, loan.contract_id, *states.ids().values()} <= set(operator)


def test_list_items_match_single_reads(client: TestClient, cast: Cast, states: States) -> None:
    items = listing(client, cast.alice, limit=200, min_position=states.position)["items"]
    by_id = {item["id"]: item for item in items}
    for contract_id in states.ids().values():
        assert by_id[contract_id] == read(client, cast.alice, f"{CONTRACTS}/{contract_id}")
        assert by_id[contract_id]["digest"] == expected_digest(by_id[contract_id])


@pytest.mark.parametrize("status", ["drafted", "signed", "completed", "cancelled"])
def test_list_filtered_by_status(
    client: TestClient, cast: Cast, states: States, status: str
) -> None:
    for account in (cast.alice, cast.rival, cast.operator):
        items = listing(client, account, status=status, limit=200, min_position=states.position)[
            "items"
        ]
        assert {item["status"] for item in items} <= {status}
        ids = [item["id"] for item in items]
        for state, contract_id in states.ids().items():
            assert (contract_id in ids) == (state == status), (state, status)


def test_list_filtered_by_kind(
    client: TestClient, cast: Cast, standing: Deal, loan: Loan, states: States
) -> None:
    for account in (cast.alice, cast.operator, cast.auditor):
        loans = listing(client, account, kind="loan", limit=200, min_position=states.position)
        sales = listing(client, account, kind="sale", limit=200)
        assert {c["kind"] for c in loans["items"]} == {"loan"}
        assert {c["kind"] for c in sales["items"]} == {"sale"}
        assert loan.contract_id in [c["id"] for c in loans["items"]]
        assert standing.contract_id in [c["id"] for c in sales["items"]]
        every = listed_ids(client, account)
        assert sorted(every) == sorted(c["id"] for c in loans["items"] + sales["items"])
    assert listing(client, cast.bob, kind="loan") == {"items": [], "next_cursor": None}
    drafted_loans = listed_ids(client, cast.lender, kind="loan", status="drafted")
    assert loan.contract_id in drafted_loans
    assert listed_ids(client, cast.lender, kind="sale", status="drafted") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "lease"}, "kind"),
        ({"status": "open"}, "status"),
        ({"status": "SIGNED"}, "status"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"min_position": -1}, "min_position"),
    ],
)
def test_bad_list_query_is_422(
    client: TestClient, cast: Cast, params: dict[str, Any], field: str
) -> None:
    response = client.get(CONTRACTS, params=params, headers=cast.operator.auth)
    assert_problem(response, 422, field=field)


def test_list_pages_newest_first(client: TestClient, cast: Cast, states: States) -> None:
    everything = listing(client, cast.operator, limit=200, min_position=states.position)
    assert everything["next_cursor"] is None
    all_ids = [c["id"] for c in everything["items"]]
    assert len(all_ids) >= 6 and len(set(all_ids)) == len(all_ids)

    walked: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        page = listing(client, cast.operator, **params)
        assert len(page["items"]) <= 2
        walked += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        pages += 1
        if cursor is None:
            break
        assert pages < 100
    assert walked == all_ids
    assert pages == -(-len(all_ids) // 2)

    # A party's pages hold its own contracts only, and a new contract comes first.
    newest = make_deal(client, cast.alice, cast.rival)
    first = listing(client, cast.rival, limit=1, min_position=newest.position)
    assert [c["id"] for c in first["items"]] == [newest.contract_id]
    assert first["next_cursor"] is not None
    second = listing(client, cast.rival, limit=1, cursor=first["next_cursor"])
    assert len(second["items"]) == 1 and second["items"][0]["id"] != newest.contract_id
    assert cast.rival.id in [p["organization_id"] for p in second["items"][0]["parties"]]


def test_listing_needs_a_session(client: TestClient) -> None:
    assert_problem(client.get(CONTRACTS), 401)
    assert_problem(client.get(CONTRACTS, headers={"Authorization": "Bearer nope"}), 401)
    assert_problem(client.get(CONTRACTS, headers={"Authorization": "Basic abc"}), 401)


def test_a_read_with_min_position_sees_the_write(
    client: TestClient, cast: Cast, deal: Deal
) -> None:
    written = signed_ok(client, cast.bob, deal.url)
    position = written["position"]
    for account in (cast.alice, cast.bob, cast.operator, cast.auditor):
        one = client.get(deal.url, params={"min_position": position}, headers=account.auth)
        assert one.status_code == 200, one.text
        assert one.json()["version"] == 2
        assert signatures(one.json())["seller"] == signatures(written)["seller"]
        listed = listing(client, account, min_position=position, status="drafted", limit=200)
        mine = [c for c in listed["items"] if c["id"] == deal.contract_id]
        assert [c["version"] for c in mine] == [2]


# Role matrix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    method: str
    suffix: str  # after /contracts
    body: str | None  # "sign" (the current digest), "cancel" (a reason) or None
    forbidden: tuple[str, ...]


NON_PARTIES = ("stranger", "bank", "lender")
STAFF = ("operator", "auditor")
SIGNED_IN = ("alice", "bob", *NON_PARTIES, *STAFF)

ROUTES: dict[str, Route] = {
    "list contracts": Route("GET", "", None, ()),
    "read contract": Route("GET", "/{id}", None, NON_PARTIES),
    "sign contract": Route("POST", "/{id}/sign", "sign", NON_PARTIES + STAFF),
    "cancel contract": Route("POST", "/{id}/cancel", "cancel", NON_PARTIES + STAFF),
    # alice buys in the standing contract; bob (the seller) may not complete it
    "complete contract": Route("POST", "/{id}/complete", None, ("bob", *NON_PARTIES, *STAFF)),
}


def _call(
    client: TestClient, route: Route, standing: Deal, digest: str, headers: dict[str, str]
) -> httpx.Response:
    url = CONTRACTS + route.suffix.format(id=standing.contract_id)
    body: dict[str, Any] | None = None
    if route.body == "sign":
        body = {"digest": digest}
    elif route.body == "cancel":
        body = {"reason": "不再需要"}
    return client.request(route.method, url, json=body, headers=headers)


MATRIX = [
    (name, who)
    for name, route in ROUTES.items()
    for who in ("anonymous", "bad token", *route.forbidden)
]


@pytest.mark.parametrize(("name", "who"), MATRIX, ids=[f"{n}-{w}" for n, w in MATRIX])
def test_role_matrix_refusals(
    client: TestClient,
    services: Services,
    cast: Cast,
    standing: Deal,
    name: str,
    who: str,
) -> None:
    route = ROUTES[name]
    digest = read(client, cast.alice, standing.url, standing.position)["digest"]
    if who == "anonymous":
        headers: dict[str, str] = {}
    elif who == "bad token":
        headers = {"Authorization": "Bearer " + "x" * 40}
    else:
        headers = cast.account(who).auth
    send = partial(_call, client, route, standing, digest)
    assert_refused(services, send, headers, 401 if who in ("anonymous", "bad token") else 403)
    after = read(client, cast.alice, standing.url)
    assert (after["status"], after["version"]) == ("drafted", 1)


READERS = [
    (name, who)
    for name, route in ROUTES.items()
    if route.method == "GET"
    for who in SIGNED_IN
    if who not in route.forbidden
]


@pytest.mark.parametrize(("name", "who"), READERS, ids=[f"{n}-{w}" for n, w in READERS])
def test_role_matrix_reads_allowed(
    client: TestClient, cast: Cast, standing: Deal, name: str, who: str
) -> None:
    response = _call(client, ROUTES[name], standing, "", cast.account(who).auth)
    assert response.status_code == 200, response.text
