"""Binding acts with the password entered again (API.md "Rules changed"): signing a contract
and disbursing a loan take an optional `password`; a wrong one is 403 `reauth_failed`, writes
nothing and counts toward the login throttle of the (credit code, client address) pair."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import NEEDS, accept, make_offer, post_need, verified_bank
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.api.stats_helpers import Deal, make_deal, read_contract
from tests.api.test_members import PASSWORD as MEMBER_PASSWORD
from tests.api.test_members import add, member_account
from tests.support import organization_body

PASSWORD = organization_body()["password"]  # every test account's
WRONG = "not the password"


def sign(client: TestClient, account: Account, deal: Deal, **extra: str) -> httpx.Response:
    digest = read_contract(client, account, deal)["digest"]
    body = {"digest": digest, **extra}
    return client.post(f"{deal.url}/sign", json=body, headers=account.auth)


def log_in(client: TestClient, account: Account) -> httpx.Response:
    body = {"credit_code": account.credit_code, "password": PASSWORD}
    return client.post(f"{API}/sessions", json=body)


def assert_reauth_failed(response: httpx.Response) -> None:
    problem = assert_problem(response, 403)
    assert problem["code"] == "reauth_failed"
    assert "password" in problem["detail"]


@pytest.fixture
def deal(client: TestClient) -> Deal:
    return make_deal(client, sign_up(client), sign_up(client))


def test_signing_with_a_wrong_password_is_403_and_writes_nothing(
    client: TestClient, services: Services, deal: Deal
) -> None:
    with no_new_events(services):
        assert_reauth_failed(sign(client, deal.buyer, deal, password=WRONG))
        zh = client.post(
            f"{deal.url}/sign",
            json={"digest": read_contract(client, deal.buyer, deal)["digest"], "password": WRONG},
            headers={**deal.buyer.auth, **ZH},
        )
        assert is_chinese(assert_problem(zh, 403)["detail"])
    assert read_contract(client, deal.buyer, deal)["parties"][0]["signed_at"] is None
    signed = sign(client, deal.buyer, deal, password=PASSWORD)
    assert signed.status_code == 200, signed.text
    both = sign(client, deal.seller, deal)  # the password stays optional
    assert both.status_code == 200, both.text
    assert both.json()["status"] == "signed"


def test_an_empty_password_is_422_on_the_field(client: TestClient, deal: Deal) -> None:
    assert_problem(sign(client, deal.buyer, deal, password=""), 422, field="password")


def test_disbursing_needs_the_signed_contract_and_the_right_password(
    client: TestClient, services: Services, operator: Account
) -> None:
    owner, bank = sign_up(client), verified_bank(client, operator)
    need = post_need(client, owner)
    accepted = accept(client, owner, need["id"], make_offer(client, bank, need["id"])["id"])
    url = f"{NEEDS}/{need['id']}/disburse"
    loan = Deal(accepted["contract_id"], "", "", accepted["position"], bank, owner, {})
    with no_new_events(services):
        early = client.post(url, json={"amount": "1", "password": PASSWORD}, headers=bank.auth)
        assert "not signed" in assert_problem(early, 409)["detail"]
    for party in (bank, owner):
        assert sign(client, party, loan, password=PASSWORD).status_code == 200
    with no_new_events(services):
        wrong = client.post(url, json={"amount": "1", "password": WRONG}, headers=bank.auth)
        assert_reauth_failed(wrong)
    paid = client.post(url, json={"amount": "1", "password": PASSWORD}, headers=bank.auth)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "disbursed"


def test_wrong_passwords_count_toward_the_login_throttle(
    client: TestClient, services: Services, deal: Deal
) -> None:
    """Five failures in the window (the login limit): the sixth try, and a login, are 429."""
    with no_new_events(services):
        for _ in range(5):
            assert_reauth_failed(sign(client, deal.buyer, deal, password=WRONG))
        throttled = assert_problem(sign(client, deal.buyer, deal, password=PASSWORD), 429)
        assert throttled["code"] == "too_many_attempts"
        assert_problem(log_in(client, deal.buyer), 429)
    assert log_in(client, deal.seller).status_code == 201  # another code is not locked


def test_a_right_password_gives_its_attempt_back(
    client: TestClient, services: Services, deal: Deal
) -> None:
    for _ in range(4):
        assert_reauth_failed(sign(client, deal.buyer, deal, password=WRONG))
    assert log_in(client, deal.buyer).status_code == 201  # 5th attempt, given back
    assert sign(client, deal.buyer, deal, password=PASSWORD).status_code == 200  # given back
    with no_new_events(services):
        assert_reauth_failed(sign(client, deal.seller, deal, password=WRONG))
        assert_reauth_failed(sign(client, deal.buyer, deal, password=WRONG))  # the 5th failure
        assert_problem(sign(client, deal.buyer, deal, password=WRONG), 429)


def test_a_member_re_enters_its_own_password_not_the_first_admins(
    client: TestClient, services: Services, deal: Deal
) -> None:
    officer = add(client, deal.buyer, "buyer.officer", role="admin")
    member = member_account(client, deal.buyer, "buyer.officer")
    with no_new_events(services):
        assert_reauth_failed(sign(client, member, deal, password=PASSWORD))  # the first admin's
    signed = sign(client, member, deal, password=MEMBER_PASSWORD)
    assert signed.status_code == 200, signed.text
    # With the first admin (and its credit-code password) gone, members still sign.
    members = client.get(f"{API}/organizations/me/members", headers=member.auth).json()
    first = next(m["id"] for m in members["items"] if m["id"] != officer["id"])
    gone = client.post(f"{API}/organizations/me/members/{first}/disable", headers=member.auth)
    assert gone.status_code == 200, gone.text
    other = make_deal(client, member, sign_up(client))
    again = sign(client, member, other, password=MEMBER_PASSWORD)
    assert again.status_code == 200, again.text
