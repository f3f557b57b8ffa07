"""Who may call what: every route of organizations, sessions, postings and bids, against every
caller that may not call it (anonymous → 401, a wrong role or a non-party → 403)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api import role_matrix
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, bid, no_new_events, publish
from tests.api.role_matrix import (
    Route,
    refusal_tests,
)
from tests.support import bid_body, organization_body, posting_body


@dataclass
class Cast(role_matrix.Cast):
    owner: Account
    bidder: Account
    stranger: Account  # an enterprise that is neither owner nor bidder
    bank: Account
    verified_bank: Account
    operator: Account
    auditor: Account
    posting_id: str
    bid_id: str

    def ids(self) -> dict[str, str]:  # {posting}, {bid}, {org} in the routes' paths
        return {"posting": self.posting_id, "bid": self.bid_id, "org": self.bank.id}


@pytest.fixture(scope="module")
def cast(client: TestClient, operator: Account, auditor: Account) -> Cast:
    owner = sign_up(client)
    bidder = sign_up(client)
    stranger = sign_up(client)
    bank = sign_up(client, "bank")
    verified_bank = sign_up(client, "bank")
    verified = client.post(f"{API}/organizations/{verified_bank.id}/verify", headers=operator.auth)
    assert verified.status_code == 200, verified.text
    posting = publish(client, owner)
    placed = bid(client, bidder, posting["id"])
    return Cast(
        owner,
        bidder,
        stranger,
        bank,
        verified_bank,
        operator,
        auditor,
        posting["id"],
        placed["id"],
    )


STAFF_AND_BANKS = ("bank", "verified_bank", "operator", "auditor")

ROUTES: dict[str, Route] = {
    "verify organization": Route(
        "POST",
        "/organizations/{org}/verify",
        None,
        ("owner", "bidder", "stranger", "bank", "verified_bank", "auditor"),
    ),
    "suspend organization": Route(
        "POST",
        "/organizations/{org}/suspend",
        {"reason": "冒用信用代码"},
        ("owner", "bidder", "stranger", "bank", "verified_bank", "auditor"),
    ),
    "reinstate organization": Route(
        "POST",
        "/organizations/{org}/reinstate",
        {"reason": "已核实"},
        ("owner", "bidder", "stranger", "bank", "verified_bank", "auditor"),
    ),
    "remove posting": Route(
        "POST",
        "/postings/{posting}/remove",
        {"reason": "违法信息"},
        ("owner", "bidder", "stranger", "bank", "verified_bank", "auditor"),
    ),
    "add member": Route(
        "POST",
        "/organizations/me/members",
        {"name": "王晓", "login": "role.matrix", "password": "loan officer 2026"},
        (),
    ),
    "read members": Route("GET", "/organizations/me/members", None, ()),
    "read own organization": Route("GET", "/organizations/me", None, ()),
    "edit own organization": Route("PATCH", "/organizations/me", {"region": "330102"}, ()),
    "log out": Route("DELETE", "/sessions/current", None, ()),
    "change password": Route(
        "POST", "/sessions/password", {"old_password": "wrong", "new_password": "x" * 10}, ()
    ),
    "publish posting": Route("POST", "/postings", posting_body(), STAFF_AND_BANKS),
    "revise posting": Route(
        "PATCH",
        "/postings/{posting}",
        {"title": "改"},
        (*STAFF_AND_BANKS, "bidder", "stranger"),
    ),
    "withdraw posting": Route(
        "POST", "/postings/{posting}/withdraw", None, (*STAFF_AND_BANKS, "bidder", "stranger")
    ),
    "place bid": Route("POST", "/postings/{posting}/bids", bid_body(), (*STAFF_AND_BANKS, "owner")),
    # Staff read sealed bids too (tests/api/test_staff_sealed_reads.py).
    "read bids": Route(
        "GET", "/postings/{posting}/bids", None, ("bank", "verified_bank", "stranger")
    ),
    "withdraw bid": Route(
        "POST",
        "/postings/{posting}/bids/{bid}/withdraw",
        None,
        (*STAFF_AND_BANKS, "owner", "stranger"),
    ),
    "reject bid": Route(
        "POST",
        "/postings/{posting}/bids/{bid}/reject",
        {"reason": "不合适"},
        (*STAFF_AND_BANKS, "bidder", "stranger"),
    ),
    "accept bid": Route(
        "POST",
        "/postings/{posting}/bids/{bid}/accept",
        None,
        (*STAFF_AND_BANKS, "bidder", "stranger"),
    ),
}

# Anonymous callers and invalid tokens get 401, each role a route refuses 403; nothing is written.
(
    test_anonymous_callers_get_401,
    test_invalid_tokens_get_401,
    test_wrong_role_or_non_party_gets_403,
) = refusal_tests(ROUTES)


def test_authentication_comes_before_validation(
    client: TestClient, services: Services, cast: Cast
) -> None:
    """An invalid body from the wrong caller is refused for who calls, not for what is sent."""
    url = f"{API}/postings"
    bad = posting_body(quantity="-1", colour="red")
    with no_new_events(services):
        assert_problem(client.post(url, json=bad), 401)
        assert_problem(client.post(url, json=bad, headers=cast.bank.auth), 403)
        assert_problem(client.post(url, json=bad, headers=cast.owner.auth), 422, field="quantity")


def test_role_is_checked_before_the_posting_is_looked_up(
    client: TestClient, services: Services, cast: Cast
) -> None:
    """A bank gets 403 on enterprise routes whether or not the posting exists."""
    missing = "00000000-0000-4000-8000-000000000000"
    with no_new_events(services):
        for method, path, body in [
            ("PATCH", f"/postings/{missing}", {"title": "改"}),
            ("POST", f"/postings/{missing}/withdraw", None),
            ("POST", f"/postings/{missing}/bids", bid_body()),
            ("POST", f"/postings/{missing}/bids/{missing}/accept", None),
        ]:
            kwargs: dict[str, Any] = {"headers": cast.bank.auth}
            if body is not None:
                kwargs["json"] = body
            assert_problem(client.request(method, API + path, **kwargs), 403)


@pytest.mark.parametrize(
    "role", ["owner", "bidder", "stranger", "bank", "verified_bank", "operator", "auditor"]
)
def test_everyone_may_read_public_routes_and_own_profile(
    client: TestClient, cast: Cast, role: str
) -> None:
    account = cast.account(role)
    me = client.get(f"{API}/organizations/me", headers=account.auth)
    assert me.status_code == 200, me.text
    assert me.json()["id"] == account.id
    assert me.json()["kind"] == account.kind
    for path in (
        f"/organizations/{cast.owner.id}",
        "/postings",
        f"/postings/{cast.posting_id}",
    ):
        assert client.get(API + path, headers=account.auth).status_code == 200, path


def test_anonymous_may_read_public_routes(client: TestClient, cast: Cast) -> None:
    for path in (
        f"/organizations/{cast.owner.id}",
        f"/organizations/{cast.operator.id}",
        "/postings",
        f"/postings/{cast.posting_id}",
    ):
        assert client.get(API + path).status_code == 200, path


def test_staff_kinds_cannot_register_themselves(client: TestClient, services: Services) -> None:
    with no_new_events(services):
        for kind in ("operator", "auditor"):
            response = client.post(f"{API}/organizations", json=organization_body(kind))
            assert_problem(response, 422, field="kind")


def test_allowed_callers_succeed(client: TestClient, cast: Cast, operator: Account) -> None:
    """The same routes, called by those who may (last, since they change the cast's state)."""
    bids = client.get(f"{API}/postings/{cast.posting_id}/bids", headers=cast.owner.auth)
    assert bids.status_code == 200 and len(bids.json()["items"]) == 1
    own = client.get(f"{API}/postings/{cast.posting_id}/bids", headers=cast.bidder.auth)
    assert own.status_code == 200 and len(own.json()["items"]) == 1
    verify = client.post(f"{API}/organizations/{cast.bank.id}/verify", headers=operator.auth)
    assert verify.status_code == 200, verify.text
    accepted = client.post(
        f"{API}/postings/{cast.posting_id}/bids/{cast.bid_id}/accept", headers=cast.owner.auth
    )
    assert accepted.status_code == 201, accepted.text
    logout = client.delete(f"{API}/sessions/current", headers=cast.stranger.auth)
    assert logout.status_code == 204
