"""Service request deadlines: the scheduler marks a request overdue once per deadline (to accept,
to resolve, and again for a reopened request's new deadline) and closes a resolved request
left without feedback. The application's clock is moved instead of waiting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import assert_problem, eventually
from tests.api.service_request_helpers import (
    accepted,
    act,
    dispatched,
    listed,
    post,
    read,
    resolved,
    verified_provider,
)

HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def enterprise(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def law_firm(client: TestClient, operator: Account) -> Account:
    return verified_provider(client, operator, "legal")


@pytest.fixture
def set_clock(services: Services, monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def move(to: datetime) -> None:
        monkeypatch.setattr(services.app, "clock", lambda: to)

    return move


def overdue_steps(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [step["details"] for step in request["timeline"] if step["type"] == "overdue"]


def scheduled(
    client: TestClient,
    services: Services,
    account: Account,
    rid: str,
    done: Callable[[dict[str, Any]], bool],
) -> dict[str, Any]:
    """The request once the scheduler has done its part (a scan here, and the background one)."""
    assert services.scheduler is not None
    services.scheduler.tick()
    found: dict[str, Any] = {}

    def check() -> bool:
        found.update(read(client, account, rid))
        return done(found)

    assert eventually(check, timeout=15), found
    return found


def test_a_request_not_accepted_in_time_is_marked_overdue_once(
    client: TestClient,
    services: Services,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    set_clock: Callable[[datetime], None],
) -> None:
    request = dispatched(client, enterprise, operator, law_firm)
    accept_by = datetime.fromisoformat(request["accept_by"])
    set_clock(accept_by + HOUR)
    rid = request["id"]
    marked = scheduled(client, services, operator, rid, lambda r: r["overdue"]["accept"])
    assert overdue_steps(marked) == [{"deadline": "accept", "due": accept_by.isoformat()}]
    assert rid in listed(client, operator, overdue="true")
    assert rid not in listed(client, operator, overdue="false")
    set_clock(accept_by + 5 * HOUR)
    assert services.scheduler is not None
    services.scheduler.tick()
    signed = act(client, law_firm, rid, "accept")  # late, but still its to accept
    assert signed["overdue"] == {"accept": True, "resolve": False}
    assert len(overdue_steps(read(client, operator, rid))) == 1


def test_resolve_deadlines_are_marked_again_after_a_reopening(
    client: TestClient,
    services: Services,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    set_clock: Callable[[datetime], None],
) -> None:
    request = accepted(client, enterprise, operator, law_firm)
    rid, first = request["id"], datetime.fromisoformat(request["resolve_by"])
    set_clock(first + HOUR)
    scheduled(client, services, enterprise, rid, lambda r: r["overdue"]["resolve"])
    act(client, law_firm, rid, "resolve", {"summary": "办结"})
    reopened = act(client, enterprise, rid, "feedback", {"satisfaction": 1, "resolved": False})
    second = datetime.fromisoformat(reopened["resolve_by"])
    assert second == first + HOUR + 72 * HOUR and reopened["overdue"]["resolve"] is False
    set_clock(second + HOUR)
    marked = scheduled(client, services, enterprise, rid, lambda r: r["overdue"]["resolve"])
    assert [s["due"] for s in overdue_steps(marked)] == [first.isoformat(), second.isoformat()]


def test_a_resolved_request_without_feedback_is_closed_after_the_feedback_days(
    client: TestClient,
    services: Services,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    set_clock: Callable[[datetime], None],
) -> None:
    request = resolved(client, enterprise, operator, law_firm)
    rid, resolved_at = request["id"], datetime.fromisoformat(request["resolved_at"])
    set_clock(resolved_at + timedelta(days=7) - HOUR)
    assert services.scheduler is not None
    services.scheduler.tick()
    assert read(client, enterprise, rid)["status"] == "resolved"
    set_clock(resolved_at + timedelta(days=7))
    closed = scheduled(client, services, enterprise, rid, lambda r: r["status"] == "closed")
    assert closed["satisfaction"] is None and closed["closed_at"]
    last = closed["timeline"][-1]
    assert (last["type"], last["by"], last["details"]["automatic"]) == ("closed", None, True)
    late = post(client, enterprise, rid, "feedback", {"satisfaction": 5, "resolved": True})
    assert_problem(late, 409)
