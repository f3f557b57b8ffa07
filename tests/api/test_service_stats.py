"""Service figures (API.md, "Service requests": `GET /stats/services`, `GET /stats` services).

Requests are written straight through the aggregate with the times they happen at, so every
wait, deadline and month is exact; each test submits in its own months and reads them with
`from`/`to`. The figures over a long generated history are checked against an independent fold
of the log in tests/integration/test_stats_fold.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from aggregates.service_request import ServiceRequest
from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, head, no_new_events
from tests.api.service_request_helpers import act, submit, verified_provider

SERVICES = f"{API}/stats/services"
COUNTS = (
    "requests",
    "dispatched",
    "accepted",
    "accepted_on_time",
    "resolved",
    "resolved_on_time",
    "closed",
    "feedback",
    "satisfied",
)
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
MEDIANS = ("median_hours_to_accept", "median_hours_to_resolve")


def at(text: str, plus_hours: float = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) + timedelta(hours=plus_hours)


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


def submitted(enterprise: UUID, when: datetime, **terms: Any) -> ServiceRequest:
    return ServiceRequest.submit(
        enterprise,
        when,
        **{
            "category": "legal",
            "title": "劳动合同审查",
            "description": "请审查劳动合同模板",
            "urgency": "timely",
            "region": "330106",
            "product_id": None,
            **terms,
        },
    )


def save(services: Services, *requests: ServiceRequest) -> int:
    services.app.save(*requests)
    return head(services)


def groups(client: TestClient, position: int, **params: Any) -> dict[str | None, dict[str, Any]]:
    response = client.get(SERVICES, params={**params, "min_position": position})
    assert response.status_code == 200, response.text
    assert int(response.headers["Market-Position"]) >= position
    items: list[dict[str, Any]] = response.json()
    assert [i["key"] for i in items] == sorted(
        (i["key"] for i in items), key=lambda k: (k is None, k or "")
    )
    return {item["key"]: item for item in items}


def figures(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "key"}


def zero(**changes: Any) -> dict[str, Any]:
    return {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(RATES + MEDIANS), **changes}


@pytest.fixture(scope="module")
def enterprise(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def a(client: TestClient) -> Account:
    return sign_up(client, "provider", service_categories=["legal"])


@pytest.fixture(scope="module")
def b(client: TestClient) -> Account:
    return sign_up(client, "provider", service_categories=["legal", "business"])


@pytest.fixture(scope="module")
def march(services: Services, enterprise: Account, a: Account, b: Account) -> int:
    """Four requests around March 2031 (China Standard Time); the log's position after them.

    1. submitted 00:30 on 1 March in China (28 Feb in UTC); A accepts on time after 1 h and
       resolves on time after 19 h; feedback 5: closed.
    2. dispatched to A, returned; dispatched to B, accepted 3 h later (1 h late); resolved
       late after 34 h; feedback 2 reopens it; resolved on time 9 h after; feedback 4: closed.
    3. never dispatched.
    4. submitted 23:30 on 28 February in China; dispatched to A; withdrawn.
    """
    org, pa, pb = UUID(enterprise.id), UUID(a.id), UUID(b.id)
    t = at("2031-02-28T16:30:00")
    one = submitted(org, t, category="legal", region="330106")
    one.dispatch(pa, t + h(2), None, None, t)
    one.accept(pa, t + h(25), t + h(1))
    one.resolve(pa, "已出具意见书", t + h(20))
    one.give_feedback(org, 5, True, None, t + h(90), t + h(21))

    t = at("2031-03-10T02:00:00")
    two = submitted(org, t, category="business", region="350203")
    two.dispatch(pa, t + h(2), None, None, t)
    two.return_(pa, "不在服务范围", t + h(1))
    two.dispatch(pb, t + h(5), None, None, t + h(3))
    two.accept(pb, t + h(30), t + h(6))
    two.resolve(pb, "已处理", t + h(40))
    two.give_feedback(org, 2, True, "不满意", t + h(60), t + h(41))
    two.resolve(pb, "已重新处理", t + h(50))
    two.give_feedback(org, 4, True, None, t + h(90), t + h(51))

    three = submitted(org, at("2031-03-20T08:00:00"), category="legal", region="330106")

    t = at("2031-02-28T15:30:00")
    four = submitted(org, t, category="legal", region="330106")
    four.dispatch(pa, t + h(2), None, None, t)
    four.withdraw(org, None, t + h(1))
    return save(services, one, two, three, four)


def test_by_month_every_count_belongs_to_the_submission_month(
    client: TestClient, march: int
) -> None:
    found = groups(client, march, group_by="month", **{"from": "2031-02-01", "to": "2031-03-31"})
    assert list(found) == ["2031-02", "2031-03"]
    assert figures(found["2031-03"]) == {
        "requests": 3,
        "dispatched": 3,
        "accepted": 2,
        "accepted_on_time": 1,
        "resolved": 3,
        "resolved_on_time": 2,
        "closed": 2,
        "feedback": 3,
        "satisfied": 2,
        "response_rate": "0.3333",
        "resolution_rate": "0.6667",
        "satisfaction_rate": "0.6667",
        "median_hours_to_accept": "2.00",
        "median_hours_to_resolve": "19.00",
    }
    assert figures(found["2031-02"]) == zero(requests=1, dispatched=1, response_rate="0.0000")


def test_by_provider_each_step_belongs_to_its_provider(
    client: TestClient, march: int, a: Account, b: Account
) -> None:
    found = groups(client, march, group_by="provider", **{"from": "2031-03-01", "to": "2031-03-31"})
    assert set(found) == {a.id, b.id, None}
    # A: request 1 (closed with A) and the dispatch of request 2 it returned
    assert figures(found[a.id]) == {
        **zero(requests=1, dispatched=2, accepted=1, accepted_on_time=1, resolved=1),
        "resolved_on_time": 1,
        "closed": 1,
        "feedback": 1,
        "satisfied": 1,
        "response_rate": "0.5000",
        "resolution_rate": "1.0000",
        "satisfaction_rate": "1.0000",
        "median_hours_to_accept": "1.00",
        "median_hours_to_resolve": "19.00",
    }
    assert figures(found[b.id]) == {
        **zero(requests=1, dispatched=1, accepted=1, resolved=2, resolved_on_time=1),
        "closed": 1,
        "feedback": 2,
        "satisfied": 1,
        "response_rate": "0.0000",
        "resolution_rate": "0.5000",
        "satisfaction_rate": "0.5000",
        "median_hours_to_accept": "3.00",
        "median_hours_to_resolve": "21.50",
    }
    assert figures(found[None]) == zero(requests=1)  # request 3, never dispatched


def test_a_withdrawn_request_stays_with_its_current_provider(
    client: TestClient, march: int, a: Account
) -> None:
    found = groups(client, march, group_by="provider", **{"to": "2031-02-28"})
    in_february = {k: v for k, v in found.items() if k == a.id}
    assert figures(in_february[a.id]) == zero(requests=1, dispatched=1, response_rate="0.0000")


def test_by_category_and_region(client: TestClient, march: int) -> None:
    period = {"from": "2031-03-01", "to": "2031-03-31"}
    by_category = groups(client, march, group_by="category", **period)
    assert {k: (v["requests"], v["resolved"]) for k, v in by_category.items()} == {
        "business": (1, 2),
        "legal": (2, 1),
    }
    by_region = groups(client, march, group_by="region", **period)
    assert {k: (v["requests"], v["dispatched"]) for k, v in by_region.items()} == {
        "330106": (2, 1),
        "350203": (1, 2),
    }


def test_rates_round_half_up(
    client: TestClient, services: Services, enterprise: Account, a: Account, b: Account
) -> None:
    """1/32 = 0.03125: half-up gives 0.0313 (half-even would give 0.0312)."""
    t = at("2032-05-05T00:00:00")
    request = submitted(UUID(enterprise.id), t)
    for index in range(32):
        provider = UUID((a.id, b.id)[index % 2])
        request.dispatch(provider, t + h(index + 2), None, None, t + h(index))
    request.accept(UUID(b.id), t + h(80), t + h(31.5))  # 30 min after the last dispatch
    position = save(services, request)
    found = groups(client, position, group_by="month", **{"from": "2032-05-01"})
    assert found["2032-05"]["dispatched"] == 32
    assert found["2032-05"]["response_rate"] == "0.0313"
    assert found["2032-05"]["median_hours_to_accept"] == "0.50"


def test_at_the_deadline_exactly_is_on_time(
    client: TestClient, services: Services, enterprise: Account, a: Account
) -> None:
    t, provider = at("2034-02-02T00:00:00"), UUID(a.id)
    request = submitted(UUID(enterprise.id), t)
    request.dispatch(provider, t + h(2), None, None, t)
    request.accept(provider, t + h(5), t + h(2))
    request.resolve(provider, "已办结", t + h(5))
    position = save(services, request)
    found = groups(client, position, group_by="month", **{"from": "2034-02-01"})
    assert (found["2034-02"]["accepted_on_time"], found["2034-02"]["resolved_on_time"]) == (1, 1)


def test_nothing_in_the_period_is_an_empty_list(client: TestClient, march: int) -> None:
    assert groups(client, march, group_by="provider", **{"from": "2099-01-01"}) == {}


def test_stats_has_the_services_block(
    client: TestClient, services: Services, operator: Account, enterprise: Account, march: int
) -> None:
    before = client.get(f"{API}/stats", params={"min_position": march}).json()["services"]
    assert set(before) == {"providers", "products", "requests", "closed", *RATES}
    assert before["requests"] >= 4 and before["closed"] >= 2
    for rate in RATES:
        assert isinstance(before[rate], str) and len(before[rate].split(".")[1]) == 4
    provider = sign_up(client, "provider", service_categories=["legal"])
    verified = client.post(f"{API}/organizations/{provider.id}/verify", headers=operator.auth)
    assert verified.status_code == 200, verified.text
    product = client.post(
        f"{API}/service-products",
        json={
            "name": "合同审查",
            "category": "legal",
            "description": "合同审查服务",
            "pricing": "free",
            "regions": ["3301"],
            "response_hours": 24,
        },
        headers=provider.auth,
    )
    assert product.status_code == 201, product.text
    request = submitted(UUID(enterprise.id), at("2033-01-01T00:00:00"))
    after_product = save(services, request)
    after = client.get(f"{API}/stats", params={"min_position": after_product}).json()
    assert after["services"]["providers"] == before["providers"] + 1
    assert after["services"]["products"] == before["products"] + 1
    assert after["services"]["requests"] == before["requests"] + 1
    retired = client.post(
        f"{API}/service-products/{product.json()['id']}/retire", headers=provider.auth
    )
    assert retired.status_code == 200, retired.text
    last = client.get(f"{API}/stats", params={"min_position": head(services)}).json()
    assert last["services"]["products"] == before["products"]
    # A product an operator removes is no longer counted either.
    again = client.post(
        f"{API}/service-products",
        json={**SECOND_PRODUCT, "regions": ["3301"]},
        headers=provider.auth,
    )
    assert again.status_code == 201, again.text
    counted = client.get(f"{API}/stats", params={"min_position": head(services)}).json()
    assert counted["services"]["products"] == before["products"] + 1
    removed = client.post(
        f"{API}/service-products/{again.json()['id']}/remove",
        json={"reason": "虚假宣传"},
        headers=operator.auth,
    )
    assert removed.status_code == 200, removed.text
    final = client.get(f"{API}/stats", params={"min_position": head(services)}).json()
    assert final["services"]["products"] == before["products"]


SECOND_PRODUCT = {
    "name": "知识产权咨询",
    "category": "legal",
    "description": "商标与专利咨询",
    "pricing": "market",
    "price": "800",
    "unit": "次",
    "response_hours": 24,
}


@pytest.fixture
def set_clock(services: Services) -> Iterator[Callable[[datetime], None]]:
    """Stops the application's clock at a given moment (restored afterwards)."""
    original = services.app.clock

    def stop_at(moment: datetime) -> None:
        services.app.clock = lambda: moment

    try:
        yield stop_at
    finally:
        services.app.clock = original


