"""The programme report's part of the independent fold (tests/integration/test_stats_fold.py):
who acted when, policies published, needs matched and disbursed; and what
`GET /reports/programme` must answer for a period, folded in plain Python from what the events
mean (API.md, "Contract document and programme report"; README), without the statistics view.
Also the report's part of the history: policies published over the months."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from tests.integration.service_fold import ServiceFold, figures
from tests.integration.stats_history import START, History

CST = timezone(timedelta(hours=8))
DONE = ("signed", "completed")


def plan_policies(history: History) -> None:
    """Eight policies, one every 29 days and 7 hours, published by the operator."""
    for index in range(8):
        when = START + timedelta(days=10 + 29 * index, hours=7 * index)
        publish = partial(
            history.app.publish_policy,
            history.operator,
            title=f"关于支持中小企业发展的通知（第{index + 1}号）",
            body="对符合条件的中小企业给予补贴。Subsidies for SMEs.",
            issuer="工业和信息化部办公厅",
            document_number=None,
            topics=["digitalization"],
            regions=[],
            industries=[],
            effective_from=None,
            effective_until=None,
            url=None,
        )
        history.at(when, publish)


@dataclass
class ReportFold:
    kinds: dict[UUID, str] = field(default_factory=dict)
    acts: list[tuple[UUID, datetime]] = field(default_factory=list)
    policies: list[datetime] = field(default_factory=list)
    postings: list[datetime] = field(default_factory=list)
    needs: dict[UUID, dict[str, Any]] = field(default_factory=dict)

    def apply(self, event: Any) -> None:
        handler = getattr(self, "on_" + type(event).__qualname__.replace(".", "_"), None)
        if handler is not None:
            handler(event)

    def on_Organization_Registered(self, e: Any) -> None:
        self.kinds[e.originator_id] = e.kind

    def on_Posting_Published(self, e: Any) -> None:
        self.acts.append((e.owner_id, e.timestamp))
        self.postings.append(e.timestamp)

    def on_Posting_BidPlaced(self, e: Any) -> None:
        self.acts.append((e.bidder_id, e.placed_at))

    def on_FinancingNeed_Posted(self, e: Any) -> None:
        self.acts.append((e.owner_id, e.timestamp))
        self.needs[e.originator_id] = {"owner": e.owner_id, "posted_at": e.timestamp}

    def on_FinancingNeed_OfferAccepted(self, e: Any) -> None:
        self.needs[e.originator_id].update(matched_at=e.timestamp, matched=e.amount)

    def on_FinancingNeed_Disbursed(self, e: Any) -> None:
        self.needs[e.originator_id].update(disbursed_at=e.disbursed_at, disbursed=e.amount)

    def on_ServiceRequest_Submitted(self, e: Any) -> None:
        self.acts.append((e.enterprise_id, e.submitted_at))

    def on_Exhibition_SignedUp(self, e: Any) -> None:
        self.acts.append((e.organization_id, e.signed_up_at))

    def on_Policy_Published(self, e: Any) -> None:
        self.policies.append(e.timestamp)


def _in(moment: datetime | None, start: date, end: date) -> bool:
    return moment is not None and start <= moment.astimezone(CST).date() <= end


def _cny(contracts: list[dict[str, Any]]) -> Decimal:
    return sum((c["amount"] for c in contracts if c["currency"] == "CNY"), Decimal(0))


def expected_report(
    report: ReportFold,
    contracts: dict[UUID, dict[str, Any]],
    exhibitions: dict[UUID, dict[str, Any]],
    services: ServiceFold,
    start: date,
    end: date,
    now: datetime,
) -> dict[str, Any]:
    """`section.figure` → value (amounts and rates as Decimals) for the period."""
    served = {
        o for o, at in report.acts if report.kinds.get(o) == "enterprise" and _in(at, start, end)
    }
    chosen = {k: r for k, r in services.requests.items() if _in(r["submitted_at"], start, end)}
    steps = [s for s in services.steps if s["request"] in chosen]
    service = figures(list(chosen.values()), steps)
    held = [
        x
        for x in exhibitions.values()
        if x["status"] != "cancelled" and x["starts_at"] <= now and _in(x["starts_at"], start, end)
    ]

    def of(kind: str) -> list[dict[str, Any]]:
        return [x for x in held if x["kind"] == kind]

    def persons(kinds: tuple[str, ...]) -> int:
        return sum(sum(x["checked_in"].values()) for x in held if x["kind"] in kinds)

    done = [
        c for c in contracts.values() if c["status"] in DONE and _in(c["signed_at"], start, end)
    ]
    sales = [c for c in done if c["kind"] == "sale"]
    loans = [c for c in done if c["kind"] == "loan"]
    needs = report.needs.values()
    matched = [n for n in needs if _in(n.get("matched_at"), start, end)]
    disbursed = [n for n in needs if _in(n.get("disbursed_at"), start, end)]

    def rate(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return {
        "enterprises.served": len(served),
        "service_requests.received": service["requests"],
        "service_requests.closed": service["closed"],
        "service_requests.response_rate": rate(service["response_rate"]),
        "service_requests.resolution_rate": rate(service["resolution_rate"]),
        "service_requests.satisfaction_rate": rate(service["satisfaction_rate"]),
        "policies.published": sum(_in(at, start, end) for at in report.policies),
        "activities.exhibitions": len(of("exhibition")),
        "activities.matchmaking": len(of("matchmaking")),
        "activities.lectures": len(of("lecture")),
        "activities.trainings": len(of("training")),
        "activities.participants": persons(("exhibition", "matchmaking", "lecture", "training")),
        "activities.trained": persons(("lecture", "training")),
        "supply_demand.postings": sum(_in(at, start, end) for at in report.postings),
        "supply_demand.deals": len(sales),
        "supply_demand.deal_amount": _cny(sales),
        "financing.needs": sum(_in(n["posted_at"], start, end) for n in needs),
        "financing.matched": len(matched),
        "financing.amount_matched": sum((n["matched"] for n in matched), Decimal(0)),
        "financing.amount_disbursed": sum((n["disbursed"] for n in disbursed), Decimal(0)),
        "financing.enterprises_financed": len({n["owner"] for n in disbursed}),
        "exhibitions.held": len(of("exhibition")),
        "exhibitions.exhibitors": sum(len(x["checked_in"]) for x in of("exhibition")),
        "contracts.sale_signed": len(sales),
        "contracts.sale_amount": _cny(sales),
        "contracts.loan_signed": len(loans),
        "contracts.loan_amount": _cny(loans),
    }


def answered(report: dict[str, Any]) -> dict[str, Any]:
    """The report's figures as `section.figure` → value, decimal strings as Decimals."""
    return {
        f"{s['key']}.{f['key']}": Decimal(f["value"]) if isinstance(f["value"], str) else f["value"]
        for s in report["sections"]
        for f in s["figures"]
    }
