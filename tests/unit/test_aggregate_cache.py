"""The aggregate cache of commands (`marketplace/aggregate_cache.py`) on POPO persistence: a
command reuses what the last one saved, and a failed command leaves nothing changed behind."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from aggregates.errors import ConflictError, ForbiddenError, VersionMismatchError
from aggregates.posting import Posting
from marketplace.aggregate_cache import AggregateCache
from marketplace.application import Marketplace
from marketplace.postings import POSTING
from tests.unit.test_usecases import POPO, START, Clock, event_count, place, publish


@pytest.fixture
def app() -> Marketplace:
    return Marketplace(env=POPO, clock=Clock(START))


def seen_by_next_command(app: Marketplace, posting_id: UUID) -> Posting:
    """The aggregate the next command on the posting is given (the command writes nothing)."""
    seen: list[Posting] = []

    def look(posting: Posting) -> None:
        seen.append(posting)

    app.change(Posting, posting_id, POSTING, look)
    return seen[0]


def bid_then_fail(bidder: UUID) -> Any:
    """A command that changes the posting, then fails before it is saved."""

    def command(posting: Posting) -> None:
        posting.place_bid(uuid4(), bidder, Decimal(15000), Decimal(500), None, None, START)
        raise ConflictError("failed after the change", "修改后失败")

    return command


def test_a_command_is_given_the_aggregate_the_last_command_saved(app: Marketplace) -> None:
    posting_id = publish(app, uuid4())
    place(app, posting_id, uuid4())
    cached = app.aggregates.take(posting_id)
    assert isinstance(cached, Posting)
    app.aggregates.put(cached)
    assert seen_by_next_command(app, posting_id) is cached


def test_a_command_that_fails_after_changing_the_aggregate_leaves_no_trace(
    app: Marketplace,
) -> None:
    posting_id = publish(app, uuid4())
    place(app, posting_id, uuid4())
    before = event_count(app)
    with pytest.raises(ConflictError):
        app.change(Posting, posting_id, POSTING, bid_then_fail(uuid4()))
    assert posting_id not in app.aggregates  # the changed object was dropped
    posting = seen_by_next_command(app, posting_id)
    assert (len(posting.bids), posting.version, event_count(app)) == (1, 2, before)


def test_a_refused_command_leaves_the_cached_aggregate_as_it_was(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    place(app, posting_id, uuid4())
    cached = app.aggregates.take(posting_id)
    assert cached is not None
    app.aggregates.put(cached)
    with pytest.raises(ForbiddenError):
        place(app, posting_id, owner)  # owners may not bid on their own posting
    assert app.aggregates.take(posting_id) is cached  # kept: the next command does not replay
    app.aggregates.put(cached)
    posting = seen_by_next_command(app, posting_id)
    assert (len(posting.bids), posting.version) == (1, 2)


def test_a_stale_if_match_keeps_the_aggregate_cached(app: Marketplace) -> None:
    posting_id = publish(app, uuid4())
    place(app, posting_id, uuid4())
    with pytest.raises(VersionMismatchError):
        app.change(Posting, posting_id, POSTING, lambda p: None, if_match=1)
    assert posting_id in app.aggregates


def test_an_outcome_keeps_its_version_when_later_commands_change_the_aggregate(
    app: Marketplace,
) -> None:
    posting_id = publish(app, uuid4())
    first = app.place_bid(posting_id, uuid4(), unit_price=Decimal(1), quantity=Decimal(1))
    place(app, posting_id, uuid4())
    app.withdraw_bid(posting_id, first.bid.id, first.bid.bidder_id)
    assert (first.version, first.aggregate.version) == (2, 2)
    assert len(first.aggregate.bids) == 1  # the second bid went into the cached object only
    assert first.bid.status == "submitted" and first.aggregate.bids[first.bid.id] is first.bid


def test_with_no_cache_every_command_replays(app: Marketplace) -> None:
    app.aggregates = AggregateCache(0)
    posting_id = publish(app, uuid4())
    place(app, posting_id, uuid4())
    assert len(app.aggregates) == 0
    assert len(seen_by_next_command(app, posting_id).bids) == 1


def test_the_least_recently_written_aggregate_is_dropped_first(app: Marketplace) -> None:
    app.aggregates = AggregateCache(2)
    postings = [publish(app, uuid4()) for _ in range(3)]
    for posting_id in postings:
        place(app, posting_id, uuid4())
    assert [p in app.aggregates for p in postings] == [False, True, True]


class Slotted:
    __slots__ = ("value",)

    def __init__(self, value: list[int]) -> None:
        self.value = value


class Custom:
    def __init__(self) -> None:
        self.copied = False

    def __copy__(self) -> Custom:
        twin = Custom()
        twin.copied = True
        return twin


def test_a_snapshot_copies_each_entry_as_copy_copy_would() -> None:
    from marketplace.commands import _entry

    moment, key = START, uuid4()
    assert _entry(moment) is moment and _entry(key) is key and _entry("文本") == "文本"
    plain = Clock(START)  # a plain object: a new instance, its attributes shared
    twin = _entry(plain)
    assert twin is not plain and vars(twin) == vars(plain) and type(twin) is Clock
    assert _entry(Custom()).copied  # its own __copy__ is used
    slotted = Slotted([1])
    assert _entry(slotted) is not slotted and _entry(slotted).value is slotted.value
