"""The Posting aggregate: its terms, lifecycle and the sealed bids on its stream."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from aggregates.bid import Bid, BidStatus
from aggregates.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidValueError,
    NotFoundError,
)
from aggregates.posting import Posting
from aggregates.posting_terms import (
    MAX_POSTING_LIFETIME,
    PostingStatus,
    check_expiry,
    check_price_range,
)

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
EXPIRES_AT = NOW + timedelta(days=30)
AFTER_EXPIRY = EXPIRES_AT + timedelta(seconds=1)
OWNER = uuid4()


def publish(**overrides: Any) -> Posting:
    """An open demand posting whose creation event has already been collected."""
    terms: dict[str, Any] = {
        "owner_id": OWNER,
        "side": "demand",
        "title": "采购不锈钢板材 500 吨",
        "description": "304 stainless steel plates, 2mm, delivered to Hangzhou.",
        "category": "C31",
        "quantity": Decimal("500"),
        "unit": "吨",
        "price_min": Decimal("14000.00"),
        "price_max": Decimal("16000.00"),
        "currency": "CNY",
        "region": "330106",
        "expires_at": EXPIRES_AT,
    }
    terms.update(overrides)
    posting = Posting(**terms)
    posting.collect_events()
    return posting


def bid(posting: Posting, bidder: UUID | None = None, unit_price: str = "15000.00") -> UUID:
    """Place a bid (its event collected) and return the bid's id."""
    bid_id = uuid4()
    posting.place_bid(
        bid_id, bidder or uuid4(), Decimal(unit_price), Decimal("500"), 20, "可按期交货", NOW
    )
    posting.collect_events()
    return bid_id


def refused(posting: Posting, error: type[DomainError], command: Callable[[], object]) -> None:
    """The command raises `error`, with both messages, and leaves no pending event."""
    version = posting.version
    with pytest.raises(error) as caught:
        command()
    assert type(caught.value) is error
    assert caught.value.en and caught.value.zh
    assert posting.collect_events() == []
    assert posting.version == version


def withdrawn() -> Posting:
    posting = publish()
    posting.withdraw()
    posting.collect_events()
    return posting


def awarded() -> Posting:
    posting = publish()
    posting.accept_bid(bid(posting), uuid4(), None, NOW)
    posting.collect_events()
    return posting


def expired() -> Posting:
    posting = publish()
    posting.expire(AFTER_EXPIRY)
    posting.collect_events()
    return posting


CLOSED = {"withdrawn": withdrawn, "awarded": awarded, "expired": expired}


# --- Publishing ------------------------------------------------------------------------------


def test_published_posting_is_open_with_no_bids() -> None:
    posting = Posting(
        owner_id=OWNER,
        side="supply",
        title="供应铝型材",
        description="",
        category="C32",
        quantity=Decimal("12.5"),
        unit="吨",
        price_min=None,
        price_max=None,
        currency="CNY",
        region="330106",
        expires_at=EXPIRES_AT,
    )
    (published,) = posting.collect_events()
    assert isinstance(published, Posting.Published)
    assert published.quantity == Decimal("12.5")
    assert posting.status == PostingStatus.OPEN
    assert posting.bids == {}
    assert posting.active_bids == []
    assert (posting.awarded_bid_id, posting.contract_id, posting.exhibition_id) == (None,) * 3


def test_price_min_above_price_max_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_price_range(Decimal("2"), Decimal("1"))
    assert caught.value.field == "price_min"


@pytest.mark.parametrize(
    ("price_min", "price_max"),
    [(Decimal(1), Decimal(1)), (None, Decimal(1)), (Decimal(1), None), (None, None)],
)
def test_equal_or_open_ended_price_range_is_accepted(
    price_min: Decimal | None, price_max: Decimal | None
) -> None:
    check_price_range(price_min, price_max)


