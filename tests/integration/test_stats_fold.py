"""Every figure of every `/stats` route equals an independent fold of the raw event log.

A history of hundreds of deals over eight simulated months (tests/integration/stats_history.py)
is written through the use cases while the views run. Then the event table is read row by
row, decoded with the application's mapper, and folded here in plain Python, from what the
events mean (API.md and the aggregates), without the statistics view or its SQL. Each route's
answer, read at the log's head position, must be exactly that fold.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import eventsourcing.domain
import psycopg
import pytest
from argon2 import PasswordHasher
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from api.main import create_app
from marketplace.bootstrap import Services, head_position, open_services
from marketplace.settings import Settings
from marketplace.stores import security
from projections.engine import ViewRunner
from projections.rebuild import rebuild
from tests.budgets import GENEROUS_BUDGETS
from tests.integration.report_fold import ReportFold, answered, expected_report, plan_policies
from tests.integration.service_fold import ServiceFold, expected_block, expected_services
from tests.integration.service_history import BOUNDARY, plan
from tests.integration.stats_history import END, PASSWORD, START, History, SimClock, generate

API = "/api/v1"
CST = timezone(timedelta(hours=8))
CENT = Decimal("0.01")
DONE = ("signed", "completed")


# The history, and the app that answers about it --------------------------------------------------


@dataclass
class World:
    services: Services
    client: TestClient
    history: History
    head: int
    operator_auth: dict[str, str]


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    clock = SimClock(START)
    with pytest.MonkeyPatch.context() as patch:
        # Registrations hash a password (≈ 0.2 s of CPU each at the defaults); not tested here.
        patch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        # Events are stamped by the simulated clock too, as the application's own times are.
        patch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", clock)
        services = open_services(_settings(database_url, tmp_path_factory.mktemp("data")))
        try:
            services.app.clock = clock
            history = generate(services.app, clock, also=lambda h: _also(h))
            head = head_position(services.db)
            _start_views(services)  # they catch up; no scheduler: nothing else writes
            # The routes wait `read_wait_seconds` for `min_position`; on a loaded machine the
            # first catch-up of the whole history can take longer, which is not what is tested.
            assert services.watcher.wait_sync(head, timeout=300), "views did not catch up"
            with TestClient(create_app(services), raise_server_exceptions=False) as client:
                operator = _operator_auth(client, services, history)
                yield World(services, client, history, head, operator)
        finally:
            services.close()


def _also(history: History) -> None:
    """The service hall's and the programme report's parts of the history."""
    plan(history, seed=2026)
    plan_policies(history)


def _settings(url: str, data_dir: Path) -> Settings:
    return Settings(database_url=url, data_dir=data_dir, command_retries=30, **GENEROUS_BUDGETS)


def _start_views(services: Services) -> None:
    services.runners = [
        ViewRunner(services.app, services.url, view) for view in services.views.all()
    ]
    for runner in services.runners:
        runner.start()


def _operator_auth(client: TestClient, services: Services, history: History) -> dict[str, str]:
    operator = services.app.get_organization(history.operator)
    session = client.post(
        f"{API}/sessions", json={"credit_code": operator.credit_code, "password": PASSWORD}
    )
    assert session.status_code == 201, session.text
    return {"Authorization": f"Bearer {session.json()['token']}"}


# The independent fold ----------------------------------------------------------------------------


@dataclass
class Fold:
    """What the event log says, folded in plain Python."""

    kinds: Counter[str] = field(default_factory=Counter)
    postings: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    bids: int = 0
    contracts: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    needs: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    exhibitions: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    services: ServiceFold = field(default_factory=ServiceFold)  # tests/integration/service_fold.py
    report: ReportFold = field(default_factory=ReportFold)  # tests/integration/report_fold.py

    def apply(self, event: Any) -> None:
        handler = getattr(self, "on_" + type(event).__qualname__.replace(".", "_"), None)
        if handler is not None:
            handler(event)
        self.services.apply(event)
        self.report.apply(event)

    # Organizations and postings

    def on_Organization_Registered(self, e: Any) -> None:
        self.kinds[e.kind] += 1

    def on_Posting_Published(self, e: Any) -> None:
        self.postings[e.originator_id] = {
            "region": e.region,
            "category": e.category,
            "status": "open",
            "expires_at": e.expires_at,
            "title": e.title,
            "quantity": e.quantity,
        }

    def on_Posting_Revised(self, e: Any) -> None:
        posting = self.postings[e.originator_id]
        posting.update({k: v for k, v in e.changes.items() if k in posting}, revised=True)

    def on_Posting_BidPlaced(self, e: Any) -> None:
        self.bids += 1

    def on_Posting_BidAccepted(self, e: Any) -> None:
        self.postings[e.originator_id]["status"] = "awarded"

    def on_Posting_Withdrawn(self, e: Any) -> None:
        self.postings[e.originator_id]["status"] = "withdrawn"

    def on_Posting_Expired(self, e: Any) -> None:
        self.postings[e.originator_id]["status"] = "expired"

    # Contracts

    def on_Contract_Drafted(self, e: Any) -> None:
        self.contracts[e.originator_id] = {
            "kind": e.kind,
            "amount": e.amount,
            "currency": e.currency,
            "parties": {p["organization_id"] for p in e.parties},
            "signed_by": set(),
            "status": "drafted",
            "signed_at": None,
            "posting_id": e.source.get("posting_id"),
            "exhibition_id": e.exhibition_id,
            "version": e.originator_version,
        }

    def on_Contract_Signed(self, e: Any) -> None:
        contract = self.contracts[e.originator_id]
        contract["signed_by"].add(str(e.organization_id))
        contract["version"] = e.originator_version
        if contract["signed_by"] == contract["parties"]:
            contract["status"], contract["signed_at"] = "signed", e.signed_at

    def on_Contract_Completed(self, e: Any) -> None:
        self.contracts[e.originator_id].update(status="completed", version=e.originator_version)

    def on_Contract_Cancelled(self, e: Any) -> None:
        self.contracts[e.originator_id].update(status="cancelled", version=e.originator_version)

    # Financing needs

    def on_FinancingNeed_Posted(self, e: Any) -> None:
        self.needs[e.originator_id] = {
            "product_type": e.product_type,
            "region": e.region,
            "posted_at": e.timestamp,
            "offers_at": [],
            "status": "open",
            "bank": None,
            "matched": Decimal(0),
            "disbursed": Decimal(0),
        }

    def on_FinancingNeed_OfferMade(self, e: Any) -> None:
        self.needs[e.originator_id]["offers_at"].append(e.made_at)

    def on_FinancingNeed_OfferAccepted(self, e: Any) -> None:
        need = self.needs[e.originator_id]
        need.update(status="matched", bank=str(e.bank_id), matched=e.amount)

    def on_FinancingNeed_Disbursed(self, e: Any) -> None:
        self.needs[e.originator_id].update(status="disbursed", disbursed=e.amount)

    def on_FinancingNeed_Withdrawn(self, e: Any) -> None:
        self.needs[e.originator_id]["status"] = "withdrawn"

    def on_FinancingNeed_Expired(self, e: Any) -> None:
        self.needs[e.originator_id]["status"] = "expired"

    # Exhibitions

    def on_Exhibition_Scheduled(self, e: Any) -> None:
        self.exhibitions[e.originator_id] = {
            "starts_at": e.starts_at,
            "kind": e.kind,
            "status": "scheduled",
            "signups": {},
            "checked_in": {},  # organization → persons attended
        }

    def on_Exhibition_SignedUp(self, e: Any) -> None:
        self.exhibitions[e.originator_id]["signups"][e.organization_id] = e.status

    def on_Exhibition_SignupCancelled(self, e: Any) -> None:
        signups = self.exhibitions[e.originator_id]["signups"]
        del signups[e.organization_id]
        for promoted in e.promoted_ids:
            signups[promoted] = "confirmed"

    def on_Exhibition_CheckedIn(self, e: Any) -> None:
        self.exhibitions[e.originator_id]["checked_in"][e.organization_id] = e.attended

    def on_Exhibition_Cancelled(self, e: Any) -> None:
        self.exhibitions[e.originator_id]["status"] = "cancelled"

    def on_Exhibition_Closed(self, e: Any) -> None:
        self.exhibitions[e.originator_id]["status"] = "closed"


def read_log(services: Services, up_to: int) -> Iterator[tuple[int, Any]]:
    """The raw event table, in order, decoded by the application's mapper."""
    with psycopg.connect(services.url) as conn:
        cursor = conn.execute(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM marketplace_events WHERE notification_id <= %s ORDER BY notification_id",
            (up_to,),
        )
        for position, originator_id, version, topic, state in cursor:
            stored = StoredEvent(originator_id, version, topic, bytes(state))
            yield position, services.app.mapper.to_domain_event(stored)


