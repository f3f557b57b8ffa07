"""A signup kept inside an exhibition, and the rules of seats: how many a signup takes, how
many of them attended, and which waitlisted signups freed seats go to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from aggregates.errors import ConflictError, InvalidValueError
from aggregates.exhibition_terms import SEATED_KINDS, SignupStatus

MAX_ATTENDEES = 50


@dataclass
class Signup:
    organization_id: UUID
    status: str
    signed_up_at: datetime
    checked_in_at: datetime | None = None
    attendees: int = 1  # seats taken: 1 at exhibitions and matchmaking (one booth)
    attended: int | None = None  # persons checked in, once checked in


def seats_taken(signups: Iterable[Signup]) -> int:
    """Seats (or booths) held by confirmed signups."""
    return sum(s.attendees for s in signups if s.status == SignupStatus.CONFIRMED)


def promotions(waitlist: list[UUID], signups: Mapping[UUID, Signup], free: int) -> list[UUID]:
    """Waitlisted signups that take `free` seats, in waitlist order, skipping those that do not
    fit (a later, smaller signup may go before an earlier, larger one)."""
    promoted = []
    for organization_id in waitlist:
        attendees = signups[organization_id].attendees
        if attendees <= free:
            promoted.append(organization_id)
            free -= attendees
    return promoted


def require_confirmed(signup: Signup | None, en: str, zh: str) -> Signup:
    """The party (`en`/`zh`, e.g. "the bidder"/"报价方") holds a confirmed signup."""
    if signup is None:
        raise ConflictError(f"{en} has not signed up for this exhibition", f"{zh}未报名该展会")
    if signup.status != SignupStatus.CONFIRMED:
        raise ConflictError(
            f"{en} is only waitlisted for this exhibition", f"{zh}仅在该展会候补名单中"
        )
    return signup


def check_attendees(kind: str, attendees: int, capacity: int) -> None:
    """Lectures and trainings: 1–50 seats, no more than the capacity; else one booth."""
    if kind not in SEATED_KINDS:
        if attendees != 1:
            raise InvalidValueError(
                "attendees must be 1: a signup takes one booth at exhibitions and matchmaking",
                "展会和对接会每个报名占一个展位，参加人数须为 1",
                field="attendees",
            )
        return
    if not 1 <= attendees <= min(MAX_ATTENDEES, capacity):
        raise InvalidValueError(
            f"attendees must be between 1 and {min(MAX_ATTENDEES, capacity)}",
            f"参加人数须在 1 至 {min(MAX_ATTENDEES, capacity)} 之间",
            field="attendees",
        )


def check_attended(kind: str, attended: int, signup: Signup) -> None:
    """Lectures and trainings: 0…attendees persons; exhibitions and matchmaking: one."""
    if kind not in SEATED_KINDS:
        if attended != 1:
            raise InvalidValueError(
                "attended must be 1 at exhibitions and matchmaking",
                "展会和对接会的签到人数须为 1",
                field="attended",
            )
        return
    if not 0 <= attended <= signup.attendees:
        raise InvalidValueError(
            f"attended must be between 0 and the signup's {signup.attendees} attendees",
            f"签到人数须在 0 至报名人数 {signup.attendees} 之间",
            field="attended",
        )
