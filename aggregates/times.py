"""Times a view can store: every time a command carries lies in [2000-01-01, 2100-01-01) UTC.

The API refuses other times at the door (API.md, "Conventions, tightened"); this is the same
rule below it, for every use case and aggregate that accepts a time, so nothing a view
cannot store (PostgreSQL's timestamptz ends at 294276, Python's datetime at 9999 in UTC) enters
the log. Views clamp such times that entered the log before this rule (`projections/rows.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from aggregates.errors import InvalidValueError

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)  # excluded


def in_range(value: datetime) -> bool:
    """Whether `value` lies in the era; a time without an offset counts as UTC. Compared,
    never converted: 9999-12-31T23:59:59-14:00 has no UTC equivalent in Python."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return EARLIEST <= aware < LATEST


def check_time(value: datetime, field: str) -> datetime:
    """The time itself, or InvalidValueError naming `field` if it lies outside the era."""
    if not in_range(value):
        raise TimeOutOfRangeError(field)
    return value


class TimeOutOfRangeError(InvalidValueError):
    """A time before 2000-01-01 or from 2100-01-01 on (UTC)."""

    code = "out_of_range"

    def __init__(self, field: str) -> None:
        super().__init__(
            f"{field} must lie between 2000-01-01 and 2099-12-31",
            f"{field} 须在 2000-01-01 至 2099-12-31 之间",
            field=field,
        )