def test_the_loop_through_the_routes_is_counted(
    client: TestClient,
    enterprise: Account,
    operator: Account,
    set_clock: Callable[[datetime], None],
) -> None:
    """Submitted, dispatched, accepted after 2 h (on time), resolved 27 h later (late: urgent
    is 24 h), rated 5: closed. A second one dispatched to the same provider is returned."""
    provider = verified_provider(client, operator, "legal")
    t = datetime.now(UTC).replace(microsecond=0)
    set_clock(t)
    one = submit(client, enterprise, urgency="urgent")
    two = submit(client, enterprise, urgency="urgent")
    set_clock(t + h(1))
    for request in (one, two):
        act(client, operator, request["id"], "dispatch", {"provider_id": provider.id})
    set_clock(t + h(3))
    act(client, provider, one["id"], "accept")
    act(client, provider, two["id"], "return", {"reason": "不在服务范围"})
    set_clock(t + h(30))
    act(client, provider, one["id"], "resolve", {"summary": "已出具审查意见书"})
    set_clock(t + h(31))
    rated = act(client, enterprise, one["id"], "feedback", {"satisfaction": 5, "resolved": True})
    found = groups(client, rated["position"], group_by="provider")
    assert figures(found[provider.id]) == {
        **zero(requests=1, dispatched=2, accepted=1, accepted_on_time=1, resolved=1),
        "closed": 1,
        "feedback": 1,
        "satisfied": 1,
        "response_rate": "0.5000",
        "resolution_rate": "0.0000",
        "satisfaction_rate": "1.0000",
        "median_hours_to_accept": "2.00",
        "median_hours_to_resolve": "27.00",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "group_by"),
        ({"group_by": "bank"}, "group_by"),
        ({"group_by": "month", "from": "2031-13-01"}, "from"),
        ({"group_by": "month", "from": "2031-03-02", "to": "2031-03-01"}, "from"),
    ],
)
def test_bad_queries_are_422(
    client: TestClient, services: Services, params: dict[str, Any], field: str
) -> None:
    with no_new_events(services):
        response = client.get(SERVICES, params=params)
    assert_problem(response, 422, field=field)
