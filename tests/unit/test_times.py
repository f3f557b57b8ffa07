"""The era rule below the API (aggregates/times.py) and the views' clamp (projections/rows.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from aggregates.exhibition_terms import check_schedule
from aggregates.financing import check_deadline
from aggregates.posting_terms import check_expiry
from aggregates.times import EARLIEST, LATEST, TimeOutOfRangeError, check_time
from projections.cleaning import clamped, clean

YEAR_9999 = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14)))
YEAR_1 = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
NOW = datetime(2026, 12, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [YEAR_9999, YEAR_1, LATEST, EARLIEST - timedelta(microseconds=1), datetime(2100, 1, 1)],
)
def test_times_outside_the_era_are_refused_naming_the_field(value: datetime) -> None:
    with pytest.raises(TimeOutOfRangeError) as refused:
        check_time(value, "ends_at")
    assert (refused.value.field, refused.value.code) == ("ends_at", "out_of_range")
    assert refused.value.en.startswith("ends_at ") and "2099-12-31" in refused.value.zh


def test_times_inside_the_era_pass() -> None:
    for value in (EARLIEST, LATEST - timedelta(microseconds=1), NOW, datetime(2050, 6, 1)):
        assert check_time(value, "t") is value


def test_every_check_that_accepts_a_time_applies_the_era() -> None:
    start = NOW + timedelta(days=14)
    for ends_at in (YEAR_9999, LATEST):
        with pytest.raises(TimeOutOfRangeError, match="ends_at"):
            check_schedule(start, ends_at, start - timedelta(days=1), NOW)
    with pytest.raises(TimeOutOfRangeError, match="expires_at"):
        check_expiry(YEAR_9999, NOW)
    for field in ("respond_by", "valid_until"):
        with pytest.raises(TimeOutOfRangeError, match=field):
            check_deadline(YEAR_9999, NOW, field)


def test_views_clamp_times_into_the_era_keeping_their_order() -> None:
    last = LATEST - timedelta(microseconds=1)
    assert clamped(YEAR_9999) == last and clamped(YEAR_1) == EARLIEST
    assert clamped(NOW) is NOW
    assert clamped(datetime(9999, 1, 1)) == last.replace(tzinfo=None)  # naive stays naive
    assert clean({"at": [YEAR_9999], "n": NOW}) == {"at": [last], "n": NOW}
