"""Service request deadlines from the settings: hours by urgency (decimals allowed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from marketplace.service_requests import ServiceDeadlines
from marketplace.settings import Settings

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_the_defaults_are_the_contracts() -> None:
    settings = Settings()
    assert settings.service_accept_hours == 24 and settings.service_feedback_days == 7
    assert settings.service_resolve_hours == {
        "urgent": 24,
        "timely": 72,
        "general": 168,
        "complex": 360,
    }


def test_hours_take_decimals_and_json_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MARKET_SERVICE_ACCEPT_HOURS", "0.001")
    monkeypatch.setenv("MARKET_SERVICE_RESOLVE_HOURS", '{"urgent": 0.002}')
    settings = Settings()
    deadlines = ServiceDeadlines(
        settings.service_accept_hours,
        settings.service_resolve_hours,
        settings.service_feedback_days,
    )
    assert deadlines.accept_hours == 0.001
    assert deadlines.resolve_by("urgent", START) == START + timedelta(seconds=7.2)
    assert deadlines.resolve_by("timely", START) == START + timedelta(hours=72)  # kept


@pytest.mark.parametrize(
    "hours", [{"urgent": 0}, {"soon": 5}, {"general": -1}], ids=["zero", "unknown", "negative"]
)
def test_bad_resolve_hours_are_refused(hours: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        Settings(service_resolve_hours=hours)