@pytest.mark.parametrize(
    "expires_at",
    [
        NOW.replace(tzinfo=None) + timedelta(days=1),
        NOW,
        NOW - timedelta(days=1),
        NOW + MAX_POSTING_LIFETIME + timedelta(seconds=1),
    ],
    ids=["naive", "now", "past", "beyond-365-days"],
)
def test_expiry_must_be_aware_future_and_within_a_year(expires_at: datetime) -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_expiry(expires_at, NOW)
    assert caught.value.field == "expires_at"


def test_expiry_exactly_365_days_ahead_is_accepted() -> None:
    check_expiry(NOW + MAX_POSTING_LIFETIME, NOW)
    check_expiry(NOW + timedelta(seconds=1), NOW)


def test_is_open_until_expires_at() -> None:
    posting = publish()
    assert posting.is_open_at(EXPIRES_AT - timedelta(seconds=1))
    assert not posting.is_open_at(EXPIRES_AT)
    assert not withdrawn().is_open_at(NOW)


# --- Revising --------------------------------------------------------------------------------


def test_revise_changes_the_terms_with_a_revised_event() -> None:
    posting = publish()
    changes = {"title": "采购不锈钢板材 600 吨", "quantity": Decimal("600"), "price_max": None}
    posting.revise(changes, NOW)
    (revised,) = posting.collect_events()
    assert isinstance(revised, Posting.Revised)
    assert revised.changes == changes
    assert (posting.title, posting.quantity, posting.price_max) == (
        "采购不锈钢板材 600 吨",
        Decimal("600"),
        None,
    )
    assert posting.version == 2


def test_revise_of_a_field_that_is_not_revisable_is_refused() -> None:
    posting = publish()
    refused(posting, InvalidValueError, lambda: posting.revise({"side": "supply"}, NOW))
    refused(
        posting,
        InvalidValueError,
        lambda: posting.revise({"title": "x", "owner_id": uuid4(), "currency": "USD"}, NOW),
    )
    with pytest.raises(InvalidValueError) as caught:
        posting.revise({"status": "open", "currency": "USD"}, NOW)
    assert caught.value.field == "currency"


@pytest.mark.parametrize("state", sorted(CLOSED))
def test_revise_of_a_closed_posting_is_refused(state: str) -> None:
    posting = CLOSED[state]()
    refused(posting, ConflictError, lambda: posting.revise({"title": "新标题"}, NOW))


def test_revise_after_expires_at_is_refused() -> None:
    posting = publish()
    refused(posting, ConflictError, lambda: posting.revise({"title": "新标题"}, EXPIRES_AT))


def test_revise_with_an_active_bid_is_refused() -> None:
    posting = publish()
    bid(posting)
    refused(posting, ConflictError, lambda: posting.revise({"quantity": Decimal("1")}, NOW))


def test_revise_is_allowed_after_the_active_bid_is_withdrawn() -> None:
    posting = publish()
    bidder = uuid4()
    posting.withdraw_bid(bid(posting, bidder), bidder)
    posting.collect_events()
    posting.revise({"quantity": Decimal("1")}, NOW)
    assert posting.quantity == Decimal("1")


def test_revise_is_allowed_after_the_active_bid_is_rejected() -> None:
    posting = publish()
    posting.reject_bid(bid(posting), "价格过高")
    posting.collect_events()
    posting.revise({"price_max": Decimal("15000.00")}, NOW)
    assert posting.price_max == Decimal("15000.00")


def test_revise_that_inverts_the_price_range_is_refused() -> None:
    posting = publish()
    refused(posting, InvalidValueError, lambda: posting.revise({"price_min": Decimal(17000)}, NOW))
    refused(posting, InvalidValueError, lambda: posting.revise({"price_max": Decimal(1)}, NOW))


@pytest.mark.parametrize(
    "expires_at",
    [NOW, NOW - timedelta(days=1), NOW + MAX_POSTING_LIFETIME + timedelta(days=1)],
    ids=["now", "past", "beyond-365-days"],
)
def test_revise_to_an_invalid_expiry_is_refused(expires_at: datetime) -> None:
    posting = publish()
    refused(posting, InvalidValueError, lambda: posting.revise({"expires_at": expires_at}, NOW))


