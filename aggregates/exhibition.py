"""Exhibitions, matchmaking events, lectures and trainings, with their signups (seats at
lectures and trainings), waitlist and check-ins.

Signups are events on the exhibition's own stream, so whether a signup is confirmed or
waitlisted is decided by one aggregate version: capacity holds also under concurrency.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.errors import ConflictError, InvalidValueError, NotFoundError
from aggregates.exhibition_signup import (
    Signup,
    check_attended,
    check_attendees,
    promotions,
    require_confirmed,
    seats_taken,
)
from aggregates.exhibition_terms import STATUS_ZH, ExhibitionStatus, SignupStatus

__all__ = ["Exhibition", "Signup"]


class Exhibition(Aggregate):
    """An exhibition, matchmaking event, lecture or training that enterprises sign up for, up to
    its capacity."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Scheduled(Aggregate.Created):
        class_version = 2
        organizer_id: UUID
        name: str
        venue: str
        online: bool
        starts_at: datetime
        ends_at: datetime
        capacity: int
        signup_deadline: datetime
        kind: str  # exhibition, matchmaking, lecture or training
        description: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Before lectures and trainings, every activity was an exhibition."""
            state["kind"] = "exhibition"
            state["description"] = ""

    class SignedUp(Aggregate.Event):
        class_version = 2
        organization_id: UUID
        status: str  # confirmed or waitlisted: decided by the aggregate
        signed_up_at: datetime
        attendees: int  # seats taken (1 at exhibitions and matchmaking)

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["attendees"] = 1  # one booth, as every signup took before seats

    class SignupCancelled(Aggregate.Event):
        class_version = 2
        organization_id: UUID
        previous_status: str
        promoted_id: UUID | None  # the first waitlisted signup confirmed in its place
        cancelled_by: UUID
        promoted_ids: list[UUID]  # all confirmed in its place, in waitlist order

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            promoted = state["promoted_id"]
            state["promoted_ids"] = [] if promoted is None else [promoted]

    class CheckedIn(Aggregate.Event):
        class_version = 2
        organization_id: UUID
        checked_in_at: datetime
        checked_in_by: UUID
        attended: int  # persons (1 at exhibitions and matchmaking)

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["attended"] = 1

    class Cancelled(Aggregate.Event):
        reason: str
        cancelled_by: UUID

    class Closed(Aggregate.Event):
        pass

    @event(Scheduled)
    def __init__(
        self,
        organizer_id: UUID,
        name: str,
        venue: str,
        online: bool,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        signup_deadline: datetime,
        kind: str = "exhibition",
        description: str = "",
    ) -> None:
        self.organizer_id = organizer_id
        self.kind = kind
        self.description = description
        self.name = name
        self.venue = venue
        self.online = online
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.capacity = capacity
        self.signup_deadline = signup_deadline
        self.status: str = ExhibitionStatus.SCHEDULED
        self.cancel_reason: str | None = None
        self.signups: dict[UUID, Signup] = {}  # active signups only
        self.waitlist: list[UUID] = []  # in signup order

    # Queries ---------------------------------------------------------------------------

    @property
    def confirmed_count(self) -> int:
        return len(self.signups) - len(self.waitlist)

    @property
    def seats_taken(self) -> int:
        """Seats held by confirmed signups (booths at exhibitions and matchmaking)."""
        return seats_taken(self.signups.values())

    def get_signup(self, organization_id: UUID) -> Signup:
        try:
            return self.signups[organization_id]
        except KeyError:
            raise NotFoundError("signup not found", "未找到该报名") from None

    def waitlist_position(self, organization_id: UUID) -> int | None:
        """1 for the first waitlisted signup; None for a confirmed one."""
        if organization_id not in self.waitlist:
            return None
        return self.waitlist.index(organization_id) + 1

    # Guards ----------------------------------------------------------------------------

    def _require_scheduled(self) -> None:
        if self.status != ExhibitionStatus.SCHEDULED:
            raise ConflictError(f"exhibition is {self.status}", f"该展会{STATUS_ZH[self.status]}")

    def require_deal_venue(self, owner_id: UUID, bidder_id: UUID) -> None:
        """A deal is attributed here only if both parties hold confirmed signups."""
        if self.status == ExhibitionStatus.CANCELLED:
            raise ConflictError("exhibition is cancelled", "该展会已取消")
        require_confirmed(self.signups.get(owner_id), "the posting's owner", "发布方")
        require_confirmed(self.signups.get(bidder_id), "the bidder", "报价方")

    # Commands --------------------------------------------------------------------------

    def sign_up(self, organization_id: UUID, now: datetime, attendees: int = 1) -> Signup:
        """Confirmed while its seats (or a booth) are left, else waitlisted."""
        check_attendees(self.kind, attendees, self.capacity)
        self._require_scheduled()
        if now >= self.signup_deadline:
            raise ConflictError("the signup deadline has passed", "报名已截止")
        if organization_id in self.signups:
            raise ConflictError("already signed up for this exhibition", "已报名该展会")
        fits = self.seats_taken + attendees <= self.capacity
        status = SignupStatus.CONFIRMED if fits else SignupStatus.WAITLISTED
        self._signed_up(
            organization_id=organization_id, status=status, signed_up_at=now, attendees=attendees
        )
        return self.signups[organization_id]

    @event(SignedUp)
    def _signed_up(
        self, organization_id: UUID, status: str, signed_up_at: datetime, attendees: int
    ) -> None:
        self.signups[organization_id] = Signup(
            organization_id, status, signed_up_at, attendees=attendees
        )
        if status == SignupStatus.WAITLISTED:
            self.waitlist.append(organization_id)

    def cancel_signup(self, organization_id: UUID, by: UUID) -> tuple[Signup, list[UUID]]:
        """Give up a signup; a confirmed one's seats go to waitlisted signups in waitlist
        order, skipping those that do not fit. The cancelled signup, and those promoted."""
        self._require_scheduled()
        signup = self.get_signup(organization_id)
        if signup.checked_in_at is not None:
            raise ConflictError("the signup is already checked in", "该报名已签到，不能取消")
        promoted = []
        if signup.status == SignupStatus.CONFIRMED:
            free = self.capacity - self.seats_taken + signup.attendees
            promoted = promotions(self.waitlist, self.signups, free)
        self._signup_cancelled(
            organization_id=organization_id,
            previous_status=signup.status,
            promoted_id=promoted[0] if promoted else None,
            cancelled_by=by,
            promoted_ids=promoted,
        )
        return signup, promoted

    @event(SignupCancelled)
    def _signup_cancelled(
        self,
        organization_id: UUID,
        previous_status: str,
        promoted_id: UUID | None,
        cancelled_by: UUID,
        promoted_ids: list[UUID],
    ) -> None:
        self.signups.pop(organization_id).status = SignupStatus.CANCELLED
        if organization_id in self.waitlist:
            self.waitlist.remove(organization_id)
        for promoted in promoted_ids:
            self.waitlist.remove(promoted)
            self.signups[promoted].status = SignupStatus.CONFIRMED

    def check_in(
        self, organization_id: UUID, by: UUID, now: datetime, attended: int | None = None
    ) -> Signup:
        """Record that a confirmed participant arrived, with how many persons (by default
        all its attendees)."""
        self._require_scheduled()
        signup = require_confirmed(self.signups.get(organization_id), "the organization", "该机构")
        if signup.checked_in_at is not None:
            raise ConflictError("already checked in", "已签到")
        attended = signup.attendees if attended is None else attended
        check_attended(self.kind, attended, signup)
        self._checked_in(
            organization_id=organization_id, checked_in_at=now, checked_in_by=by, attended=attended
        )
        return signup

    @event(CheckedIn)
    def _checked_in(
        self, organization_id: UUID, checked_in_at: datetime, checked_in_by: UUID, attended: int
    ) -> None:
        signup = self.signups[organization_id]
        signup.checked_in_at, signup.attended = checked_in_at, attended

    def cancel(self, reason: str, by: UUID, now: datetime) -> None:
        if not reason.strip():
            raise InvalidValueError("a reason is required", "须填写取消原因", field="reason")
        self._require_scheduled()
        if now >= self.ends_at:
            raise ConflictError("exhibition has already ended", "该展会已结束")
        self._cancelled(reason=reason, cancelled_by=by)

    @event(Cancelled)
    def _cancelled(self, reason: str, cancelled_by: UUID) -> None:
        self.status = ExhibitionStatus.CANCELLED
        self.cancel_reason = reason

    def close(self, now: datetime) -> None:
        """Called by the deadline scheduler once the exhibition has ended."""
        self._require_scheduled()
        if now < self.ends_at:
            raise ConflictError("exhibition has not ended yet", "该展会尚未结束")
        self._closed()

    @event(Closed)
    def _closed(self) -> None:
        self.status = ExhibitionStatus.CLOSED
