"""What every view writes is cleaned first (`projections.rows`).

Every string written (jsonb contents included) loses NUL and the other C0 controls but tab, LF
and CR: PostgreSQL cannot store NUL, and text that entered the log before the API refused it
must not stop a view for good (API.md, "Text"). Likewise every time written is clamped into
[2000-01-01, 2100-01-01) UTC, the era the API and the use cases accept (`aggregates/times.py`):
a time from before that rule (9999-12-31T23:59:59-14:00 is year 10000 in UTC) would be stored
by PostgreSQL but could not be read back into Python, breaking every read and later event.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aggregates.text import CONTROL_CHARACTERS
from aggregates.times import EARLIEST, LATEST


def clean(value: Any) -> Any:
    """The value with control characters removed from every string in it (keys included) and
    every time clamped into the era."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value) if CONTROL_CHARACTERS.search(value) else value
    if isinstance(value, datetime):
        return clamped(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        cleaned = [clean(v) for v in value]
        return cleaned if isinstance(value, list) else tuple(cleaned)
    return value


LAST = LATEST - timedelta(microseconds=1)


def clamped(value: datetime) -> datetime:
    """The time itself if it lies in [2000-01-01, 2100-01-01) UTC; else the nearest end of that
    range (the last microsecond before 2100 for later times). Clamping, not dropping, keeps
    every row storable and readable and keeps the order: a year-10000 end still sorts after
    every real one, a year-1 start before. A time without an offset counts as UTC."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if EARLIEST <= aware < LATEST:
        return value
    end = EARLIEST if aware < EARLIEST else LAST
    return end if value.tzinfo is not None else end.replace(tzinfo=None)