def test_revise_can_extend_the_expiry() -> None:
    posting = publish()
    later = NOW + timedelta(days=90)
    posting.revise({"expires_at": later}, NOW)
    assert posting.expires_at == later
    assert posting.is_open_at(EXPIRES_AT + timedelta(days=1))


def test_revise_with_no_changes_is_refused() -> None:
    posting = publish()
    refused(posting, InvalidValueError, lambda: posting.revise({}, NOW))


# --- Withdrawing and expiring ----------------------------------------------------------------


def test_withdraw_closes_an_open_posting() -> None:
    posting = publish()
    posting.withdraw()
    (event,) = posting.collect_events()
    assert isinstance(event, Posting.Withdrawn)
    assert posting.status == PostingStatus.WITHDRAWN


@pytest.mark.parametrize("state", sorted(CLOSED))
def test_withdraw_of_a_closed_posting_is_refused(state: str) -> None:
    posting = CLOSED[state]()
    refused(posting, ConflictError, posting.withdraw)


def test_expire_before_expires_at_is_refused() -> None:
    posting = publish()
    refused(posting, ConflictError, lambda: posting.expire(NOW))
    refused(posting, ConflictError, lambda: posting.expire(EXPIRES_AT - timedelta(seconds=1)))


def test_expire_at_expires_at_closes_the_posting() -> None:
    posting = publish()
    posting.expire(EXPIRES_AT)
    (event,) = posting.collect_events()
    assert isinstance(event, Posting.Expired)
    assert posting.status == PostingStatus.EXPIRED


@pytest.mark.parametrize("state", sorted(CLOSED))
def test_expire_of_a_closed_posting_is_refused(state: str) -> None:
    posting = CLOSED[state]()
    refused(posting, ConflictError, lambda: posting.expire(AFTER_EXPIRY))


# --- Bidding ---------------------------------------------------------------------------------


def test_placed_bid_is_submitted_and_sealed_in_the_posting() -> None:
    posting = publish()
    bid_id, bidder = uuid4(), uuid4()
    posting.place_bid(bid_id, bidder, Decimal("15000.00"), Decimal("500"), 20, "含税", NOW)
    (placed,) = posting.collect_events()
    assert isinstance(placed, Posting.BidPlaced)
    assert (placed.bid_id, placed.bidder_id, placed.placed_at) == (bid_id, bidder, NOW)
    assert posting.get_bid(bid_id) == Bid(
        bid_id, bidder, Decimal("15000.00"), Decimal("500"), 20, "含税", NOW
    )
    assert posting.get_bid(bid_id).status == BidStatus.SUBMITTED
    assert posting.active_bids == [posting.get_bid(bid_id)]


def test_bid_by_the_owner_is_refused() -> None:
    posting = publish()
    refused(
        posting,
        ForbiddenError,
        lambda: posting.place_bid(uuid4(), OWNER, Decimal(1), Decimal(1), None, None, NOW),
    )


@pytest.mark.parametrize("state", sorted(CLOSED))
def test_bid_on_a_closed_posting_is_refused(state: str) -> None:
    posting = CLOSED[state]()
    refused(
        posting,
        ConflictError,
        lambda: posting.place_bid(uuid4(), uuid4(), Decimal(1), Decimal(1), None, None, NOW),
    )


@pytest.mark.parametrize("now", [EXPIRES_AT, AFTER_EXPIRY], ids=["at", "after"])
def test_bid_past_expires_at_is_refused(now: datetime) -> None:
    posting = publish()
    refused(
        posting,
        ConflictError,
        lambda: posting.place_bid(uuid4(), uuid4(), Decimal(1), Decimal(1), None, None, now),
    )


def test_second_active_bid_by_the_same_bidder_is_refused() -> None:
    posting = publish()
    bidder = uuid4()
    bid(posting, bidder)
    refused(posting, ConflictError, lambda: bid(posting, bidder))
    assert len(posting.bids) == 1


