"""The aggregate cache of commands across processes, on a real PostgreSQL: two applications
on one database, as two API workers would be. A cached aggregate is brought up to date with
what the other wrote before a command runs on it, so no write is lost nor retried."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from aggregates.posting import Posting
from marketplace.application import Marketplace
from tests.concurrency import App, opened_app, settings
from tests.integration.test_concurrency import publish


@pytest.fixture(scope="module")
def first(database_url: str) -> Iterator[App]:
    with opened_app(database_url, settings(database_url)) as app:
        app.count_conflicts()
        yield app


@pytest.fixture(scope="module")
def second(database_url: str, first: App) -> Iterator[App]:
    with opened_app(database_url, settings(database_url)) as app:
        app.count_conflicts()
        # Its own striped locks and no advisory lock: it can write while `first` is inside a
        # command on the same posting (in one thread here), as another writer could.
        app.use_own_locks(database_lock=False)
        yield app


def bid(app: Marketplace, posting_id: UUID) -> int:
    outcome = app.place_bid(posting_id, uuid4(), unit_price=Decimal(15000), quantity=Decimal(5))
    return outcome.version


def test_a_cached_aggregate_is_brought_up_to_date_with_another_process_write(
    first: App, second: App
) -> None:
    posting_id = publish(first.app, uuid4())
    assert bid(first.app, posting_id) == 2  # first now holds version 2 in its cache
    assert posting_id in first.app.aggregates
    assert bid(second.app, posting_id) == 3  # written behind first's back
    assert bid(first.app, posting_id) == 4  # not a conflict: first read version 3 first
    assert (first.conflicts, second.conflicts) == (0, 0)
    posting = first.app.load(Posting, posting_id, ("posting", "供需信息"))
    assert (posting.version, len(posting.bids)) == (4, 3)


def test_a_conflicting_save_drops_the_cached_aggregate_and_the_retry_wins(
    first: App, second: App
) -> None:
    posting_id = publish(first.app, uuid4())
    bid(first.app, posting_id)
    raced: list[int] = []

    def bid_then_race(posting: Posting) -> None:
        """Changes the posting, but the other process saves its bid first (once)."""
        if not raced:
            raced.append(bid(second.app, posting_id))
        now = datetime.now(UTC)
        posting.place_bid(uuid4(), uuid4(), Decimal(1), Decimal(1), None, None, now)

    conflicts = first.conflicts
    outcome = first.app.change(Posting, posting_id, ("posting", "供需信息"), bid_then_race)
    assert (raced, outcome.version, first.conflicts - conflicts) == ([3], 4, 1)
    posting = second.app.load(Posting, posting_id, ("posting", "供需信息"))
    assert (posting.version, len(posting.bids)) == (4, 3)