@pytest.fixture(scope="module")
def fold(world: World) -> Fold:
    folded = Fold()
    for _, event in read_log(world.services, world.head):
        folded.apply(event)
    return folded


# What each route must answer, from the fold ------------------------------------------------------


def text(amount: Decimal) -> str:
    return format(amount, "f")


def local_date(moment: datetime) -> date:
    return moment.astimezone(CST).date()


def month(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m")


def within(moment: datetime, start: date | None, end: date | None) -> bool:
    day = local_date(moment)
    return (start is None or day >= start) and (end is None or day <= end)


def sorted_groups(groups: dict[str | None, Any]) -> list[tuple[str | None, Any]]:
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))


def by_currency(contracts: Iterable[dict[str, Any]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for contract in contracts:
        totals[contract["currency"]] += contract["amount"]
    return dict(totals)


def of_kind(done: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """Signed and completed contracts of one kind, amounts in CNY (GET /stats, issue 17)."""
    mine = [c for c in done if c["kind"] == kind]
    return {"signed": len(mine), "amount": text(by_currency(mine).get("CNY", Decimal(0)))}


def is_overdue(need: dict[str, Any], now: datetime, days: int) -> bool:
    return (
        need["status"] == "open"
        and not need["offers_at"]
        and need["posted_at"] <= now - timedelta(days=days)
    )


def activities(held: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Activities not cancelled: held by kind, persons checked in, those at lectures and
    trainings (API.md, "Activities")."""
    kinds = ("exhibition", "matchmaking", "lecture", "training")
    persons = {k: sum(sum(x["checked_in"].values()) for x in held if x["kind"] == k) for k in kinds}
    return {
        "held": {k: sum(x["starts_at"] <= now and x["kind"] == k for x in held) for k in kinds},
        "participants": sum(persons.values()),
        "trained": persons["lecture"] + persons["training"],
    }


def expected_stats(fold: Fold, now: datetime, days: int, position: int) -> dict[str, Any]:
    done = [c for c in fold.contracts.values() if c["status"] in DONE]
    amounts = by_currency(done)
    needs = fold.needs.values()
    exhibitions = [x for x in fold.exhibitions.values() if x["status"] != "cancelled"]
    return {
        "organizations": {"enterprise": fold.kinds["enterprise"], "bank": fold.kinds["bank"]},
        "postings": {
            "open": sum(
                p["status"] == "open" and p["expires_at"] > now for p in fold.postings.values()
            ),
            "total": len(fold.postings),
        },
        "bids": fold.bids,
        "contracts": {
            "signed": len(done),
            "amount": text(amounts.get("CNY", Decimal(0))),
            "amount_by_currency": {k: text(v) for k, v in amounts.items()},
            **{kind: of_kind(done, kind) for kind in ("sale", "loan")},
        },
        "financing": {
            "needs": len(needs),
            "matched": sum(n["status"] in ("matched", "disbursed") for n in needs),
            "amount_matched": text(sum((n["matched"] for n in needs), Decimal(0))),
            "amount_disbursed": text(sum((n["disbursed"] for n in needs), Decimal(0))),
            "overdue": sum(is_overdue(n, now, days) for n in needs),
        },
        "exhibitions": {
            "held": sum(x["starts_at"] <= now for x in exhibitions),
            "signups": sum(list(x["signups"].values()).count("confirmed") for x in exhibitions),
            "checked_in": sum(len(x["checked_in"]) for x in exhibitions),
        },
        "activities": activities(exhibitions, now),
        "services": expected_block(fold.services),
        "position": position,
    }


DEAL_KEYS: dict[str, Callable[[dict[str, Any], Fold], str | None]] = {
    "month": lambda c, f: month(c["signed_at"]),
    "region": lambda c, f: f.postings[UUID(c["posting_id"])]["region"],
    "category": lambda c, f: f.postings[UUID(c["posting_id"])]["category"],
    "exhibition": lambda c, f: str(c["exhibition_id"]) if c["exhibition_id"] else None,
}


def expected_deals(
    fold: Fold, group_by: str, start: date | None = None, end: date | None = None
) -> list[dict[str, Any]]:
    groups: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for contract in fold.contracts.values():
        done = contract["kind"] == "sale" and contract["status"] in DONE
        if done and within(contract["signed_at"], start, end):
            groups[DEAL_KEYS[group_by](contract, fold)].append(contract)
    answer = []
    for key, contracts in sorted_groups(groups):
        amounts = by_currency(contracts)
        answer.append(
            {
                "key": key,
                "contracts": len(contracts),
                "amount": text(amounts.get("CNY", Decimal(0))),
                "amount_by_currency": {k: text(v) for k, v in amounts.items()},
            }
        )
    return answer


FINANCING_KEYS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "month": lambda n: month(n["posted_at"]),
    "bank": lambda n: n["bank"],
    "product_type": lambda n: n["product_type"],
    "region": lambda n: n["region"],
}


def seconds(delta: timedelta) -> Decimal:
    whole = Decimal(delta.days * 86400 + delta.seconds)
    return whole + Decimal(delta.microseconds) / Decimal(1_000_000)


def median_hours(needs: list[dict[str, Any]]) -> str | None:
    waits = [seconds(min(n["offers_at"]) - n["posted_at"]) for n in needs if n["offers_at"]]
    if not waits:
        return None
    return text((statistics.median(waits) / 3600).quantize(CENT, rounding=ROUND_HALF_UP))


def expected_financing(
    fold: Fold, group_by: str, now: datetime, days: int, start: date | None = None
) -> list[dict[str, Any]]:
    groups: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for need in fold.needs.values():
        if within(need["posted_at"], start, None):
            groups[FINANCING_KEYS[group_by](need)].append(need)
    return [
        {
            "key": key,
            "needs": len(needs),
            "matched": sum(n["status"] in ("matched", "disbursed") for n in needs),
            "amount_matched": text(sum((n["matched"] for n in needs), Decimal(0))),
            "amount_disbursed": text(sum((n["disbursed"] for n in needs), Decimal(0))),
            "overdue": sum(is_overdue(n, now, days) for n in needs),
            "median_hours_to_first_offer": median_hours(needs),
        }
        for key, needs in sorted_groups(groups)
    ]


def read(world: World, path: str, **params: Any) -> Any:
    """The answer at the log's head (amounts in OCDS releases parsed as exact decimals)."""
    response = world.client.get(
        f"{API}{path}", params={**params, "min_position": world.head}, headers=world.operator_auth
    )
    assert response.status_code == 200, response.text
    if "Market-Position" in response.headers:
        assert int(response.headers["Market-Position"]) == world.head
    return json.loads(response.text, parse_float=Decimal)


# The comparisons ---------------------------------------------------------------------------------


def test_the_history_is_rich_enough(world: World, fold: Fold) -> None:
    deals = [c for c in fold.contracts.values() if c["kind"] == "sale" and c["status"] in DONE]
    assert len(deals) >= 200
    assert len({month(c["signed_at"]) for c in deals}) >= 6
    assert len({fold.postings[UUID(c["posting_id"])]["region"] for c in deals}) == 6
    assert len({fold.postings[UUID(c["posting_id"])]["category"] for c in deals}) == 8
    assert len({c["exhibition_id"] for c in deals if c["exhibition_id"]}) >= 2
    assert {c["currency"] for c in deals} == {"CNY", "USD"}
    assert {c["status"] for c in fold.contracts.values()} == {
        "drafted",
        "signed",
        "completed",
        "cancelled",
    }
    assert len({n["bank"] for n in fold.needs.values() if n["bank"]}) == 4
    assert len({n["product_type"] for n in fold.needs.values()}) == 6
    assert {n["status"] for n in fold.needs.values()} >= {
        "open",
        "matched",
        "disbursed",
        "withdrawn",
        "expired",
    }
    assert {p["status"] for p in fold.postings.values()} == {
        "open",
        "awarded",
        "withdrawn",
        "expired",
    }
    assert any(p.get("revised") for p in fold.postings.values())
    boundary = fold.contracts[world.history.boundary_contract or UUID(int=0)]
    assert boundary["signed_at"].month == 3 and month(boundary["signed_at"]) == "2025-04"


def test_stats_equal_the_fold(world: World, fold: Fold) -> None:
    days = world.services.settings.financing_response_days
    answer = read(world, "/stats")
    expected = expected_stats(fold, END, days, world.head)
    assert expected["financing"]["overdue"] > 0
    assert expected["postings"]["open"] > 0
    assert expected["exhibitions"]["held"] == 5  # one cancelled, two still ahead
    activities = expected["activities"]
    assert activities["held"] == {"exhibition": 2, "matchmaking": 1, "lecture": 1, "training": 1}
    assert activities["trained"] > 0 and activities["participants"] > activities["trained"]
    assert answer == expected


@pytest.mark.parametrize("group_by", ["month", "region", "category", "exhibition"])
def test_deals_equal_the_fold(world: World, fold: Fold, group_by: str) -> None:
    assert read(world, "/stats/deals", group_by=group_by) == expected_deals(fold, group_by)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 4, 1), date(2025, 4, 1)),  # the boundary deal, signed 31 March in UTC
        (date(2025, 3, 1), date(2025, 3, 31)),
        (date(2025, 5, 17), None),
        (None, date(2025, 2, 28)),
        (date(2026, 1, 1), None),
    ],
)
def test_deals_in_a_period_equal_the_fold(
    world: World, fold: Fold, start: date | None, end: date | None
) -> None:
    params = {k: v.isoformat() for k, v in (("from", start), ("to", end)) if v is not None}
    for group_by in ("month", "region"):
        answer = read(world, "/stats/deals", group_by=group_by, **params)
        assert answer == expected_deals(fold, group_by, start, end)


