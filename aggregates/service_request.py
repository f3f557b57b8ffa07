"""Service requests (诉求): an enterprise asks, an operator dispatches (派单), a provider signs
for it (签收) or returns it (退单) and resolves it (办结), the enterprise follows up (回访).

One aggregate per request: "one provider at a time" and "feedback once per resolution" are
decided by one aggregate version. Each event carries its time as the application's clock saw it
(`submitted_at`, `at`) and what statistics need without other lookups; deadlines are computed
by the use cases from the settings and stored in the events.

- `Submitted`: enterprise_id, category, title, description, urgency, region, product_id (a
  direct order of that product, else None), submitted_at.
- `Dispatched`: provider_id, accept_by, note, operator_id (None: a product order going to the
  product's provider), previous_provider_id (on a re-dispatch), at.
- `Accepted` (签收): provider_id, accept_by and dispatched_at (of that dispatch), resolve_by, at.
- `Returned` (退单): provider_id, reason, at; from `dispatched` back to `submitted`.
- `NoteAdded`: author_id (the enterprise's, the provider's or an operator's organization), text,
  provider_id (the one it is dispatched to, or None), at.
- `Resolved` (办结): provider_id, summary, resolve_by (in force), started_at (the acceptance or
  reopening the work ran from), at.
- `FeedbackGiven` (回访): provider_id, satisfaction 1–5, resolved, comment, reopened (not
  resolved or satisfaction ≤ 2), resolve_by (the new deadline when reopened, else None), at.
  Unless reopened, `Closed` follows in the same save.
- `Withdrawn`: reason (or None), provider_id (the one it was dispatched to, or None), at.
- `Overdue`: deadline (`accept` | `resolve`), due (its value), provider_id, at; once per value.
- `Closed`: provider_id, satisfaction (None when closed without feedback), automatic, at.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.attachments import Attachable
from aggregates.service_product_terms import check_category
from aggregates.service_request_terms import (
    ACCEPT,
    RESOLVE,
    SATISFIED_FROM,
    RequestStatus,
    check_passed,
    check_redispatch,
    check_satisfaction,
    check_urgency,
    require_party,
    require_status,
)

__all__ = ["RequestStatus", "ServiceRequest"]

S = RequestStatus
OPEN = (S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.REOPENED)  # may be withdrawn
WORKING = (S.ACCEPTED, S.REOPENED)  # signed for, not resolved


class ServiceRequest(Attachable):
    """An enterprise's request for a service, dispatched to one provider at a time."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Submitted(Aggregate.Created):
        enterprise_id: UUID
        category: str
        title: str
        description: str
        urgency: str
        region: str
        product_id: UUID | None
        submitted_at: datetime

    class Dispatched(Aggregate.Event):
        provider_id: UUID
        accept_by: datetime
        note: str | None
        operator_id: UUID | None
        previous_provider_id: UUID | None
        at: datetime

    class Accepted(Aggregate.Event):
        provider_id: UUID
        accept_by: datetime
        dispatched_at: datetime
        resolve_by: datetime
        at: datetime

    class Returned(Aggregate.Event):
        provider_id: UUID
        reason: str
        at: datetime

    class NoteAdded(Aggregate.Event):
        author_id: UUID
        text: str
        provider_id: UUID | None
        at: datetime

    class Resolved(Aggregate.Event):
        provider_id: UUID
        summary: str
        resolve_by: datetime
        started_at: datetime
        at: datetime

    class FeedbackGiven(Aggregate.Event):
        provider_id: UUID
        satisfaction: int
        resolved: bool
        comment: str | None
        reopened: bool
        resolve_by: datetime | None
        at: datetime

    class Withdrawn(Aggregate.Event):
        reason: str | None
        provider_id: UUID | None
        at: datetime

    class Overdue(Aggregate.Event):
        deadline: str
        due: datetime
        provider_id: UUID
        at: datetime

    class Closed(Aggregate.Event):
        provider_id: UUID
        satisfaction: int | None
        automatic: bool
        at: datetime

    @event(Submitted)
    def __init__(
        self,
        enterprise_id: UUID,
        category: str,
        title: str,
        description: str,
        urgency: str,
        region: str,
        product_id: UUID | None,
        submitted_at: datetime,
    ) -> None:
        self.enterprise_id, self.product_id, self.submitted_at = (
            enterprise_id,
            product_id,
            submitted_at,
        )
        self.category, self.title, self.description = category, title, description
        self.urgency, self.region, self.status = urgency, region, S.SUBMITTED
        self.provider_id: UUID | None = None
        self.dispatched_at: datetime | None = None
        self.accept_by: datetime | None = None
        self.resolve_by: datetime | None = None
        self.accepted_at: datetime | None = None
        self.started_at: datetime | None = None  # of the work: acceptance or reopening
        self.resolved_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.satisfaction: int | None = None
        self.overdue = {ACCEPT: False, RESOLVE: False}  # the current deadlines marked

    @classmethod
    def submit(cls, enterprise_id: UUID, now: datetime, **terms: Any) -> ServiceRequest:
        """`terms`: category, title, description, urgency, region, product_id."""
        check_category(terms["category"])
        check_urgency(terms["urgency"])
        return cls(enterprise_id=enterprise_id, submitted_at=now, **terms)

    def require_enterprise(self, organization_id: UUID) -> None:
        require_party(organization_id, self.enterprise_id, enterprise=True)

    def require_provider(self, organization_id: UUID) -> None:
        require_party(organization_id, self.provider_id, enterprise=False)

    def dispatch(
        self,
        provider_id: UUID,
        accept_by: datetime,
        note: str | None,
        by: UUID | None,
        now: datetime,
    ) -> None:
        """From submitted; a dispatched one any time; one being worked on once overdue."""
        require_status(self.status, S.SUBMITTED, S.DISPATCHED, *WORKING)
        check_redispatch(
            self.status in WORKING, self.resolve_by, now, provider_id == self.provider_id
        )
        self._dispatched(provider_id, accept_by, note, by, self.provider_id, now)

    @event(Dispatched)
    def _dispatched(
        self,
        provider_id: UUID,
        accept_by: datetime,
        note: str | None,
        operator_id: UUID | None,
        previous_provider_id: UUID | None,
        at: datetime,
    ) -> None:
        self.status, self.provider_id = S.DISPATCHED, provider_id
        self.dispatched_at, self.accept_by = at, accept_by
        self.resolve_by = self.started_at = self.accepted_at = None
        self.overdue = {ACCEPT: False, RESOLVE: False}

    def accept(self, provider_id: UUID, resolve_by: datetime, now: datetime) -> None:
        self.require_provider(provider_id)
        require_status(self.status, S.DISPATCHED)
        assert self.accept_by is not None and self.dispatched_at is not None
        self._accepted(provider_id, self.accept_by, self.dispatched_at, resolve_by, now)

    @event(Accepted)
    def _accepted(
        self,
        provider_id: UUID,
        accept_by: datetime,
        dispatched_at: datetime,
        resolve_by: datetime,
        at: datetime,
    ) -> None:
        self.status, self.resolve_by, self.started_at = S.ACCEPTED, resolve_by, at
        self.accepted_at = at

    def return_(self, provider_id: UUID, reason: str, now: datetime) -> None:
        """The provider hands it back instead of signing for it (退单: `dispatched` →
        `submitted`, as the contract's statuses say); the operator dispatches it anew. Once
        signed for, it is the provider's to resolve, or the operator's to re-dispatch when
        overdue, so an accept and a return racing each other have exactly one winner."""
        self.require_provider(provider_id)
        require_status(self.status, S.DISPATCHED)
        self._returned(provider_id, reason, now)

    @event(Returned)
    def _returned(self, provider_id: UUID, reason: str, at: datetime) -> None:
        self.status, self.provider_id = S.SUBMITTED, None
        self.accept_by = self.resolve_by = self.started_at = self.accepted_at = None
        self.overdue = {ACCEPT: False, RESOLVE: False}

    def add_note(self, author_id: UUID, text: str, now: datetime) -> None:
        """Who may write is the use case's rule; not once the request is closed or withdrawn."""
        require_status(self.status, *OPEN, S.RESOLVED)
        self._note_added(author_id, text, self.provider_id, now)

    @event(NoteAdded)
    def _note_added(
        self, author_id: UUID, text: str, provider_id: UUID | None, at: datetime
    ) -> None:
        self.noted_at = at  # the last note's time

    def resolve(self, provider_id: UUID, summary: str, now: datetime) -> None:
        self.require_provider(provider_id)
        require_status(self.status, *WORKING)
        assert self.resolve_by is not None and self.started_at is not None
        self._resolved(provider_id, summary, self.resolve_by, self.started_at, now)

    @event(Resolved)
    def _resolved(
        self,
        provider_id: UUID,
        summary: str,
        resolve_by: datetime,
        started_at: datetime,
        at: datetime,
    ) -> None:
        self.status, self.resolved_at = S.RESOLVED, at

    def give_feedback(
        self,
        enterprise_id: UUID,
        satisfaction: int,
        resolved: bool,
        comment: str | None,
        reopen_resolve_by: datetime,
        now: datetime,
    ) -> None:
        """Once per resolution; unresolved or satisfaction ≤ 2 reopens it with a new deadline."""
        self.require_enterprise(enterprise_id)
        require_status(self.status, S.RESOLVED)
        check_satisfaction(satisfaction)
        assert self.provider_id is not None
        reopened = not resolved or satisfaction < SATISFIED_FROM
        resolve_by = reopen_resolve_by if reopened else None
        self._feedback_given(
            self.provider_id, satisfaction, resolved, comment, reopened, resolve_by, now
        )
        if not reopened:
            self._closed(self.provider_id, satisfaction, False, now)

    @event(FeedbackGiven)
    def _feedback_given(
        self,
        provider_id: UUID,
        satisfaction: int,
        resolved: bool,
        comment: str | None,
        reopened: bool,
        resolve_by: datetime | None,
        at: datetime,
    ) -> None:
        self.satisfaction = satisfaction
        if reopened:
            self.status, self.resolve_by, self.started_at = S.REOPENED, resolve_by, at
            self.resolved_at, self.overdue[RESOLVE] = None, False

    def withdraw(self, enterprise_id: UUID, reason: str | None, now: datetime) -> None:
        self.require_enterprise(enterprise_id)
        require_status(self.status, *OPEN)
        self._withdrawn(reason, self.provider_id, now)

    @event(Withdrawn)
    def _withdrawn(self, reason: str | None, provider_id: UUID | None, at: datetime) -> None:
        self.status, self.closed_at = S.WITHDRAWN, at

    def mark_overdue(self, deadline: str, now: datetime) -> None:
        """The scheduler's mark: accept while dispatched, resolve while being worked on."""
        require_status(self.status, *((S.DISPATCHED,) if deadline == ACCEPT else WORKING))
        due = self.accept_by if deadline == ACCEPT else self.resolve_by
        due = check_passed(deadline, due, self.overdue[deadline], now)
        assert self.provider_id is not None
        self._overdue(deadline, due, self.provider_id, now)

    @event(Overdue)
    def _overdue(self, deadline: str, due: datetime, provider_id: UUID, at: datetime) -> None:
        self.overdue[deadline] = True

    def close_without_feedback(self, due: datetime, now: datetime) -> None:
        """Resolved and no feedback by `due` (resolution + the feedback days): closed."""
        require_status(self.status, S.RESOLVED)
        check_passed("feedback", due, False, now)
        assert self.provider_id is not None
        self._closed(self.provider_id, None, True, now)

    @event(Closed)
    def _closed(
        self, provider_id: UUID, satisfaction: int | None, automatic: bool, at: datetime
    ) -> None:
        self.status, self.closed_at = S.CLOSED, at
