"""How the statistics view folds the service hall: verified providers, active service products,
and each service request with one row per dispatch, acceptance, resolution and feedback (the
figures of `GET /stats/services` are counted from these in `projections.stats_service_queries`).

A step row names the provider it belongs to (API.md: by `provider`, each dispatch, acceptance,
resolution and feedback belongs to the provider concerned); a request row holds what its
`requests` and `closed` are counted under: its submission date, region and category, and its
provider (the one it was closed with, else the current one; None while not dispatched).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aggregates.organization import Organization
from aggregates.service_product import ServiceProduct
from aggregates.service_request import ServiceRequest
from projections.rows import Rows
from projections.stats_report import act
from projections.stats_tables import SERVICE_STEPS

R = ServiceRequest


def _verified(event: Organization.Verified, rows: Rows) -> None:
    rows.update("stats_organizations", event.originator_id, verified=True)


def _published(event: ServiceProduct.Published, rows: Rows) -> None:
    rows.put("stats_service_products", {"id": event.originator_id, "status": "active"})


def _submitted(event: R.Submitted, rows: Rows) -> None:
    rows.put(
        "stats_service_requests",
        {
            "id": event.originator_id,
            "category": event.category,
            "region": event.region,
            "submitted_at": event.submitted_at,
            "provider_id": None,
            "closed": False,
        },
    )
    act(rows, event, event.enterprise_id, event.submitted_at)


def _step(event: Any, rows: Rows, kind: str, **values: Any) -> None:
    """One dispatch, acceptance, resolution or feedback, for the provider concerned."""
    key = f"{event.originator_id}:{event.originator_version}"
    row = SERVICE_STEPS.row(
        id=key,
        request_id=event.originator_id,
        kind=kind,
        provider_id=event.provider_id,
        at=event.at,
        **values,
    )
    rows.put("stats_service_steps", row)


def _dispatched(event: R.Dispatched, rows: Rows) -> None:
    _step(event, rows, "dispatch")
    rows.update("stats_service_requests", event.originator_id, provider_id=event.provider_id)


def _accepted(event: R.Accepted, rows: Rows) -> None:
    _step(event, rows, "accept", started_at=event.dispatched_at, due=event.accept_by)


def _returned(event: R.Returned, rows: Rows) -> None:
    rows.update("stats_service_requests", event.originator_id, provider_id=None)


def _resolved(event: R.Resolved, rows: Rows) -> None:
    _step(event, rows, "resolve", started_at=event.started_at, due=event.resolve_by)


def _feedback_given(event: R.FeedbackGiven, rows: Rows) -> None:
    _step(event, rows, "feedback", satisfaction=event.satisfaction)


def _closed(event: R.Closed, rows: Rows) -> None:
    changes = {"provider_id": event.provider_id, "closed": True}
    rows.update("stats_service_requests", event.originator_id, **changes)


# Event class → how it changes the rows (registered on `StatsView.fold`).
SERVICE_FOLDS: dict[type, Callable[[Any, Rows], None]] = {
    Organization.Verified: _verified,
    ServiceProduct.Published: _published,
    R.Submitted: _submitted,
    R.Dispatched: _dispatched,
    R.Accepted: _accepted,
    R.Returned: _returned,
    R.Resolved: _resolved,
    R.FeedbackGiven: _feedback_given,
    R.Closed: _closed,
}