@pytest.mark.parametrize("group_by", ["month", "bank", "product_type", "region"])
def test_financing_equals_the_fold(world: World, fold: Fold, group_by: str) -> None:
    days = world.services.settings.financing_response_days
    expected = expected_financing(fold, group_by, END, days)
    assert read(world, "/stats/financing", group_by=group_by) == expected
    assert sum(group["needs"] for group in expected) == len(fold.needs)


def test_financing_in_a_period_equals_the_fold(world: World, fold: Fold) -> None:
    days = world.services.settings.financing_response_days
    start = date(2025, 6, 1)
    answer = read(world, "/stats/financing", group_by="product_type", **{"from": "2025-06-01"})
    assert answer == expected_financing(fold, "product_type", END, days, start)


def test_ocds_releases_are_the_sale_contracts(world: World, fold: Fold) -> None:
    prefix = world.services.settings.ocds_prefix
    releases, after = [], 0
    while after is not None:
        page = read(world, "/ocds/releases", after=after, limit=200)
        releases += page["releases"]
        after = page["next_after"]
    sales = {k: c for k, c in fold.contracts.items() if c["kind"] == "sale"}
    assert {r["id"] for r in releases} == {f"{k}-{c['version']}" for k, c in sales.items()}
    for release in releases:
        contract = sales[UUID(release["contracts"][0]["id"])]
        assert release["ocid"] == prefix + contract["posting_id"]
        posting = fold.postings[UUID(contract["posting_id"])]
        assert release["tender"]["title"] == posting["title"]
        assert release["tender"]["items"][0]["quantity"] == posting["quantity"]
        assert release["contracts"][0]["value"]["amount"] == contract["amount"]
        signed = release["contracts"][0].get("dateSigned")
        expected = contract["signed_at"]
        assert (signed is None) == (expected is None)
        if signed is not None:
            assert datetime.fromisoformat(signed.replace("Z", "+00:00")) == expected


