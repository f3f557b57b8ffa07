"""Times a view cannot store: the use cases refuse them below the API, and one that entered the
log before that rule is projected clamped into [2000-01-01, 2100-01-01) UTC, so reads answer,
later events apply and a rebuild works."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from aggregates.exhibition import Exhibition
from aggregates.times import LATEST, TimeOutOfRangeError
from marketplace.bootstrap import Services
from projections.failures import failures_by_view
from projections.rebuild import rebuild
from tests.api.conftest import Account
from tests.api.helpers import API
from tests.integration.test_view_text_cleaning import caught_up
from tests.support import steel_terms

YEAR_9999 = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14)))
YEAR_1 = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))


def schedule_terms(**overrides: Any) -> dict[str, Any]:
    starts_at = datetime.now(UTC) + timedelta(days=14)
    terms: dict[str, Any] = {
        "name": "万年博览会",
        "venue": "线上",
        "online": True,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(days=2),
        "capacity": 5,
        "signup_deadline": starts_at - timedelta(days=3),
    }
    return {**terms, **overrides}


@pytest.mark.parametrize(
    ("field", "value"), [("ends_at", YEAR_9999), ("starts_at", YEAR_1), ("ends_at", LATEST)]
)
def test_the_schedule_use_case_refuses_times_outside_the_era(
    services: Services, operator: Account, field: str, value: datetime
) -> None:
    with pytest.raises(TimeOutOfRangeError) as refused:
        services.app.schedule_exhibition(UUID(operator.id), **schedule_terms(**{field: value}))
    assert refused.value.field == field
    assert refused.value.code == "out_of_range"
    assert "2000-01-01" in refused.value.zh and "2000-01-01" in refused.value.en


def test_the_posting_use_cases_refuse_expiry_outside_the_era(
    services: Services, owner: Account
) -> None:
    with pytest.raises(TimeOutOfRangeError) as refused:
        services.app.publish_posting(UUID(owner.id), **steel_terms(expires_at=YEAR_9999))
    assert refused.value.field == "expires_at"
    posting = services.app.publish_posting(UUID(owner.id), **steel_terms()).aggregate
    with pytest.raises(TimeOutOfRangeError) as refused:
        services.app.revise_posting(posting.id, UUID(owner.id), {"expires_at": YEAR_9999})
    assert refused.value.field == "expires_at"


def test_an_exhibition_in_year_9999_already_in_the_log_is_read_signed_up_and_rebuilt(
    client: TestClient, services: Services, operator: Account, owner: Account
) -> None:
    exhibition = Exhibition(organizer_id=UUID(operator.id), **schedule_terms(ends_at=YEAR_9999))
    services.app.save(exhibition)  # straight into the log, as before the rule
    signed = client.post(f"{API}/exhibitions/{exhibition.id}/signups", headers=owner.auth)
    assert signed.status_code == 201, signed.text
    caught_up(services)

    def read() -> None:
        listed = client.get(f"{API}/exhibitions?limit=200")
        assert listed.status_code == 200, listed.text
        one = client.get(f"{API}/exhibitions/{exhibition.id}")
        assert one.status_code == 200, one.text
        ends_at = datetime.fromisoformat(one.json()["ends_at"])
        assert ends_at == LATEST - timedelta(microseconds=1)  # clamped, still the latest
        assert one.json()["confirmed_count"] == 1
        assert client.get(f"{API}/stats").status_code == 200
        with services.db.connection() as conn:
            failed = failures_by_view(conn)
        assert not {"exhibitions", "stats", "signups"} & set(failed), failed

    read()
    rebuild(services.app, services.url, services.views.all())
    caught_up(services)
    read()
