"""Use cases of exhibitions, matchmaking events, lectures and trainings: scheduling, signups
(with their seats), check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from aggregates.bid import Bid
from aggregates.errors import ConflictError, ForbiddenError, NotFoundError
from aggregates.exhibition import Exhibition, Signup
from aggregates.exhibition_terms import check_kind, check_schedule
from marketplace.commands import MarketplaceBase, Outcome
from marketplace.organizations import VerificationGate

EXHIBITION = ("exhibition", "展会")


@dataclass(frozen=True, kw_only=True)
class SignupOutcome(Outcome[Exhibition]):
    """A command on one signup: the exhibition, that signup, and whom freed seats went to."""

    signup: Signup
    promoted_ids: tuple[UUID, ...] = ()


def with_signup(
    outcome: Outcome[Exhibition], signup: Signup, promoted_ids: list[UUID] | None = None
) -> SignupOutcome:
    return SignupOutcome(
        outcome.aggregate,
        outcome.version,
        outcome.position,
        outcome.others,
        signup=signup,
        promoted_ids=tuple(promoted_ids or ()),
    )


def check_deal_venue(app: MarketplaceBase, exhibition_id: UUID, owner_id: UUID, bid: Bid) -> None:
    """Deals are attributed to an exhibition only where both parties took part."""
    try:
        exhibition = app.load(Exhibition, exhibition_id, EXHIBITION)
    except NotFoundError:
        raise ConflictError("exhibition not found", "未找到该展会") from None
    exhibition.require_deal_venue(owner_id, bid.bidder_id)


def require_holder_or_operator(organization_id: UUID, by: UUID, as_operator: bool) -> None:
    if not as_operator and by != organization_id:
        raise ForbiddenError(
            "only the enterprise itself or an operator may cancel a signup",
            "只有报名企业本身或运营方可以取消报名",
        )


class ExhibitionUseCases(VerificationGate):
    def schedule_exhibition(
        self,
        organizer_id: UUID,
        *,
        name: str,
        venue: str,
        online: bool,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        signup_deadline: datetime,
        kind: str = "exhibition",
        description: str = "",
    ) -> Outcome[Exhibition]:
        """An operator schedules an exhibition, matchmaking event, lecture or training."""
        check_kind(kind)
        check_schedule(starts_at, ends_at, signup_deadline, self.clock())
        exhibition = Exhibition(
            organizer_id=organizer_id,
            name=name,
            venue=venue,
            online=online,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            signup_deadline=signup_deadline,
            kind=kind,
            description=description,
        )
        position = self.record(exhibition)
        return Outcome(exhibition, exhibition.version, position)

    def get_exhibition(self, exhibition_id: UUID) -> Exhibition:
        return self.load(Exhibition, exhibition_id, EXHIBITION)

    def sign_up(
        self, exhibition_id: UUID, organization_id: UUID, attendees: int = 1
    ) -> SignupOutcome:
        """Sign an enterprise up with its attendees (lectures and trainings; else one booth):
        confirmed while its seats are left, else waitlisted."""
        self.require_verified_enterprise(organization_id)

        def sign_up(exhibition: Exhibition) -> None:
            exhibition.sign_up(organization_id, self.clock(), attendees)

        outcome = self.change(Exhibition, exhibition_id, EXHIBITION, sign_up)
        return with_signup(outcome, outcome.aggregate.signups[organization_id])

    def cancel_signup(
        self, exhibition_id: UUID, organization_id: UUID, by: UUID, *, as_operator: bool = False
    ) -> SignupOutcome:
        """Give up a signup; waitlisted signups that fit take the freed seats in the same event."""
        require_holder_or_operator(organization_id, by, as_operator)
        found: dict[str, Any] = {}

        def cancel(exhibition: Exhibition) -> None:
            found["signup"], found["promoted"] = exhibition.cancel_signup(organization_id, by)

        outcome = self.change(Exhibition, exhibition_id, EXHIBITION, cancel)
        return with_signup(outcome, found["signup"], found["promoted"])

    def check_in(
        self, exhibition_id: UUID, organization_id: UUID, by: UUID, attended: int | None = None
    ) -> SignupOutcome:
        """An operator records that a confirmed participant arrived, with how many persons."""

        def check_in(exhibition: Exhibition) -> None:
            exhibition.check_in(organization_id, by, self.clock(), attended)

        outcome = self.change(Exhibition, exhibition_id, EXHIBITION, check_in)
        return with_signup(outcome, outcome.aggregate.signups[organization_id])

    def cancel_exhibition(self, exhibition_id: UUID, reason: str, by: UUID) -> Outcome[Exhibition]:
        """An operator cancels an exhibition that has not ended, saying why."""
        return self.change(
            Exhibition, exhibition_id, EXHIBITION, lambda e: e.cancel(reason, by, self.clock())
        )

    def close_exhibition(self, exhibition_id: UUID) -> Outcome[Exhibition]:
        """Called by the deadline scheduler once the exhibition has ended."""
        return self.change(Exhibition, exhibition_id, EXHIBITION, lambda e: e.close(self.clock()))
