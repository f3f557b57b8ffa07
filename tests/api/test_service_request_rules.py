"""Service requests refused: a wrong state is 409, bad input a field-named 422, a product or
provider that cannot take the request a 422 on its id; none writes an event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import ZH, assert_problem, is_chinese, no_new_events
from tests.api.service_request_helpers import (
    REQUESTS,
    accepted,
    act,
    dispatched,
    post,
    request_body,
    resolved,
    submit,
    verified_provider,
)

Make = Callable[[], dict[str, Any]]


@pytest.fixture(scope="module")
def enterprise(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def law_firm(client: TestClient, operator: Account) -> Account:
    return verified_provider(client, operator, "legal")


@pytest.fixture(scope="module")
def lab(client: TestClient, operator: Account) -> Account:
    return verified_provider(client, operator, "testing_inspection")


@pytest.fixture(scope="module")
def states(
    client: TestClient, enterprise: Account, operator: Account, law_firm: Account
) -> dict[str, Make]:
    """Makers of a request in each status."""

    def closed() -> dict[str, Any]:
        rid = resolved(client, enterprise, operator, law_firm)["id"]
        return act(client, enterprise, rid, "feedback", {"satisfaction": 5, "resolved": True})

    def withdrawn() -> dict[str, Any]:
        return act(client, enterprise, submit(client, enterprise)["id"], "withdraw")

    return {
        "submitted": lambda: submit(client, enterprise),
        "dispatched": lambda: dispatched(client, enterprise, operator, law_firm),
        "accepted": lambda: accepted(client, enterprise, operator, law_firm),
        "resolved": lambda: resolved(client, enterprise, operator, law_firm),
        "closed": closed,
        "withdrawn": withdrawn,
    }


# (status, who acts, action, body): not allowed in that status.
CONFLICTS = [
    ("accepted", "law_firm", "accept", None),
    ("resolved", "law_firm", "accept", None),
    ("dispatched", "law_firm", "resolve", {"summary": "已办结"}),
    ("resolved", "law_firm", "resolve", {"summary": "已办结"}),
    ("accepted", "law_firm", "return", {"reason": "无法办理"}),  # signed for (签收)
    ("resolved", "law_firm", "return", {"reason": "无法办理"}),
    ("closed", "law_firm", "return", {"reason": "无法办理"}),
    ("submitted", "enterprise", "feedback", {"satisfaction": 5, "resolved": True}),
    ("accepted", "enterprise", "feedback", {"satisfaction": 5, "resolved": True}),
    ("closed", "enterprise", "feedback", {"satisfaction": 5, "resolved": True}),
    ("resolved", "enterprise", "withdraw", None),
    ("closed", "enterprise", "withdraw", None),
    ("withdrawn", "enterprise", "withdraw", None),
    ("resolved", "operator", "dispatch", "other"),
    ("closed", "operator", "dispatch", "other"),
    ("withdrawn", "operator", "dispatch", "other"),
    ("accepted", "operator", "dispatch", "other"),  # not overdue yet
    ("dispatched", "operator", "dispatch", "same"),  # already its provider
    ("closed", "enterprise", "notes", {"text": "还在吗"}),
    ("withdrawn", "operator", "notes", {"text": "还在吗"}),
]


@pytest.mark.parametrize(("status", "who", "action", "body"), CONFLICTS)
def test_an_action_in_the_wrong_status_is_409_and_writes_nothing(
    client: TestClient,
    services: Services,
    states: dict[str, Make],
    request: pytest.FixtureRequest,
    law_firm: Account,
    status: str,
    who: str,
    action: str,
    body: Any,
) -> None:
    subject = states[status]()
    assert subject["status"] == status
    if body in ("other", "same"):
        other = verified_provider(client, request.getfixturevalue("operator"), "legal")
        body = {"provider_id": (other if body == "other" else law_firm).id}
    account: Account = request.getfixturevalue(who)
    with no_new_events(services):
        response = post(client, account, subject["id"], action, body)
    assert_problem(response, 409)


def test_an_unknown_request_is_404(
    client: TestClient, operator: Account, law_firm: Account
) -> None:
    missing = str(uuid4())
    assert_problem(post(client, law_firm, missing, "accept"), 404)
    assert_problem(client.get(f"{REQUESTS}/{missing}", headers=operator.auth), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 121}, "title"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"urgency": "asap"}, "urgency"),
        ({"category": "cooking"}, "category"),
        ({"category": None}, "category"),
        ({"region": "999999"}, "region"),
        ({"product_id": "not-a-uuid"}, "product_id"),
        ({"title": "bad\x00title"}, "title"),
        ({"provider_id": str(uuid4())}, "provider_id"),
    ],
)
def test_a_bad_request_body_is_422_on_its_field(
    client: TestClient, services: Services, enterprise: Account, body: dict[str, Any], field: str
) -> None:
    with no_new_events(services):
        response = client.post(REQUESTS, json=request_body(**body), headers=enterprise.auth)
    assert_problem(response, 422, field=field)


def test_messages_name_the_field_in_chinese(client: TestClient, enterprise: Account) -> None:
    response = client.post(
        REQUESTS, json=request_body(urgency="asap"), headers={**enterprise.auth, **ZH}
    )
    problem = assert_problem(response, 422, field="urgency")
    assert (
        is_chinese(problem["errors"][0]["message"])
        and "紧急程度" in problem["errors"][0]["message"]
    )


@pytest.mark.parametrize(
    ("status", "who", "action", "body", "field"),
    [
        ("dispatched", "law_firm", "return", {"reason": ""}, "reason"),
        ("dispatched", "law_firm", "return", {"reason": "x" * 501}, "reason"),
        ("dispatched", "law_firm", "return", None, "body"),
        ("accepted", "law_firm", "resolve", {"summary": ""}, "summary"),
        ("accepted", "law_firm", "resolve", {"summary": "x" * 2001}, "summary"),
        ("accepted", "enterprise", "notes", {"text": ""}, "text"),
        ("accepted", "enterprise", "notes", {"text": "x" * 2001}, "text"),
        (
            "resolved",
            "enterprise",
            "feedback",
            {"satisfaction": 0, "resolved": True},
            "satisfaction",
        ),
        (
            "resolved",
            "enterprise",
            "feedback",
            {"satisfaction": 6, "resolved": True},
            "satisfaction",
        ),
        ("resolved", "enterprise", "feedback", {"satisfaction": 5}, "resolved"),
        (
            "resolved",
            "enterprise",
            "feedback",
            {"satisfaction": 5, "resolved": True, "comment": "x" * 1001},
            "comment",
        ),
        ("submitted", "enterprise", "withdraw", {"reason": "x" * 501}, "reason"),
        ("submitted", "operator", "dispatch", {"provider_id": "nope"}, "provider_id"),
        ("submitted", "operator", "dispatch", {}, "provider_id"),
    ],
)
def test_a_bad_step_body_is_422_on_its_field(
    client: TestClient,
    services: Services,
    states: dict[str, Make],
    request: pytest.FixtureRequest,
    status: str,
    who: str,
    action: str,
    body: Any,
    field: str,
) -> None:
    subject = states[status]()
    account: Account = request.getfixturevalue(who)
    with no_new_events(services):
        response = post(client, account, subject["id"], action, body)
    assert_problem(response, 422, field=field)


def test_dispatch_to_a_provider_that_cannot_take_it_is_422_on_provider_id(
    client: TestClient,
    services: Services,
    enterprise: Account,
    operator: Account,
    lab: Account,
) -> None:
    unverified = sign_up(client, "provider", service_categories=["legal"])
    rid = submit(client, enterprise)["id"]
    for provider_id in (str(uuid4()), enterprise.id, unverified.id, lab.id):
        with no_new_events(services):
            response = post(client, operator, rid, "dispatch", {"provider_id": provider_id})
        assert_problem(response, 422, field="provider_id")


def test_an_order_of_a_product_that_cannot_be_ordered_is_422_on_product_id(
    client: TestClient, services: Services, enterprise: Account, lab: Account
) -> None:
    def product(**overrides: Any) -> str:
        body = {
            "name": "食品检测",
            "category": "testing_inspection",
            "pricing": "free",
            "regions": ["33"],
            "response_hours": 12,
            **overrides,
        }
        response = client.post("/api/v1/service-products", json=body, headers=lab.auth)
        assert response.status_code == 201, response.text
        product_id: str = response.json()["id"]
        return product_id

    retired = product()
    assert client.post(f"/api/v1/service-products/{retired}/retire", headers=lab.auth).is_success
    active = product()
    for body in (
        {"product_id": str(uuid4())},
        {"product_id": retired, "category": "testing_inspection"},
        {"product_id": active, "category": "legal"},  # not the product's category
    ):
        with no_new_events(services):
            response = client.post(REQUESTS, json=request_body(**body), headers=enterprise.auth)
        assert_problem(response, 422, field="product_id")
