"""The staff list of organizations: who may read it, filters, paging, read-your-writes."""

from __future__ import annotations

import random
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.support import organization_body

LIST = f"{API}/organizations"


def register_bank(client: TestClient) -> dict[str, Any]:
    created = client.post(LIST, json=organization_body("bank"))
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()
    return data


def every_item(client: TestClient, who: Account, **params: Any) -> list[dict[str, Any]]:
    """All pages of the list, following `next_cursor`."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = client.get(LIST, params=query, headers=who.auth)
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


@pytest.fixture(scope="module")
def banks(client: TestClient) -> list[dict[str, Any]]:
    """Three unverified banks, registered in this order."""
    return [register_bank(client) for _ in range(3)]


# Who may read it ---------------------------------------------------------------------------


def test_operators_and_auditors_read_the_list(
    client: TestClient, operator: Account, auditor: Account, banks: list[dict[str, Any]]
) -> None:
    for who in (operator, auditor):
        response = client.get(LIST, params={"kind": "bank"}, headers=who.auth)
        assert response.status_code == 200, response.text
        assert set(ids(banks)) <= set(ids(response.json()["items"]))


def test_anonymous_callers_are_401_and_members_403(
    client: TestClient, services: Services, enterprise: Account
) -> None:
    bank = sign_up(client, "bank")
    with no_new_events(services):
        assert_problem(client.get(LIST), 401)
        assert_problem(client.get(LIST, params={"kind": "bank"}), 401)
        assert_problem(client.get(LIST, headers=enterprise.auth), 403)
        assert_problem(client.get(LIST, params={"verified": "false"}, headers=bank.auth), 403)
    zh = assert_problem(client.get(LIST, headers={**enterprise.auth, **ZH}), 403)
    assert is_chinese(zh["detail"])


def test_refused_callers_do_not_wait_for_min_position(
    client: TestClient, enterprise: Account
) -> None:
    far_ahead = {"min_position": 10**12}
    assert_problem(client.get(LIST, params=far_ahead), 401)
    assert_problem(client.get(LIST, params=far_ahead, headers=enterprise.auth), 403)


# What it shows -----------------------------------------------------------------------------


def test_items_are_public_profiles_without_contact_or_password(
    client: TestClient, operator: Account
) -> None:
    body = organization_body(
        contact={"name": "李经理", "phone": "13800000000", "email": "li@example.com"}
    )
    created = client.post(LIST, json=body)
    assert created.status_code == 201, created.text
    items = client.get(LIST, params={"kind": "enterprise"}, headers=operator.auth).json()["items"]
    mine = next(item for item in items if item["id"] == created.json()["id"])
    assert mine["name"] == body["name"]
    assert mine["credit_code"] == body["credit_code"]
    assert mine["region"] == "330106"
    assert mine["industry"] == "C39"
    assert mine["verified"] is True
    assert mine["registered_at"]
    assert "contact" not in mine and "password" not in mine
    assert "李经理" not in str(items) and body["password"] not in str(items)


def test_newest_first(client: TestClient, operator: Account, banks: list[dict[str, Any]]) -> None:
    listed = ids(every_item(client, operator, kind="bank", verified="false"))
    positions = [listed.index(bank["id"]) for bank in banks]
    assert positions == sorted(positions, reverse=True), positions


def test_kind_filter(client: TestClient, operator: Account, banks: list[dict[str, Any]]) -> None:
    enterprises = every_item(client, operator, kind="enterprise")
    assert enterprises and all(item["kind"] == "enterprise" for item in enterprises)
    assert not set(ids(banks)) & set(ids(enterprises))
    staff = every_item(client, operator, kind="operator")
    assert operator.id in ids(staff)
    everyone = ids(every_item(client, operator))
    assert set(ids(banks)) | {operator.id} <= set(everyone)


def test_a_verified_bank_drops_out_of_the_waiting_list(
    client: TestClient, operator: Account, auditor: Account
) -> None:
    bank = register_bank(client)
    waiting = ids(every_item(client, operator, kind="bank", verified="false"))
    assert bank["id"] in waiting
    verified = client.post(f"{LIST}/{bank['id']}/verify", headers=operator.auth)
    assert verified.status_code == 200, verified.text
    # Read-your-writes: the position of the verification, as a browser tab would send it.
    after = {"min_position": verified.json()["position"]}
    waiting = ids(every_item(client, auditor, kind="bank", verified="false", **after))
    assert bank["id"] not in waiting
    done = every_item(client, auditor, kind="bank", verified="true", **after)
    assert bank["id"] in ids(done)
    assert all(item["verified"] is True for item in done)


def test_the_list_waits_for_min_position(client: TestClient, operator: Account) -> None:
    created = client.post(LIST, json=organization_body("bank"))
    position = created.json()["position"]
    page = client.get(
        LIST,
        params={"kind": "bank", "verified": "false", "min_position": position},
        headers=operator.auth,
    )
    assert page.status_code == 200, page.text
    assert created.json()["id"] in ids(page.json()["items"])


# Paging ------------------------------------------------------------------------------------


def test_paging_hands_out_every_organization_once(
    client: TestClient, operator: Account, banks: list[dict[str, Any]]
) -> None:
    whole = ids(every_item(client, operator, kind="bank"))
    paged = ids(every_item(client, operator, kind="bank", limit=2))
    assert paged == whole
    assert len(set(paged)) == len(paged)
    assert set(ids(banks)) <= set(paged)


def test_a_full_first_page_has_a_cursor_and_the_last_none(
    client: TestClient, operator: Account, banks: list[dict[str, Any]]
) -> None:
    first = client.get(LIST, params={"kind": "bank", "limit": 1}, headers=operator.auth).json()
    assert len(first["items"]) == 1
    assert isinstance(first["next_cursor"], str) and first["next_cursor"]
    total = len(every_item(client, operator, kind="bank"))
    last = client.get(LIST, params={"kind": "bank", "limit": 200}, headers=operator.auth).json()
    assert len(last["items"]) == total
    assert last["next_cursor"] is None


# Bad query values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "government"}, "kind"),
        ({"verified": "perhaps"}, "verified"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "cDEyMw"}, "cursor"),  # a cursor of another list ("p123")
        ({"min_position": "-1"}, "min_position"),
    ],
)
def test_bad_query_values_are_422(
    client: TestClient, operator: Account, params: dict[str, str], field: str
) -> None:
    assert_problem(client.get(LIST, params=params, headers=operator.auth), 422, field=field)


def test_q_finds_an_organization_by_words_of_its_name_or_its_credit_code(
    client: TestClient, operator: Account
) -> None:
    tag = f"{random.randrange(10**9):09d}"
    steel = client.post(LIST, json=organization_body(name=f"杭州 Steel 钢铁 {tag}")).json()
    other = client.post(LIST, json=organization_body(name=f"宁波纺织 {tag}")).json()
    assert ids(every_item(client, operator, q=f"steel {tag}")) == [steel["id"]]
    assert ids(every_item(client, operator, q=f"钢铁 {tag}")) == [steel["id"]]
    assert set(ids(every_item(client, operator, q=tag))) == {steel["id"], other["id"]}
    code = other["credit_code"]
    assert ids(every_item(client, operator, q=code.lower())) == [other["id"]]
    assert ids(every_item(client, operator, q=code[:15])) == [other["id"]]
    # LIKE's wildcards are matched as written, not as wildcards.
    assert every_item(client, operator, q=f"%{tag}") == []
    assert every_item(client, operator, q=f"宁波_织 {tag}") == []