def test_new_bid_is_allowed_after_withdrawing_the_active_one() -> None:
    posting = publish()
    bidder = uuid4()
    first = bid(posting, bidder)
    posting.withdraw_bid(first, bidder)
    posting.collect_events()
    second = bid(posting, bidder, unit_price="14800.00")
    assert [b.id for b in posting.active_bids] == [second]
    assert posting.get_bid(first).status == BidStatus.WITHDRAWN


def test_new_bid_is_allowed_after_the_active_one_is_rejected() -> None:
    posting = publish()
    bidder = uuid4()
    first = bid(posting, bidder)
    posting.reject_bid(first, None)
    posting.collect_events()
    second = bid(posting, bidder)
    assert [b.id for b in posting.active_bids] == [second]


def test_different_bidders_may_each_have_an_active_bid() -> None:
    posting = publish()
    ids = [bid(posting) for _ in range(3)]
    assert [b.id for b in posting.active_bids] == ids


def test_unknown_bid_is_not_found() -> None:
    posting = publish()
    bid(posting)
    with pytest.raises(NotFoundError):
        posting.get_bid(uuid4())


def test_bidder_withdraws_its_bid() -> None:
    posting = publish()
    bidder = uuid4()
    bid_id = bid(posting, bidder)
    posting.withdraw_bid(bid_id, bidder)
    (event,) = posting.collect_events()
    assert isinstance(event, Posting.BidWithdrawn)
    assert event.bid_id == bid_id
    assert posting.get_bid(bid_id).status == BidStatus.WITHDRAWN
    assert posting.active_bids == []


def test_withdraw_of_an_unknown_bid_is_refused() -> None:
    posting = publish()
    refused(posting, NotFoundError, lambda: posting.withdraw_bid(uuid4(), uuid4()))


def test_withdraw_of_a_bid_by_someone_else_is_refused() -> None:
    posting = publish()
    bid_id = bid(posting)
    refused(posting, ForbiddenError, lambda: posting.withdraw_bid(bid_id, uuid4()))
    refused(posting, ForbiddenError, lambda: posting.withdraw_bid(bid_id, OWNER))


def test_withdraw_of_a_bid_that_is_no_longer_submitted_is_refused() -> None:
    posting = publish()
    bidder = uuid4()
    bid_id = bid(posting, bidder)
    posting.withdraw_bid(bid_id, bidder)
    posting.collect_events()
    refused(posting, ConflictError, lambda: posting.withdraw_bid(bid_id, bidder))


def test_owner_rejects_a_bid_with_a_reason() -> None:
    posting = publish()
    bid_id = bid(posting)
    posting.reject_bid(bid_id, "交期太长")
    (event,) = posting.collect_events()
    assert isinstance(event, Posting.BidRejected)
    assert (event.bid_id, event.reason) == (bid_id, "交期太长")
    assert posting.get_bid(bid_id).status == BidStatus.REJECTED
    assert posting.get_bid(bid_id).reason == "交期太长"


def test_reject_of_an_unknown_bid_is_refused() -> None:
    posting = publish()
    refused(posting, NotFoundError, lambda: posting.reject_bid(uuid4(), None))


def test_reject_of_a_bid_that_is_no_longer_submitted_is_refused() -> None:
    posting = publish()
    bid_id = bid(posting)
    posting.reject_bid(bid_id, None)
    posting.collect_events()
    refused(posting, ConflictError, lambda: posting.reject_bid(bid_id, None))


# --- Accepting -------------------------------------------------------------------------------


