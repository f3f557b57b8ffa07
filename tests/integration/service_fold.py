"""The service hall's part of the independent fold (tests/integration/test_stats_fold.py): the
raw events folded in plain Python, from what API.md ("Service requests") says each figure is,
without the statistics view or its SQL."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

CST = timezone(timedelta(hours=8))


@dataclass
class ServiceFold:
    verified: dict[UUID, bool] = field(default_factory=dict)  # providers: verified or not
    products: dict[UUID, str] = field(default_factory=dict)  # status
    requests: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)

    def apply(self, event: Any) -> None:
        handler = getattr(self, "on_" + type(event).__qualname__.replace(".", "_"), None)
        if handler is not None:
            handler(event)

    def on_Organization_Registered(self, e: Any) -> None:
        if e.kind == "provider":
            self.verified[e.originator_id] = bool(e.verified)  # providers start unverified

    def on_Organization_Verified(self, e: Any) -> None:
        if e.originator_id in self.verified:
            self.verified[e.originator_id] = True

    def on_ServiceProduct_Published(self, e: Any) -> None:
        self.products[e.originator_id] = "active"

    def on_ServiceProduct_Retired(self, e: Any) -> None:
        self.products[e.originator_id] = "retired"

    def on_ServiceProduct_Removed(self, e: Any) -> None:
        self.products[e.originator_id] = "removed"

    def on_ServiceRequest_Submitted(self, e: Any) -> None:
        self.requests[e.originator_id] = {
            "category": e.category,
            "region": e.region,
            "submitted_at": e.submitted_at,
            "provider": None,
            "closed": False,
        }

    def step(self, e: Any, kind: str, **facts: Any) -> None:
        self.steps.append({"request": e.originator_id, "kind": kind, "provider": e.provider_id})
        self.steps[-1].update(facts)

    def on_ServiceRequest_Dispatched(self, e: Any) -> None:
        self.requests[e.originator_id]["provider"] = e.provider_id
        self.step(e, "dispatched")

    def on_ServiceRequest_Returned(self, e: Any) -> None:
        self.requests[e.originator_id]["provider"] = None

    def on_ServiceRequest_Accepted(self, e: Any) -> None:
        self.step(e, "accepted", on_time=e.at <= e.accept_by, wait=e.at - e.dispatched_at)

    def on_ServiceRequest_Resolved(self, e: Any) -> None:
        self.step(e, "resolved", on_time=e.at <= e.resolve_by, wait=e.at - e.started_at)

    def on_ServiceRequest_FeedbackGiven(self, e: Any) -> None:
        self.step(e, "feedback", satisfied=e.satisfaction in (4, 5))

    def on_ServiceRequest_Closed(self, e: Any) -> None:
        self.requests[e.originator_id].update(closed=True, provider=e.provider_id)


def month(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m")


def _text(key: UUID | None) -> str | None:
    return None if key is None else str(key)


# group_by → the key of a request, and of a step given its request
REQUEST_KEYS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "month": lambda r: month(r["submitted_at"]),
    "category": lambda r: r["category"],
    "region": lambda r: r["region"],
    "provider": lambda r: _text(r["provider"]),
}


def step_key(group_by: str, step: dict[str, Any], request: dict[str, Any]) -> str | None:
    return _text(step["provider"]) if group_by == "provider" else REQUEST_KEYS[group_by](request)


def rate(part: int, whole: int) -> str | None:
    if whole == 0:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def median_hours(waits: list[timedelta]) -> str | None:
    if not waits:
        return None
    exact = [Decimal(w.days * 86400 + w.seconds) + Decimal(w.microseconds) / 10**6 for w in waits]
    hours = statistics.median(exact) / 3600
    return str(hours.quantize(Decimal("0.01"), ROUND_HALF_UP))


def figures(requests: list[dict[str, Any]], steps: list[dict[str, Any]]) -> dict[str, Any]:
    def of(kind: str) -> list[dict[str, Any]]:
        return [s for s in steps if s["kind"] == kind]

    counts = {
        "requests": len(requests),
        "dispatched": len(of("dispatched")),
        "accepted": len(of("accepted")),
        "accepted_on_time": sum(s["on_time"] for s in of("accepted")),
        "resolved": len(of("resolved")),
        "resolved_on_time": sum(s["on_time"] for s in of("resolved")),
        "closed": sum(r["closed"] for r in requests),
        "feedback": len(of("feedback")),
        "satisfied": sum(s["satisfied"] for s in of("feedback")),
    }
    return {
        **counts,
        "response_rate": rate(counts["accepted_on_time"], counts["dispatched"]),
        "resolution_rate": rate(counts["resolved_on_time"], counts["resolved"]),
        "satisfaction_rate": rate(counts["satisfied"], counts["feedback"]),
        "median_hours_to_accept": median_hours([s["wait"] for s in of("accepted")]),
        "median_hours_to_resolve": median_hours([s["wait"] for s in of("resolved")]),
    }


def within(moment: datetime, start: date | None, end: date | None) -> bool:
    day = moment.astimezone(CST).date()
    return (start is None or day >= start) and (end is None or day <= end)


def expected_services(
    fold: ServiceFold, group_by: str, start: date | None = None, end: date | None = None
) -> list[dict[str, Any]]:
    """`GET /stats/services`: requests submitted in the period, each count under its key."""
    chosen = {k: r for k, r in fold.requests.items() if within(r["submitted_at"], start, end)}
    requests: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    steps: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for request in chosen.values():
        requests[REQUEST_KEYS[group_by](request)].append(request)
    for step in fold.steps:
        if step["request"] in chosen:
            steps[step_key(group_by, step, chosen[step["request"]])].append(step)
    keys = sorted(set(requests) | set(steps), key=lambda k: (k is None, k or ""))
    return [{"key": key, **figures(requests[key], steps[key])} for key in keys]


def expected_block(fold: ServiceFold) -> dict[str, Any]:
    """The `services` block of `GET /stats`."""
    every = figures(list(fold.requests.values()), fold.steps)
    return {
        "providers": sum(fold.verified.values()),
        "products": list(fold.products.values()).count("active"),
        "requests": every["requests"],
        "closed": every["closed"],
        **{k: every[k] for k in ("response_rate", "resolution_rate", "satisfaction_rate")},
    }
