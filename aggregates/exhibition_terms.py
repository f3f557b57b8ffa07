"""The terms of an exhibition: its statuses, the status shown, and the checks its schedule
must pass."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from aggregates.errors import InvalidValueError
from aggregates.times import check_time


class ExhibitionStatus(StrEnum):
    SCHEDULED = "scheduled"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ActivityKind(StrEnum):
    EXHIBITION = "exhibition"
    MATCHMAKING = "matchmaking"
    LECTURE = "lecture"
    TRAINING = "training"


# Kinds whose capacity counts seats; at the others a signup takes one booth.
SEATED_KINDS = frozenset({ActivityKind.LECTURE, ActivityKind.TRAINING})


def check_kind(kind: str) -> None:
    if kind not in set(ActivityKind):
        raise InvalidValueError(
            "kind must be exhibition, matchmaking, lecture or training",
            "活动类型须为展会、对接会、讲座或培训",
            field="kind",
        )


class SignupStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


STATUS_ZH = {"scheduled": "已排期", "closed": "已结束", "cancelled": "已取消"}
ONGOING = "ongoing"  # shown, never stored: a scheduled exhibition that has started


def public_status(status: str, starts_at: datetime, now: datetime) -> str:
    """The status as shown: scheduled, ongoing (started, not yet closed), closed or cancelled."""
    if status == ExhibitionStatus.SCHEDULED and now >= starts_at:
        return ONGOING
    return status


def signups_open(status: str, signup_deadline: datetime, now: datetime) -> bool:
    return status == ExhibitionStatus.SCHEDULED and now < signup_deadline


def check_schedule(
    starts_at: datetime, ends_at: datetime, signup_deadline: datetime, now: datetime
) -> None:
    """signup_deadline ≤ starts_at < ends_at, all with offsets, the deadline in the future."""
    for name, value in [
        ("starts_at", starts_at),
        ("ends_at", ends_at),
        ("signup_deadline", signup_deadline),
    ]:
        if value.tzinfo is None:
            raise InvalidValueError(f"{name} needs a time zone offset", "时间须带时区", field=name)
        check_time(value, name)
    if ends_at <= starts_at:
        raise InvalidValueError(
            "ends_at must be after starts_at", "结束时间必须晚于开始时间", field="ends_at"
        )
    if signup_deadline > starts_at:
        raise InvalidValueError(
            "signup_deadline must not be after starts_at",
            "报名截止时间不得晚于开始时间",
            field="signup_deadline",
        )
    if signup_deadline <= now:
        raise InvalidValueError(
            "signup_deadline must be in the future",
            "报名截止时间必须晚于当前时间",
            field="signup_deadline",
        )