def test_accepting_a_bid_awards_the_posting_and_marks_other_active_bids_unsuccessful() -> None:
    posting = publish()
    winner, loser_1, loser_2 = bid(posting), bid(posting), bid(posting)
    withdrawer = uuid4()
    withdrawn_bid = bid(posting, withdrawer)
    posting.withdraw_bid(withdrawn_bid, withdrawer)
    rejected_bid = bid(posting)
    posting.reject_bid(rejected_bid, None)
    posting.collect_events()
    contract_id, exhibition_id = uuid4(), uuid4()

    accepted = posting.accept_bid(winner, contract_id, exhibition_id, NOW)

    (event,) = posting.collect_events()
    assert isinstance(event, Posting.BidAccepted)
    assert (event.bid_id, event.contract_id, event.exhibition_id) == (
        winner,
        contract_id,
        exhibition_id,
    )
    assert accepted is posting.get_bid(winner)
    assert posting.status == PostingStatus.AWARDED
    assert (posting.awarded_bid_id, posting.contract_id, posting.exhibition_id) == (
        winner,
        contract_id,
        exhibition_id,
    )
    statuses = {bid_id: posting.get_bid(bid_id).status for bid_id in posting.bids}
    assert statuses == {
        winner: BidStatus.ACCEPTED,
        loser_1: BidStatus.UNSUCCESSFUL,
        loser_2: BidStatus.UNSUCCESSFUL,
        withdrawn_bid: BidStatus.WITHDRAWN,
        rejected_bid: BidStatus.REJECTED,
    }
    assert posting.active_bids == []


def test_accept_of_an_unknown_bid_is_refused() -> None:
    posting = publish()
    bid(posting)
    refused(posting, NotFoundError, lambda: posting.accept_bid(uuid4(), uuid4(), None, NOW))


def test_accepting_a_second_bid_on_an_awarded_posting_is_refused() -> None:
    posting = publish()
    first, second = bid(posting), bid(posting)
    posting.accept_bid(first, uuid4(), None, NOW)
    posting.collect_events()
    refused(posting, ConflictError, lambda: posting.accept_bid(first, uuid4(), None, NOW))
    refused(posting, ConflictError, lambda: posting.accept_bid(second, uuid4(), None, NOW))


def test_accept_on_a_withdrawn_posting_is_refused() -> None:
    posting = publish()
    bid_id = bid(posting)
    posting.withdraw()
    posting.collect_events()
    refused(posting, ConflictError, lambda: posting.accept_bid(bid_id, uuid4(), None, NOW))


def test_accept_after_expires_at_is_refused() -> None:
    posting = publish()
    bid_id = bid(posting)
    refused(posting, ConflictError, lambda: posting.accept_bid(bid_id, uuid4(), None, AFTER_EXPIRY))


@pytest.mark.parametrize("how", ["withdrawn", "rejected"])
def test_accept_of_a_bid_that_is_no_longer_submitted_is_refused(how: str) -> None:
    posting = publish()
    bidder = uuid4()
    bid_id = bid(posting, bidder)
    if how == "withdrawn":
        posting.withdraw_bid(bid_id, bidder)
    else:
        posting.reject_bid(bid_id, None)
    posting.collect_events()
    refused(posting, ConflictError, lambda: posting.accept_bid(bid_id, uuid4(), None, NOW))


def test_replaying_the_events_rebuilds_the_posting_and_its_bids() -> None:
    posting = Posting(
        owner_id=OWNER,
        side="demand",
        title="t",
        description="",
        category="C31",
        quantity=Decimal(5),
        unit="件",
        price_min=None,
        price_max=None,
        currency="CNY",
        region="330106",
        expires_at=EXPIRES_AT,
    )
    posting.revise({"quantity": Decimal(6)}, NOW)
    first, second, bidder = uuid4(), uuid4(), uuid4()
    posting.place_bid(first, bidder, Decimal(1), Decimal(6), None, None, NOW)
    posting.place_bid(second, uuid4(), Decimal(2), Decimal(6), None, None, NOW)
    posting.accept_bid(second, uuid4(), None, NOW)
    replayed = None
    for domain_event in posting.collect_events():
        replayed = domain_event.mutate(replayed)
    assert isinstance(replayed, Posting)
    assert (replayed.version, replayed.status, replayed.quantity) == (5, "awarded", Decimal(6))
    assert replayed.bids == posting.bids
    assert replayed.get_bid(first).status == BidStatus.UNSUCCESSFUL
