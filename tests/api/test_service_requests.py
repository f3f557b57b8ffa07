"""Service requests (诉求 → 派单 → 签收 → 办结 → 回访): every status transition, the deadlines the
steps set, product orders, re-dispatch, and the timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.service_request_helpers import (
    accepted,
    act,
    dispatched,
    read,
    resolved,
    submit,
    verified_provider,
)

HOUR = timedelta(hours=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def enterprise(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def law_firm(client: TestClient, operator: Account) -> Account:
    return verified_provider(client, operator, "legal", "business")


@pytest.fixture(scope="module")
def other_law_firm(client: TestClient, operator: Account) -> Account:
    return verified_provider(client, operator, "legal")


def test_the_whole_loop_closes_with_a_timeline(
    client: TestClient, enterprise: Account, operator: Account, law_firm: Account
) -> None:
    request = submit(client, enterprise)
    assert request["status"] == "submitted" and request["provider"] is None
    assert request["region"] == "330106"  # the enterprise's
    assert request["enterprise"] == {"id": enterprise.id, "name": enterprise.name}
    rid = request["id"]
    note = {"provider_id": law_firm.id, "note": "请三日内联系企业"}
    sent = act(client, operator, rid, "dispatch", note)
    assert sent["status"] == "dispatched"
    assert sent["provider"] == {"id": law_firm.id, "name": law_firm.name}
    assert at(sent["accept_by"]) - at(sent["dispatched_at"]) == 24 * HOUR
    signed = act(client, law_firm, rid, "accept")
    assert signed["status"] == "accepted"
    assert at(signed["resolve_by"]) - at(signed["accepted_at"]) == 72 * HOUR  # timely
    for account, text in ((enterprise, "合同已上传"), (law_firm, "已收到"), (operator, "请跟进")):
        written = act(client, account, rid, "notes", {"text": text})
        assert written["text"] == text and written["by"]["kind"] == account.kind
    done = act(client, law_firm, rid, "resolve", {"summary": "已出具审查意见书"})
    assert done["status"] == "resolved" and done["resolved_at"]
    closed = act(client, enterprise, rid, "feedback", {"satisfaction": 5, "resolved": True})
    assert closed["status"] == "closed" and closed["satisfaction"] == 5 and closed["closed_at"]
    timeline = read(client, enterprise, rid)["timeline"]
    assert [step["type"] for step in timeline] == [
        "submitted",
        "dispatched",
        "accepted",
        "note",
        "note",
        "note",
        "resolved",
        "feedback",
        "closed",
    ]
    assert timeline[1]["by"] == {"id": operator.id, "name": operator.name, "kind": "operator"}
    assert timeline[1]["text"] == "请三日内联系企业"
    assert timeline[2]["by"]["id"] == law_firm.id
    assert timeline[6]["text"] == "已出具审查意见书"
    assert timeline[7]["details"]["satisfaction"] == 5 and not timeline[7]["details"]["reopened"]


@pytest.mark.parametrize(("satisfaction", "solved"), [(2, True), (4, False)])
def test_unsatisfied_or_unresolved_feedback_reopens_with_a_new_deadline(
    client: TestClient,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    satisfaction: int,
    solved: bool,
) -> None:
    rid = resolved(client, enterprise, operator, law_firm)["id"]
    body = {"satisfaction": satisfaction, "resolved": solved, "comment": "问题未解决"}
    reopened = act(client, enterprise, rid, "feedback", body)
    assert reopened["status"] == "reopened" and reopened["resolved_at"] is None
    again = act(client, law_firm, rid, "resolve", {"summary": "补充意见"})
    assert again["status"] == "resolved"
    closed = act(client, enterprise, rid, "feedback", {"satisfaction": 4, "resolved": True})
    assert closed["status"] == "closed"
    types = [step["type"] for step in read(client, operator, rid)["timeline"]]
    assert (
        types[-5:] == ["feedback", "resolved", "feedback", "closed"][-5:]
        or types.count("resolved") == 2
    )


def test_a_reopened_request_gets_a_new_resolve_by(
    client: TestClient,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rid = resolved(client, enterprise, operator, law_firm)["id"]
    later = services.app.clock() + 10 * HOUR
    monkeypatch.setattr(services.app, "clock", lambda: later)
    reopened = act(client, enterprise, rid, "feedback", {"satisfaction": 1, "resolved": False})
    assert at(reopened["resolve_by"]) == later + 72 * HOUR


def test_a_product_order_starts_dispatched_to_the_products_provider(
    client: TestClient, enterprise: Account, law_firm: Account
) -> None:
    product = client.post(
        "/api/v1/service-products",
        json={
            "name": "合同审查",
            "category": "legal",
            "pricing": "free",
            "regions": ["33"],
            "response_hours": 8,
        },
        headers=law_firm.auth,
    ).json()
    body: dict[str, Any] = {"product_id": product["id"]}
    request = submit(client, enterprise, **body, category=None)
    assert request["status"] == "dispatched" and request["category"] == "legal"
    assert request["provider"]["id"] == law_firm.id and request["product_id"] == product["id"]
    assert at(request["accept_by"]) - at(request["dispatched_at"]) == 8 * HOUR
    timeline = read(client, law_firm, request["id"])["timeline"]
    assert [s["type"] for s in timeline] == ["submitted", "dispatched"]
    assert timeline[1]["by"]["id"] == enterprise.id  # ordered directly, no operator


def test_a_returned_request_goes_back_to_the_operator(
    client: TestClient,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    other_law_firm: Account,
) -> None:
    for _ in range(2):  # returned twice: each time back with the operator
        rid = dispatched(client, enterprise, operator, law_firm)["id"]
        back = act(client, law_firm, rid, "return", {"reason": "利益冲突，无法承接"})
        assert back["status"] == "submitted" and back["provider"] is None
        assert back["accept_by"] is None and back["resolve_by"] is None
        again = act(client, operator, rid, "dispatch", {"provider_id": other_law_firm.id})
        assert again["status"] == "dispatched"
        assert act(client, other_law_firm, rid, "accept")["status"] == "accepted"
        steps = read(client, operator, rid)["timeline"]
        returned = [s for s in steps if s["type"] == "returned"]
        assert returned[0]["text"] == "利益冲突，无法承接"


def test_a_dispatched_request_is_redispatched_at_any_time(
    client: TestClient,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    other_law_firm: Account,
) -> None:
    rid = dispatched(client, enterprise, operator, law_firm)["id"]
    moved = act(client, operator, rid, "dispatch", {"provider_id": other_law_firm.id})
    assert moved["provider"]["id"] == other_law_firm.id
    assert act(client, other_law_firm, rid, "accept")["status"] == "accepted"


def test_an_accepted_request_is_redispatched_once_overdue(
    client: TestClient,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    other_law_firm: Account,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = accepted(client, enterprise, operator, law_firm)
    body = {"provider_id": other_law_firm.id}
    early = client.post(
        f"/api/v1/service-requests/{request['id']}/dispatch", json=body, headers=operator.auth
    )
    assert early.status_code == 409, early.text
    later = at(request["resolve_by"]) + HOUR
    monkeypatch.setattr(services.app, "clock", lambda: later)
    moved = act(client, operator, request["id"], "dispatch", body)
    assert moved["status"] == "dispatched" and moved["provider"]["id"] == other_law_firm.id


def test_withdrawn_from_every_open_status(
    client: TestClient, enterprise: Account, operator: Account, law_firm: Account
) -> None:
    reopened = resolved(client, enterprise, operator, law_firm)
    act(client, enterprise, reopened["id"], "feedback", {"satisfaction": 1, "resolved": False})
    requests = [
        submit(client, enterprise),
        dispatched(client, enterprise, operator, law_firm),
        accepted(client, enterprise, operator, law_firm),
        reopened,
    ]
    for request in requests:
        gone = act(client, enterprise, request["id"], "withdraw", {"reason": "已自行解决"})
        assert gone["status"] == "withdrawn" and gone["closed_at"]
    plain = submit(client, enterprise)
    assert act(client, enterprise, plain["id"], "withdraw")["status"] == "withdrawn"


def test_a_product_shows_the_requests_it_completed_and_their_satisfaction(
    client: TestClient, enterprise: Account, operator: Account
) -> None:
    provider = verified_provider(client, operator, "legal")
    created = client.post(
        "/api/v1/service-products",
        json={
            "name": "劳动合同审查",
            "category": "legal",
            "pricing": "discounted",
            "price": "300",
            "unit": "份",
            "regions": ["33"],
            "response_hours": 8,
        },
        headers=provider.auth,
    )
    assert created.status_code == 201, created.text
    product = created.json()
    assert (product["completed_requests"], product["satisfaction"]) == (
        0,
        {"count": 0, "mean": None},
    )

    def order() -> str:
        request_id: str = submit(client, enterprise, product_id=product["id"], category=None)["id"]
        act(client, provider, request_id, "accept")
        act(client, provider, request_id, "resolve", {"summary": "已出具审查意见"})
        return request_id

    first, second, third = order(), order(), order()
    act(client, enterprise, first, "feedback", {"satisfaction": 5, "resolved": True})
    last = act(client, enterprise, second, "feedback", {"satisfaction": 4, "resolved": True})
    # One more ordered, still open: not completed.
    submit(client, enterprise, product_id=product["id"], category=None)
    params = {"min_position": last["position"]}
    shown = client.get(f"/api/v1/service-products/{product['id']}", params=params).json()
    assert shown["completed_requests"] == 3  # two closed with feedback, one resolved
    assert shown["satisfaction"]["count"] == 2
    assert float(shown["satisfaction"]["mean"]) == 4.5
    listed = client.get(
        "/api/v1/service-products", params={"provider": provider.id, **params}
    ).json()["items"]
    assert [(p["completed_requests"], p["satisfaction"]["count"]) for p in listed] == [(3, 2)]
    # Reopened (satisfaction 1): no longer completed until resolved again.
    act(client, enterprise, third, "feedback", {"satisfaction": 1, "resolved": False})
    reopened = act(client, enterprise, third, "notes", {"text": "问题仍未解决"})
    params = {"min_position": reopened["position"]}
    shown = client.get(f"/api/v1/service-products/{product['id']}", params=params).json()
    assert shown["completed_requests"] == 2
    assert shown["satisfaction"]["count"] == 3
    assert float(shown["satisfaction"]["mean"]) == pytest.approx(3.33)
