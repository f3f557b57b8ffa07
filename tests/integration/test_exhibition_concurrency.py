"""Exhibition capacity under concurrency, on a real PostgreSQL.

200 enterprises sign up at once for 50 booths: exactly 50 are confirmed and 150 waitlisted
with positions 1..150; then 10 confirmed participants cancel at once: the first 10 waitlisted
are promoted in order and 50 stay confirmed. As in `test_concurrency`, the scenario runs with
every thread on one `Marketplace` and with the threads split over two, each with striped locks
of its own, as two API workers would be: there the PostgreSQL advisory lock on the exhibition
makes their writers queue, so none of them runs out of retries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from aggregates.exhibition_terms import SignupStatus
from marketplace.application import Marketplace
from marketplace.bootstrap import Services
from marketplace.commands import Outcome
from marketplace.settings import Settings
from tests.concurrency import App, app_fixtures, at_once, stored, tracebacks

ENTERPRISES = 200
CAPACITY = 50
CANCELLING = 10
SIGNED_UP = "aggregates.exhibition:Exhibition.SignedUp"
SIGNUP_CANCELLED = "aggregates.exhibition:Exhibition.SignupCancelled"


def settings(url: str) -> Settings:
    """The default settings: retries are enough even across two applications.

    Within one application, writers to one exhibition take turns (striped locks); across
    two, writers queue on a PostgreSQL advisory lock on the exhibition,
    and every writer queues on that lock: the default number of retries is enough.
    """
    return Settings(database_url=url)


# The first application runs the views, to check them as well.
first, second, apps = app_fixtures(settings, projections=True)


def schedule(app: Marketplace) -> UUID:
    starts_at = datetime.now(UTC) + timedelta(days=14)
    outcome = app.schedule_exhibition(
        uuid4(),
        name="2026 杭州中小企业产品交易博览会",
        venue="杭州国际博览中心",
        online=False,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=2),
        capacity=CAPACITY,
        signup_deadline=starts_at - timedelta(days=3),
    )
    exhibition_id: UUID = outcome.aggregate.id
    return exhibition_id


def all_succeed(results: list[Any]) -> list[Outcome]:
    errors = [r for r in results if not isinstance(r, Outcome)]
    assert not errors, tracebacks(errors)
    return results


def history(app: Marketplace, exhibition_id: UUID) -> list[Any]:
    return list(app.events.get(exhibition_id))


def viewed(services: Services, exhibition_id: UUID) -> tuple[dict[str, Any], list[Any]]:
    """The exhibition's row and its waitlisted signups, once the views reached the head."""
    head = services.app.recorder.max_notification_id() or 0
    assert services.watcher.wait_sync(head, timeout=20)
    now = services.app.clock()
    row = services.views.exhibitions.get_exhibition(exhibition_id, now)
    assert row is not None
    page = services.views.signups.list_signups(exhibition_id, status="waitlisted", limit=200)
    return row, page.items


def test_two_hundred_signups_at_once_fill_fifty_booths_then_ten_cancel_at_once(
    apps: list[App], database_url: str
) -> None:
    app = apps[0].app
    exhibition_id = schedule(app)
    orgs = [uuid4() for _ in range(ENTERPRISES)]
    conflicts_before = sum(a.conflicts for a in apps)

    signed = all_succeed(
        at_once(
            [
                lambda i=i, org=org: apps[i % len(apps)].app.sign_up(exhibition_id, org)
                for i, org in enumerate(orgs)
            ]
        )
    )

    exhibition = app.get_exhibition(exhibition_id)
    assert exhibition.version == 1 + ENTERPRISES
    assert stored(database_url, app, SIGNED_UP, [exhibition_id]) == ENTERPRISES
    assert exhibition.confirmed_count == CAPACITY
    assert len(exhibition.waitlist) == ENTERPRISES - CAPACITY
    # The first 50 signups the stream recorded are confirmed, the rest wait in that order.
    order = [e.organization_id for e in history(app, exhibition_id)[1:]]
    assert set(order) == set(orgs)
    assert all(exhibition.get_signup(o).status == SignupStatus.CONFIRMED for o in order[:CAPACITY])
    assert exhibition.waitlist == order[CAPACITY:]
    # Each caller was told its own place: positions 1..150, once each.
    told = sorted(
        r.aggregate.waitlist_position(r.signup.organization_id)
        for r in signed
        if r.signup.status == SignupStatus.WAITLISTED
    )
    assert told == list(range(1, ENTERPRISES - CAPACITY + 1))
    assert sum(r.signup.status == SignupStatus.CONFIRMED for r in signed) == CAPACITY
    if len(apps) == 2:
        # Both queued on the database lock: no write reached the database on a stale version.
        assert sum(a.conflicts for a in apps) == conflicts_before

    row, waitlisted = viewed(apps[0].services, exhibition_id)
    assert (row["confirmed_count"], row["waitlist_count"]) == (CAPACITY, ENTERPRISES - CAPACITY)
    assert [s["organization_id"] for s in waitlisted] == exhibition.waitlist
    assert [s["waitlist_position"] for s in waitlisted] == list(range(1, 151))

    # Ten confirmed participants cancel at the same moment.
    leaving = order[5 : 5 + CANCELLING]
    waitlist_before = exhibition.waitlist
    cancelled = all_succeed(
        at_once(
            [
                lambda i=i, org=org: apps[i % len(apps)].app.cancel_signup(exhibition_id, org, org)
                for i, org in enumerate(leaving)
            ]
        )
    )

    # Each cancellation promoted the then-first waitlisted signup, in the order they were
    # written: together the first ten of the waitlist, in order.
    promoted = [p for r in sorted(cancelled, key=lambda r: r.version) for p in r.promoted_ids]
    assert all(len(r.promoted_ids) == 1 for r in cancelled)  # one booth each
    assert promoted == waitlist_before[:CANCELLING]
    exhibition = app.get_exhibition(exhibition_id)
    assert exhibition.version == 1 + ENTERPRISES + CANCELLING
    assert stored(database_url, app, SIGNUP_CANCELLED, [exhibition_id]) == CANCELLING
    assert exhibition.confirmed_count == CAPACITY
    assert all(exhibition.get_signup(o).status == SignupStatus.CONFIRMED for o in promoted)
    assert not set(leaving) & set(exhibition.signups)
    assert exhibition.waitlist == waitlist_before[CANCELLING:]
    remaining = ENTERPRISES - CAPACITY - CANCELLING
    assert [exhibition.waitlist_position(o) for o in exhibition.waitlist] == list(
        range(1, remaining + 1)
    )

    row, waitlisted = viewed(apps[0].services, exhibition_id)
    assert (row["confirmed_count"], row["waitlist_count"]) == (CAPACITY, remaining)
    assert [s["organization_id"] for s in waitlisted] == exhibition.waitlist
    assert [s["waitlist_position"] for s in waitlisted] == list(range(1, remaining + 1))
