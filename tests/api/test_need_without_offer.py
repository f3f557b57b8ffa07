"""`need_without_offer` (API.md, "Workbench"): the deadline scheduler appends
`FinancingNeed.BecameOverdue` once for an open need gone the response days without any offer,
and its owner alone is notified. The application's clock is moved instead of waiting."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from aggregates.financing_need import FinancingNeed
from marketplace.bootstrap import Services
from marketplace.workers.scheduler import DeadlineScheduler
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import make_offer, post_need, verified_bank
from tests.api.helpers import API, eventually
from tests.api.test_notifications import inbox, of_kind

DAYS = 7  # MARKET_FINANCING_RESPONSE_DAYS, the default


@pytest.fixture
def set_clock(services: Services, monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def move(to: datetime) -> None:
        monkeypatch.setattr(services.app, "clock", lambda: to)

    return move


def marks(services: Services, need: dict[str, Any]) -> list[Any]:
    """The need's `BecameOverdue` events in the log."""
    events = services.app.events.get(UUID(need["id"]))
    return [e for e in events if isinstance(e, FinancingNeed.BecameOverdue)]


def read(client: TestClient, owner: Account, need: dict[str, Any]) -> dict[str, Any]:
    """The need on the board (the test client waits for its own writes to be projected, so
    the scheduler, which reads the board, sees them too)."""
    response = client.get(f"{API}/financing-needs/{need['id']}", headers=owner.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def tick(services: Services) -> None:
    assert services.scheduler is not None
    services.scheduler.tick()


def test_the_scheduler_marks_an_unanswered_need_once_and_tells_its_owner_only(
    client: TestClient, services: Services, operator: Account, set_clock: Callable[[datetime], None]
) -> None:
    owner, stranger = sign_up(client), sign_up(client)
    bank = verified_bank(client, operator)
    silent = post_need(client, owner, purpose="无人报价的流动资金")
    answered = post_need(client, owner, purpose="已有报价的流动资金")
    make_offer(client, bank, answered["id"])
    withdrawn = post_need(client, owner)
    offer = make_offer(client, bank, withdrawn["id"])
    gone = client.post(f"{API}/financing-needs/{withdrawn['id']}/offers/{offer['id']}/withdraw",
                       headers=bank.auth)  # fmt: skip
    assert gone.status_code == 200, gone.text  # an offer withdrawn was still an answer
    due = datetime.fromisoformat(silent["published_at"]) + timedelta(days=DAYS)
    assert read(client, owner, withdrawn)["offer_count"] == 0

    set_clock(due - timedelta(hours=1))
    tick(services)
    assert marks(services, silent) == []

    set_clock(due + timedelta(hours=1))
    tick(services)
    tick(services)  # again, as after a restart: nothing more
    assert len(marks(services, silent)) == 1
    assert marks(services, answered) == [] and marks(services, withdrawn) == []
    assert eventually(lambda: of_kind(client, owner, "need_without_offer") != [], timeout=15)
    [notified] = of_kind(client, owner, "need_without_offer")
    assert notified["subject"] == {"type": "financing_need", "id": silent["id"]}
    purpose = "无人报价的流动资金"
    assert notified["title"] == {
        "zh": f"融资需求暂无报价：{purpose}",
        "en": f"Financing need without offers: {purpose}",
    }
    assert notified["action_required"] is False
    assert of_kind(client, bank, "need_without_offer") == []
    assert of_kind(client, operator, "need_without_offer") == []
    assert inbox(client, stranger) == []
    board = read(client, owner, silent)
    assert board["overdue"] is True and board["status"] == "open"


def test_a_need_expiring_before_its_response_days_is_not_marked(
    client: TestClient, services: Services, set_clock: Callable[[datetime], None]
) -> None:
    owner = sign_up(client)
    respond_by = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    need = post_need(client, owner, respond_by=respond_by)
    read(client, owner, need)
    set_clock(datetime.now(UTC) + timedelta(days=DAYS + 1))
    tick(services)
    assert eventually(lambda: read(client, owner, need)["status"] == "expired", timeout=15)
    tick(services)
    assert marks(services, need) == []
    assert of_kind(client, owner, "need_without_offer") == []


def test_concurrent_schedulers_append_the_mark_once(
    client: TestClient, services: Services, set_clock: Callable[[datetime], None]
) -> None:
    owner = sign_up(client)
    need = post_need(client, owner)
    read(client, owner, need)
    set_clock(datetime.fromisoformat(need["published_at"]) + timedelta(days=DAYS, hours=1))
    schedulers = [DeadlineScheduler(services.app, services.db.pool, 1.0) for _ in range(4)]
    start = threading.Barrier(len(schedulers))

    def run(scheduler: DeadlineScheduler) -> None:
        start.wait()
        scheduler.tick()

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(marks(services, need)) == 1
    assert eventually(lambda: len(of_kind(client, owner, "need_without_offer")) == 1, timeout=15)
