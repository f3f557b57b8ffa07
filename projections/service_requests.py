"""Service requests view: one row per request (status, parties, deadlines, overdue marks) and
one row per step of its timeline; its tables and reads in `service_request_queries.py`."""

from __future__ import annotations

from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.sql import SQL

from aggregates.service_request import ServiceRequest as R
from projections.engine import View
from projections.rows import Row, Rows
from projections.service_request_queries import (
    SERVICE_REQUEST_STEPS,
    SERVICE_REQUESTS,
    ServiceRequestsQueries,
)

STEP_TYPES: dict[type, str] = {
    R.Submitted: "submitted",
    R.Dispatched: "dispatched",
    R.Accepted: "accepted",
    R.Returned: "returned",
    R.NoteAdded: "note",
    R.Resolved: "resolved",
    R.FeedbackGiven: "feedback",
    R.Withdrawn: "withdrawn",
    R.Overdue: "overdue",
    R.Closed: "closed",
}
ENTERPRISE = "enterprise"  # a step the request's enterprise took
CLEARED = {"accept_by": None, "resolve_by": None, "overdue_accept": False, "overdue_resolve": False}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class ServiceRequestsView(ServiceRequestsQueries, View):
    name = "service_requests"
    tables = (SERVICE_REQUESTS, SERVICE_REQUEST_STEPS)
    event_classes = tuple(STEP_TYPES)
    schema = (
        SERVICE_REQUESTS.create,
        SERVICE_REQUEST_STEPS.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS service_requests_enterprise_idx"
            " ON service_requests (enterprise_id, submitted_position DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS service_requests_product_idx"
            " ON service_requests (product_id) WHERE product_id IS NOT NULL"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS service_requests_provider_idx"
            " ON service_requests (provider_id, submitted_position DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS service_requests_open_idx ON service_requests (status)"
            " WHERE status IN ('dispatched', 'accepted', 'reopened', 'resolved')"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS service_request_steps_request_idx"
            " ON service_request_steps (request_id, position)"
        ),
    )

    def fold(self, event: Any, rows: Rows, position: int) -> None:
        changes = {
            **self._changes(event),
            "version": event.originator_version,
            "position": position,
        }
        row: Row | None
        if isinstance(event, R.Submitted):
            row = SERVICE_REQUESTS.row(**changes, submitted_position=position)
            rows.put("service_requests", row)
        else:
            row = rows.update("service_requests", event.originator_id, **changes)
        if row is None:  # a request this view never saw created: nothing to attach a step to
            return
        by, text, details = self._step(event)
        step = SERVICE_REQUEST_STEPS.row(
            position=position,
            request_id=event.originator_id,
            type=STEP_TYPES[type(event)],
            at=event.submitted_at if isinstance(event, R.Submitted) else event.at,
            by_id=row["enterprise_id"] if by == ENTERPRISE else by,
            text=text,
            details=details,
        )
        rows.put("service_request_steps", step)

    @singledispatchmethod
    def _changes(self, event: Any) -> Row:
        raise TypeError(event)

    @_changes.register
    def _(self, event: R.Submitted) -> Row:
        return dict(
            id=event.originator_id,
            enterprise_id=event.enterprise_id,
            category=event.category,
            title=event.title,
            description=event.description,
            urgency=event.urgency,
            region=event.region,
            product_id=event.product_id,
            status="submitted",
            submitted_at=event.submitted_at,
            overdue_accept=False,
            overdue_resolve=False,
        )

    @_changes.register
    def _(self, event: R.Dispatched) -> Row:
        return {
            **CLEARED,
            "status": "dispatched",
            "provider_id": event.provider_id,
            "dispatched_at": event.at,
            "accept_by": event.accept_by,
            "accepted_at": None,
        }

    @_changes.register
    def _(self, event: R.Accepted) -> Row:
        return {"status": "accepted", "accepted_at": event.at, "resolve_by": event.resolve_by}

    @_changes.register
    def _(self, event: R.Returned) -> Row:
        return {**CLEARED, "status": "submitted", "provider_id": None, "accepted_at": None}

    @_changes.register
    def _(self, event: R.NoteAdded) -> Row:
        return {}

    @_changes.register
    def _(self, event: R.Resolved) -> Row:
        return {"status": "resolved", "resolved_at": event.at}

    @_changes.register
    def _(self, event: R.FeedbackGiven) -> Row:
        if not event.reopened:
            return {"satisfaction": event.satisfaction}
        return {
            "status": "reopened",
            "satisfaction": event.satisfaction,
            "resolve_by": event.resolve_by,
            "resolved_at": None,
            "overdue_resolve": False,
        }

    @_changes.register
    def _(self, event: R.Withdrawn) -> Row:
        return {"status": "withdrawn", "closed_at": event.at}

    @_changes.register
    def _(self, event: R.Overdue) -> Row:
        return {f"overdue_{event.deadline}": True}

    @_changes.register
    def _(self, event: R.Closed) -> Row:
        return {"status": "closed", "closed_at": event.at, "satisfaction": event.satisfaction}

    @staticmethod
    def _step(event: Any) -> tuple[UUID | str | None, str | None, dict[str, Any]]:
        """Who took the step (None: the platform's scheduler), its text and its details."""
        match event:
            case R.Submitted():
                return (
                    event.enterprise_id,
                    None,
                    {"product_id": event.product_id and str(event.product_id)},
                )
            case R.Dispatched():
                details: dict[str, Any] = {
                    "provider_id": str(event.provider_id),
                    "accept_by": _iso(event.accept_by),
                }
                return event.operator_id or ENTERPRISE, event.note, details
            case R.Accepted():
                return event.provider_id, None, {"resolve_by": _iso(event.resolve_by)}
            case R.Returned():
                return event.provider_id, event.reason, {}
            case R.NoteAdded():
                return event.author_id, event.text, {}
            case R.Resolved():
                return event.provider_id, event.summary, {}
            case R.FeedbackGiven():
                details = {
                    "satisfaction": event.satisfaction,
                    "resolved": event.resolved,
                    "reopened": event.reopened,
                    "resolve_by": _iso(event.resolve_by),
                }
                return ENTERPRISE, event.comment, details
            case R.Withdrawn():
                return ENTERPRISE, event.reason, {}
            case R.Overdue():
                return None, None, {"deadline": event.deadline, "due": _iso(event.due)}
            case R.Closed():
                by = None if event.automatic else ENTERPRISE
                return by, None, {"satisfaction": event.satisfaction, "automatic": event.automatic}
        raise TypeError(event)
