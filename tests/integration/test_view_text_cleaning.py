"""Text with NUL or other control characters that entered the log before the API refused it
never stops a view: the views store it cleaned, go on with later events, and rebuild."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from aggregates.posting import Posting
from marketplace.bootstrap import Services, head_position
from projections.cleaning import clean
from projections.rebuild import rebuild
from tests.services import running_services
from tests.support import new_enterprise


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with running_services(database_url, tmp_path_factory.mktemp("data")) as opened:
        yield opened


def caught_up(services: Services, timeout: float = 15.0) -> None:
    """Waits until every view has processed the newest event (fails after `timeout`)."""
    target, deadline = head_position(services.db), time.monotonic() + timeout
    names = [view.name for view in services.views.all()]
    while time.monotonic() < deadline:
        with services.db.connection() as conn:
            rows = conn.execute(
                "SELECT position FROM projection_positions WHERE view = ANY(%s)", (names,)
            ).fetchall()
        if len(rows) == len(names) and all(row["position"] >= target for row in rows):
            return
        time.sleep(0.05)
    raise AssertionError(f"the views did not reach position {target}")


def poisoned_posting(owner: UUID, title: str, description: str) -> Posting:
    return Posting(
        owner_id=owner,
        side="supply",
        title=title,
        description=description,
        category="C31",
        quantity=Decimal("5"),
        unit="吨\u0000",
        price_min=None,
        price_max=None,
        currency="CNY",
        region="330106",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )


def organization_row(services: Services, org_id: UUID) -> dict[str, Any]:
    row = services.views.organizations.get_organization(org_id)
    assert row is not None
    return row


def posting_row(services: Services, posting_id: UUID) -> dict[str, Any]:
    row = services.views.listings.get_posting(posting_id)
    assert row is not None
    return row


def test_poisoned_events_are_projected_cleaned_and_the_views_go_on(services: Services) -> None:
    evil = new_enterprise("evil\u0000org\u001b")
    services.app.save(evil)  # straight into the log, past the API's checks
    posting = poisoned_posting(evil.id, "steel\u0000 plates", "line 1\r\n\tline 2\u0007")
    services.app.save(posting)
    later = new_enterprise("A later, clean name")
    services.app.save(later)
    caught_up(services)

    assert organization_row(services, evil.id)["name"] == "evilorg"
    assert organization_row(services, later.id)["name"] == "A later, clean name"
    listed = posting_row(services, posting.id)
    assert listed["title"] == "steel plates"
    assert listed["description"] == "line 1\r\n\tline 2"  # tab, LF and CR are kept
    assert listed["unit"] == "吨"

    rebuild(services.app, services.url, services.views.all())
    caught_up(services)
    assert organization_row(services, evil.id)["name"] == "evilorg"
    assert posting_row(services, posting.id)["title"] == "steel plates"


def test_json_and_list_values_are_cleaned_too() -> None:
    value = {"na\u0000me": ["a\u0000", {"b": "c\u001f"}], "n": 1, "t": ("\u0001x",)}
    assert clean(value) == {"name": ["a", {"b": "c"}], "n": 1, "t": ("x",)}
    assert clean("tab\tline\ncr\r") == "tab\tline\ncr\r"
    assert clean(None) is None