def test_the_service_history_is_rich_enough(fold: Fold) -> None:
    services = fold.services
    requests = services.requests.values()
    assert len(requests) >= 250
    assert {r["closed"] for r in requests} == {True, False}
    assert any(r["provider"] is None for r in requests)
    kinds = Counter(s["kind"] for s in services.steps)
    assert kinds["dispatched"] > len([r for r in requests if r["provider"] is not None])
    for kind in ("accepted", "resolved"):
        assert {s["on_time"] for s in services.steps if s["kind"] == kind} == {True, False}
    assert {s["satisfied"] for s in services.steps if s["kind"] == "feedback"} == {True, False}
    resolutions = Counter(s["request"] for s in services.steps if s["kind"] == "resolved")
    assert max(resolutions.values()) >= 2  # reopened and resolved again
    providers = {s["provider"] for s in services.steps}
    assert len(providers) == 5 and sum(services.verified.values()) == 5
    assert set(services.products.values()) == {"active", "retired"}
    boundary = [r for r in requests if r["submitted_at"] == BOUNDARY]
    assert len(boundary) == 1 and month(BOUNDARY) == "2025-05"


@pytest.mark.parametrize("group_by", ["provider", "category", "month", "region"])
def test_services_equal_the_fold(world: World, fold: Fold, group_by: str) -> None:
    expected = expected_services(fold.services, group_by)
    assert read(world, "/stats/services", group_by=group_by) == expected
    assert sum(group["requests"] for group in expected) == len(fold.services.requests)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 5, 1), date(2025, 5, 1)),  # the boundary request, 30 April in UTC
        (date(2025, 3, 1), date(2025, 4, 30)),
        (date(2025, 7, 17), None),
        (None, date(2025, 2, 28)),
    ],
)
def test_services_in_a_period_equal_the_fold(
    world: World, fold: Fold, start: date | None, end: date | None
) -> None:
    params = {k: v.isoformat() for k, v in (("from", start), ("to", end)) if v is not None}
    for group_by in ("provider", "month"):
        answer = read(world, "/stats/services", group_by=group_by, **params)
        assert answer == expected_services(fold.services, group_by, start, end)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 1), date(2025, 12, 31)),  # everything
        (date(2025, 4, 1), date(2025, 4, 30)),  # the boundary deal, signed 31 March in UTC
        (date(2025, 5, 17), date(2025, 7, 2)),
    ],
)
def test_the_programme_report_equals_the_fold(
    world: World, fold: Fold, start: date, end: date
) -> None:
    params = {"from": start.isoformat(), "to": end.isoformat()}
    answer = read(world, "/reports/programme", **params)
    assert answer["position"] == world.head
    expected = expected_report(
        fold.report, fold.contracts, fold.exhibitions, fold.services, start, end, END
    )
    assert answered(answer) == expected
    if start == date(2025, 1, 1):  # every kind of figure is counted somewhere
        assert all(v for k, v in expected.items() if not k.startswith("activities."))
        assert expected["activities.participants"] > expected["activities.trained"] > 0


def test_a_rebuilt_view_answers_the_same(world: World, fold: Fold) -> None:
    def answers() -> list[Any]:
        return [
            read(world, "/stats"),
            read(world, "/stats/deals", group_by="exhibition"),
            read(world, "/stats/services", group_by="provider"),
            read(world, "/stats/services", group_by="month"),
            read(world, "/reports/programme", **{"from": "2025-01-01", "to": "2025-12-31"}),
        ]

    before = answers()
    rebuild(world.services.app, world.services.url, [world.services.views.stats])
    assert answers() == before
