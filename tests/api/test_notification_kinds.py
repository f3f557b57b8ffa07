"""The workbench's service request, exhibition, verification and policy kinds (API.md,
"Workbench"): each from the event that should produce it, for the right organizations only;
to-dos done by the event that answers them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, eventually
from tests.api.service_request_helpers import act, dispatched, verified_provider
from tests.api.test_notifications import inbox, of_kind
from tests.api.test_policies import publish as publish_policy


def kinds(client: TestClient, account: Account) -> list[str]:
    return [n["kind"] for n in inbox(client, account)]


def test_a_service_request_notifies_provider_and_enterprise(
    client: TestClient, operator: Account
) -> None:
    enterprise, bystander = sign_up(client), sign_up(client)
    firm, other_firm = (verified_provider(client, operator, "legal") for _ in range(2))
    request = dispatched(client, enterprise, operator, firm, title="劳动合同模板审查")
    rid = request["id"]

    [to_accept] = of_kind(client, firm, "service_request_dispatched")
    assert to_accept["subject"] == {"type": "service_request", "id": rid}
    assert to_accept["title"]["zh"] == "新派单待受理：劳动合同模板审查"
    assert to_accept["action_required"] and to_accept["done_at"] is None
    assert datetime.fromisoformat(to_accept["due_at"]) == datetime.fromisoformat(
        request["accept_by"]
    )
    assert kinds(client, enterprise) == ["service_request_update"]  # an operator dispatched it
    assert kinds(client, other_firm) == ["verification_decided"]  # its own verification only
    assert inbox(client, bystander) == []

    act(client, firm, rid, "accept")
    assert of_kind(client, firm, "service_request_dispatched")[0]["done_at"] is not None
    act(client, firm, rid, "notes", {"text": "已联系企业"})
    act(client, enterprise, rid, "notes", {"text": "谢谢"})  # its own note: no notification
    assert kinds(client, enterprise) == ["service_request_update"] * 3

    act(client, firm, rid, "resolve", {"summary": "已出具审查意见书"})
    [rate] = of_kind(client, enterprise, "service_request_resolved")
    assert rate["action_required"] and rate["done_at"] is None
    assert rate["title"]["en"] == "Service resolved, rate it: 劳动合同模板审查"
    act(client, enterprise, rid, "feedback", {"satisfaction": 5, "resolved": True})
    assert of_kind(client, enterprise, "service_request_resolved")[0]["done_at"] is not None
    assert of_kind(client, firm, "service_request_resolved") == []
    assert kinds(client, other_firm) == ["verification_decided"]
    assert inbox(client, bystander) == []


def test_an_overdue_request_notifies_its_provider_and_the_operators(
    client: TestClient,
    services: Services,
    operator: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enterprise = sign_up(client)
    firm = verified_provider(client, operator, "legal")
    request = dispatched(client, enterprise, operator, firm)
    late = datetime.fromisoformat(request["accept_by"]) + timedelta(hours=1)
    monkeypatch.setattr(services.app, "clock", lambda: late)
    assert services.scheduler is not None
    services.scheduler.tick()

    def notified(account: Account) -> Callable[[], bool]:
        return lambda: any(
            n["subject"]["id"] == request["id"]
            for n in of_kind(client, account, "service_request_overdue")
        )

    assert eventually(notified(firm), timeout=15)
    assert eventually(notified(operator), timeout=15)
    [overdue] = [n for n in of_kind(client, firm, "service_request_overdue")]
    assert overdue["title"]["en"].startswith("Service request overdue: ")
    assert of_kind(client, enterprise, "service_request_overdue") == []


def test_verification_decisions_go_to_the_organization(
    client: TestClient, operator: Account
) -> None:
    approved, rejected = sign_up(client, "bank"), sign_up(client, "bank")
    verify = f"{API}/organizations/{approved.id}/verify"
    assert client.post(verify, headers=operator.auth).status_code == 200
    body = {"approve": False, "reason": "营业执照不清晰"}
    refused = client.post(f"{API}/organizations/{rejected.id}/verify", json=body,
                          headers=operator.auth)  # fmt: skip
    assert refused.status_code == 200, refused.text
    [yes] = inbox(client, approved)
    assert yes["kind"] == "verification_decided"
    assert yes["subject"] == {"type": "organization", "id": approved.id}
    assert yes["title"] == {"zh": f"认证结果：已通过（{approved.name}）",
                            "en": f"Verification decided: approved ({approved.name})"}  # fmt: skip
    [no] = inbox(client, rejected)
    assert no["title"]["en"] == f"Verification decided: rejected ({rejected.name})"
    assert "verification_decided" not in kinds(client, operator)


def schedule(client: TestClient, operator: Account, capacity: int) -> str:
    starts_at = datetime.now(UTC) + timedelta(days=14)
    body = {
        "name": "2026 杭州中小企业产品交易博览会",
        "venue": "杭州国际博览中心 B 馆",
        "online": False,
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(days=2)).isoformat(),
        "capacity": capacity,
        "signup_deadline": (starts_at - timedelta(days=3)).isoformat(),
    }
    response = client.post(f"{API}/exhibitions", json=body, headers=operator.auth)
    assert response.status_code == 201, response.text
    exhibition_id: str = response.json()["id"]
    return exhibition_id


def test_a_promoted_signup_and_a_cancelled_exhibition(
    client: TestClient, operator: Account
) -> None:
    first, second, third, outsider = (sign_up(client) for _ in range(4))
    exhibition_id = schedule(client, operator, capacity=1)
    url = f"{API}/exhibitions/{exhibition_id}/signups"
    for enterprise in (first, second, third):
        assert client.post(url, headers=enterprise.auth).status_code == 201
    left = client.delete(f"{url}/{first.id}", headers=first.auth)
    assert left.status_code == 200, left.text
    [promoted] = inbox(client, second)
    assert promoted["kind"] == "signup_promoted"
    assert promoted["subject"] == {"type": "exhibition", "id": exhibition_id}
    assert promoted["title"]["zh"] == "候补转为正式报名：2026 杭州中小企业产品交易博览会"
    assert inbox(client, third) == [] and inbox(client, first) == []

    cancel = {"reason": "场馆检修"}
    cancelled = client.post(f"{API}/exhibitions/{exhibition_id}/cancel", json=cancel,
                            headers=operator.auth)  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    for enterprise in (second, third):  # confirmed and waitlisted alike
        assert of_kind(client, enterprise, "exhibition_cancelled")[0]["subject"]["id"] == (
            exhibition_id
        )
    assert inbox(client, first) == [] and inbox(client, outsider) == []


def test_a_policy_reaches_the_enterprises_it_targets_then_and_later(
    client: TestClient, operator: Account
) -> None:
    region = "65"  # Xinjiang: no other enterprise of this module is there
    inside = sign_up(client, region=f"{region}0102")
    other_industry = sign_up(client, region=f"{region}0102", industry="A01")
    outside = sign_up(client, region="110101")
    policy: dict[str, Any] = publish_policy(
        client, operator, title="数字化转型补贴", regions=[region], industries=["C39"]
    )
    [news] = inbox(client, inside)
    assert news["kind"] == "policy_published" and not news["action_required"]
    assert news["subject"] == {"type": "policy", "id": policy["id"]}
    assert news["title"] == {"zh": "新政策：数字化转型补贴", "en": "New policy: 数字化转型补贴"}
    assert inbox(client, other_industry) == [] and inbox(client, outside) == []

    later = sign_up(client, region=f"{region}0203")
    assert [n["subject"]["id"] for n in inbox(client, later)] == [policy["id"]]
    assert inbox(client, sign_up(client, region="110101")) == []

    withdrawn = client.post(f"{API}/policies/{policy['id']}/withdraw", headers=operator.auth)
    assert withdrawn.status_code == 200, withdrawn.text
    assert inbox(client, sign_up(client, region=f"{region}0203")) == []
