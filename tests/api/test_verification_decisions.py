"""The operator's verification decision: approve (no body, or `approve: true`) or reject with a
reason that the organization sees until a later approval clears it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from psycopg.sql import SQL, Identifier

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import offer_body, post_need
from tests.api.helpers import API, ZH, assert_problem, events_table, head, is_chinese, no_new_events

REASON = "营业执照照片不清晰，请重新上传 (licence photo unreadable)"


def verify(
    client: TestClient, operator: Account, org_id: str, body: dict[str, Any] | None = None
) -> httpx.Response:
    url = f"{API}/organizations/{org_id}/verify"
    if body is None:
        return client.post(url, headers=operator.auth)
    return client.post(url, json=body, headers=operator.auth)


def event_types(services: Services, org_id: str) -> list[str]:
    query = SQL("SELECT topic FROM {} WHERE originator_id = %s ORDER BY originator_version")
    with services.db.connection() as conn:
        rows = conn.execute(query.format(Identifier(events_table(services))), (org_id,))
        return [row["topic"].rsplit(".", 1)[-1] for row in rows.fetchall()]


def test_a_rejection_keeps_the_bank_unverified_and_shows_the_reason(
    client: TestClient, services: Services, operator: Account
) -> None:
    bank = sign_up(client, "bank")
    response = client.post(
        f"{API}/organizations/{bank.id}/verify",
        json={"approve": False, "reason": REASON},
        headers=operator.auth,
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["verified"] is False
    assert data["rejection_reason"] == REASON
    assert (data["version"], data["position"]) == (2, head(services))
    assert event_types(services, bank.id) == ["Registered", "VerificationRejected"]

    own = client.get(f"{API}/organizations/me", headers=bank.auth).json()
    assert own["verified"] is False
    assert own["rejection_reason"] == REASON
    public = client.get(f"{API}/organizations/{bank.id}").json()
    assert public["verified"] is False and "rejection_reason" not in public


def test_a_rejected_bank_still_may_not_offer(
    client: TestClient, services: Services, operator: Account, enterprise: Account
) -> None:
    bank = sign_up(client, "bank")
    verify(client, operator, bank.id, {"approve": False, "reason": REASON})
    need = post_need(client, enterprise)
    with no_new_events(services):
        offered = client.post(
            f"{API}/financing-needs/{need['id']}/offers", json=offer_body(), headers=bank.auth
        )
        assert_problem(offered, 403)


def test_a_later_approval_clears_the_reason(
    client: TestClient, services: Services, operator: Account
) -> None:
    bank = sign_up(client, "bank")
    verify(client, operator, bank.id, {"approve": False, "reason": "first"})
    again = verify(client, operator, bank.id, {"approve": False, "reason": "second"})
    assert again.json()["rejection_reason"] == "second"
    approved = verify(client, operator, bank.id, {"approve": True})
    assert approved.status_code == 200, approved.text
    assert approved.json()["verified"] is True
    assert approved.json()["rejection_reason"] is None
    own = client.get(f"{API}/organizations/me", headers=bank.auth).json()
    assert own["verified"] is True and own["rejection_reason"] is None
    assert event_types(services, bank.id) == [
        "Registered", "VerificationRejected", "VerificationRejected", "Verified",
    ]  # fmt: skip
    need = post_need(client, sign_up(client))
    offered = client.post(
        f"{API}/financing-needs/{need['id']}/offers", json=offer_body(), headers=bank.auth
    )
    assert offered.status_code == 201, offered.text


def test_no_body_or_approve_true_verifies_as_before(client: TestClient, operator: Account) -> None:
    for body in (None, {"approve": True}, {}):
        bank = sign_up(client, "bank")
        response = verify(client, operator, bank.id, body)
        assert response.status_code == 200, response.text
        assert response.json()["verified"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"approve": False},
        {"approve": False, "reason": None},
        {"approve": False, "reason": ""},
        {"approve": False, "reason": "   "},
        {"approve": False, "reason": "x" * 501},
    ],
    ids=["missing", "null", "empty", "blank", "too long"],
)
def test_a_rejection_needs_a_reason(
    client: TestClient, services: Services, operator: Account, body: dict[str, Any]
) -> None:
    bank = sign_up(client, "bank")
    with no_new_events(services):
        assert_problem(verify(client, operator, bank.id, body), 422, field="reason")


def test_a_reason_of_500_characters_is_enough(client: TestClient, operator: Account) -> None:
    bank = sign_up(client, "bank")
    response = verify(client, operator, bank.id, {"approve": False, "reason": "理" * 500})
    assert response.status_code == 200, response.text


def test_unknown_fields_and_non_boolean_approve_are_422(
    client: TestClient, services: Services, operator: Account
) -> None:
    bank = sign_up(client, "bank")
    with no_new_events(services):
        for body, field in [
            ({"approve": "no", "reason": REASON}, "approve"),
            ({"approve": False, "reason": REASON, "colour": "red"}, "colour"),
        ]:
            assert_problem(verify(client, operator, bank.id, body), 422, field=field)


def test_rejecting_a_verified_organization_is_409(
    client: TestClient, services: Services, operator: Account, enterprise: Account
) -> None:
    with no_new_events(services):
        response = verify(client, operator, enterprise.id, {"approve": False, "reason": REASON})
        assert_problem(response, 409)
        zh = client.post(
            f"{API}/organizations/{enterprise.id}/verify",
            json={"approve": False, "reason": REASON},
            headers={**operator.auth, **ZH},
        )
        assert is_chinese(assert_problem(zh, 409)["detail"])


def test_only_operators_decide_and_unknown_is_404(
    client: TestClient, services: Services, operator: Account, auditor: Account
) -> None:
    bank, other = sign_up(client, "bank"), sign_up(client)
    body = {"approve": False, "reason": REASON}
    url = f"{API}/organizations/{bank.id}/verify"
    with no_new_events(services):
        assert_problem(client.post(url, json=body), 401)
        for caller in (auditor, bank, other):
            assert_problem(client.post(url, json=body, headers=caller.auth), 403)
        unknown = verify(client, operator, str(uuid.uuid4()), body)
        assert_problem(unknown, 404)


def test_staff_see_the_reason_in_the_list_and_the_profile(
    client: TestClient, operator: Account, auditor: Account
) -> None:
    bank = sign_up(client, "bank")
    verify(client, operator, bank.id, {"approve": False, "reason": REASON})
    for staff in (operator, auditor):
        listed = client.get(
            f"{API}/organizations",
            params={"kind": "bank", "verified": "false", "limit": 200},
            headers=staff.auth,
        ).json()["items"]
        mine = next(item for item in listed if item["id"] == bank.id)
        assert mine["rejection_reason"] == REASON and mine["verified"] is False
        profile = client.get(f"{API}/organizations/{bank.id}", headers=staff.auth).json()
        assert profile["rejection_reason"] == REASON
