"""Who may call what in financing: every route of needs, offers and bank products against every
caller that may not call it (anonymous → 401, a wrong role, an unverified bank, a non-party →
403). Unverified banks read nothing of enterprises' needs and make no offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api import role_matrix
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import (
    accept,
    make_offer,
    need_body,
    offer_body,
    post_need,
    product_body,
    sign_contract,
    verified_bank,
)
from tests.api.helpers import API, assert_problem, no_new_events
from tests.api.role_matrix import (
    Route,
    refusal_tests,
)

ROLES = (
    "owner", "stranger", "bank", "verified_bank", "matched_bank", "operator", "auditor",
)  # fmt: skip


@dataclass
class Cast(role_matrix.Cast):
    owner: Account  # posted both needs
    stranger: Account  # another enterprise
    bank: Account  # not verified
    verified_bank: Account  # made the open offer on the open need
    matched_bank: Account  # its offer on the matched need was accepted
    operator: Account
    auditor: Account
    need_id: str  # open, with one offer
    offer_id: str
    matched_need_id: str
    product_id: str  # published by verified_bank

    def ids(self) -> dict[str, str]:  # {need}, {offer}, {matched}, {product} in the paths
        return {
            "need": self.need_id,
            "offer": self.offer_id,
            "matched": self.matched_need_id,
            "product": self.product_id,
        }


@pytest.fixture(scope="module")
def cast(client: TestClient, operator: Account, auditor: Account) -> Cast:
    owner, stranger = sign_up(client), sign_up(client)
    bank = sign_up(client, "bank")
    offering, matched_bank = verified_bank(client, operator), verified_bank(client, operator)
    need = post_need(client, owner)
    offer = make_offer(client, offering, need["id"])
    matched = post_need(client, owner)
    offer_id = make_offer(client, matched_bank, matched["id"])["id"]
    sign_contract(
        client, accept(client, owner, matched["id"], offer_id)["contract_id"], owner, matched_bank
    )
    product = client.post(f"{API}/bank-products", json=product_body(), headers=offering.auth)
    assert product.status_code == 201, product.text
    return Cast(
        owner, stranger, bank, offering, matched_bank, operator, auditor,
        need["id"], offer["id"], matched["id"], product.json()["id"],
    )  # fmt: skip


def _except(*allowed: str) -> tuple[str, ...]:
    return tuple(role for role in ROLES if role not in allowed)


BANKS = ("verified_bank", "matched_bank")
STAFF = ("operator", "auditor")
ROUTES: dict[str, Route] = {  # every financing route but the public GET /bank-products
    "post need": Route("POST", "/financing-needs", need_body(), _except("owner", "stranger")),
    "list needs": Route("GET", "/financing-needs", None, ("bank",)),
    "read need": Route("GET", "/financing-needs/{need}", None, ("stranger", "bank")),
    "withdraw need": Route("POST", "/financing-needs/{need}/withdraw", None, _except("owner")),
    "make offer": Route("POST", "/financing-needs/{need}/offers", offer_body(), _except(*BANKS)),
    "read offers": Route(  # staff read sealed offers too (test_staff_sealed_reads.py)
        "GET", "/financing-needs/{need}/offers", None, _except("owner", *BANKS, *STAFF)
    ),
    "withdraw offer": Route(
        "POST", "/financing-needs/{need}/offers/{offer}/withdraw", None, _except("verified_bank")
    ),
    "accept offer": Route(
        "POST", "/financing-needs/{need}/offers/{offer}/accept", None, _except("owner")
    ),
    "disburse": Route(
        "POST", "/financing-needs/{matched}/disburse", {"amount": "1.00"}, _except("matched_bank")
    ),
    "match products": Route("GET", "/financing-needs/{need}/matches", None, _except("owner")),
    "publish product": Route("POST", "/bank-products", product_body(), _except(*BANKS)),
    # Only the bank that published it (another verified bank, an unverified one: 403).
    "revise product": Route(
        "PATCH", "/bank-products/{product}", {"name": "改名"}, _except("verified_bank")
    ),
    "retire product": Route(
        "POST", "/bank-products/{product}/retire", None, _except("verified_bank")
    ),
}
# Anonymous callers and invalid tokens get 401, each role a route refuses 403; nothing is written.
(
    test_anonymous_callers_get_401,
    test_invalid_tokens_get_401,
    test_wrong_role_or_non_party_gets_403,
) = refusal_tests(ROUTES)


def test_roles_are_checked_before_the_need_is_looked_up(
    client: TestClient, services: Services, cast: Cast
) -> None:
    """Wrong kinds of callers get 403 whether or not the need exists."""
    missing = "/financing-needs/00000000-0000-4000-8000-000000000000"
    with no_new_events(services):
        for account, method, path, body in [
            (cast.verified_bank, "POST", f"{missing}/withdraw", None),
            (cast.verified_bank, "POST", f"{missing}/offers/{cast.offer_id}/accept", None),
            (cast.owner, "POST", f"{missing}/offers", offer_body()),
            (cast.owner, "POST", f"{missing}/offers/{cast.offer_id}/withdraw", None),
            (cast.owner, "POST", f"{missing}/disburse", {"amount": "1"}),
            (cast.bank, "GET", missing, None),
            (cast.bank, "GET", f"{missing}/offers", None),
            (cast.operator, "GET", f"{missing}/matches", None),
        ]:
            kwargs: dict[str, Any] = {"headers": account.auth}
            if body is not None:
                kwargs["json"] = body
            assert_problem(client.request(method, API + path, **kwargs), 403)


def test_authentication_comes_before_validation(
    client: TestClient, services: Services, cast: Cast
) -> None:
    url = f"{API}/financing-needs"
    bad = need_body(amount="-1", colour="red")
    with no_new_events(services):
        assert_problem(client.post(url, json=bad), 401)
        assert_problem(client.post(url, json=bad, headers=cast.verified_bank.auth), 403)
        assert_problem(client.post(url, json=bad, headers=cast.owner.auth), 422, field="amount")


@pytest.mark.parametrize("role", [*ROLES, None])
def test_everyone_reads_bank_products(client: TestClient, cast: Cast, role: str | None) -> None:
    headers = cast.account(role).auth if role else {}
    response = client.get(f"{API}/bank-products", headers=headers)
    assert response.status_code == 200, response.text


def test_an_unverified_bank_once_verified_may_read_and_offer(
    client: TestClient, cast: Cast, operator: Account
) -> None:
    """The same routes by those who may call them (last: the cast's state changes)."""
    bank = cast.bank
    verify = client.post(f"{API}/organizations/{bank.id}/verify", headers=operator.auth)
    assert verify.status_code == 200, verify.text
    need_url = f"{API}/financing-needs/{cast.need_id}"
    assert client.get(need_url, headers=bank.auth).status_code == 200
    assert client.get(f"{API}/financing-needs", headers=bank.auth).status_code == 200
    offered = client.post(f"{need_url}/offers", json=offer_body(), headers=bank.auth)
    assert offered.status_code == 201, offered.text
    own = client.get(f"{need_url}/offers", headers=bank.auth).json()["items"]
    assert [o["id"] for o in own] == [offered.json()["id"]]
    product = client.post(f"{API}/bank-products", json=product_body(), headers=bank.auth)
    assert product.status_code == 201, product.text
    assert client.get(f"{need_url}/matches", headers=cast.owner.auth).status_code == 200
    disbursed = client.post(
        f"{API}/financing-needs/{cast.matched_need_id}/disburse",
        json={"amount": "1.00"},
        headers=cast.matched_bank.auth,
    )
    assert disbursed.status_code == 200, disbursed.text
    withdrawn = client.post(
        f"{need_url}/offers/{cast.offer_id}/withdraw", headers=cast.verified_bank.auth
    )
    assert withdrawn.status_code == 200, withdrawn.text
    accepted = client.post(
        f"{need_url}/offers/{offered.json()['id']}/accept", headers=cast.owner.auth
    )
    assert accepted.status_code == 201, accepted.text
