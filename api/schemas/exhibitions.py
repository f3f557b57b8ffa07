"""Exhibitions, matchmaking events and their signups."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StrictBool, StrictInt, StringConstraints

from aggregates.exhibition_signup import MAX_ATTENDEES
from api.schemas.common import Party, Strict, TimeIn

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Venue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
MAX_CAPACITY = 100_000
Kind = Literal["exhibition", "matchmaking", "lecture", "training"]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class ExhibitionCreate(Strict):
    name: Name
    venue: Venue = Field(description="hall and address, or the platform of an online event")
    online: StrictBool
    starts_at: TimeIn
    ends_at: TimeIn = Field(description="after starts_at")
    capacity: Annotated[StrictInt, Field(ge=1, le=MAX_CAPACITY, description="booths")]
    signup_deadline: TimeIn = Field(description="in the future, not after starts_at")
    kind: Kind = "exhibition"
    description: Description = ""


class ExhibitionCancel(Strict):
    reason: Reason


class SignupCreate(Strict):
    attendees: Annotated[
        StrictInt,
        Field(ge=1, le=MAX_ATTENDEES, description="seats taken at lectures and trainings; else 1"),
    ] = 1


class CheckInCreate(Strict):
    organization_id: UUID = Field(description="an organization with a confirmed signup")
    attended: Annotated[
        StrictInt | None,
        Field(ge=0, le=MAX_ATTENDEES, description="persons, 0…attendees (default all); else 1"),
    ] = None


class ExhibitionPublic(BaseModel):
    id: str
    name: str
    venue: str
    online: bool
    starts_at: datetime
    ends_at: datetime
    capacity: int
    signup_deadline: datetime
    kind: str = Field(description="exhibition, matchmaking, lecture or training")
    description: str
    status: str = Field(description="scheduled, ongoing (started), closed or cancelled")
    signups_open: bool
    confirmed_count: int
    waitlist_count: int
    checked_in_count: int
    seats_taken: int = Field(description="seats of confirmed signups (booths: one each)")
    attended_count: int = Field(description="persons checked in")
    cancel_reason: str | None
    organizer: Party
    scheduled_at: datetime
    version: int


class ExhibitionWritten(ExhibitionPublic):
    position: int | None


class SignupPublic(BaseModel):
    exhibition_id: str
    organization: Party
    status: str = Field(description="confirmed, waitlisted or cancelled")
    waitlist_position: int | None = Field(description="1 is next in line; null unless waitlisted")
    signed_up_at: datetime
    checked_in_at: datetime | None
    attendees: int = Field(description="seats taken (1 at exhibitions and matchmaking)")
    attended: int | None = Field(description="persons checked in; null until checked in")


class SignupWritten(SignupPublic):
    version: int
    position: int | None


class SignupCancelled(SignupWritten):
    promoted: Party | None = Field(description="the first waitlisted signup confirmed in its place")
    promoted_all: list[Party] = Field(
        description="every waitlisted signup confirmed in its place, in waitlist order"
    )
