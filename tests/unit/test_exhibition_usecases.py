"""Exhibition use cases on in-memory (POPO) persistence: signups, deals attributed, demo data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from argon2 import PasswordHasher

from aggregates.contract import Contract
from aggregates.errors import ConflictError, ForbiddenError, InvalidValueError, NotFoundError
from aggregates.exhibition import Exhibition
from aggregates.exhibition_terms import ExhibitionStatus, SignupStatus
from aggregates.posting import PostingStatus
from marketplace import exhibitions, postings
from marketplace.application import Marketplace
from marketplace.demo.load import load_demo
from marketplace.stores import security
from tests.unit.test_usecases import POPO, START, Clock, event_count, place, publish, refused

DEADLINE = START + timedelta(days=10)
STARTS_AT = START + timedelta(days=14)
ENDS_AT = STARTS_AT + timedelta(hours=8)
OPERATOR = uuid4()


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def app(clock: Clock) -> Marketplace:
    return Marketplace(env=POPO, clock=clock)


def schedule(app: Marketplace, capacity: int = 2, **overrides: Any) -> UUID:
    terms: dict[str, Any] = {
        "name": "2026 杭州中小企业产品博览会",
        "venue": "杭州国际博览中心",
        "online": False,
        "starts_at": STARTS_AT,
        "ends_at": ENDS_AT,
        "capacity": capacity,
        "signup_deadline": DEADLINE,
    }
    terms.update(overrides)
    exhibition_id: UUID = app.schedule_exhibition(OPERATOR, **terms).aggregate.id
    return exhibition_id


def signed_up(app: Marketplace, exhibition_id: UUID, count: int) -> list[UUID]:
    orgs = [uuid4() for _ in range(count)]
    for org in orgs:
        app.sign_up(exhibition_id, org)
    return orgs


def test_the_marketplace_uses_the_exhibitions_deal_venue_check() -> None:
    assert postings.check_deal_venue is exhibitions.check_deal_venue
    assert not hasattr(Marketplace, "check_deal_venue")  # no stub chosen by mixin order


def test_scheduling_records_one_event(app: Marketplace) -> None:
    outcome = app.schedule_exhibition(
        OPERATOR,
        name="线上对接会",
        venue="线上",
        online=True,
        starts_at=STARTS_AT,
        ends_at=ENDS_AT,
        capacity=50,
        signup_deadline=STARTS_AT,
    )
    assert (outcome.version, outcome.position) == (1, 1)
    exhibition = app.get_exhibition(outcome.aggregate.id)
    assert (exhibition.online, exhibition.capacity, exhibition.organizer_id) == (True, 50, OPERATOR)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": STARTS_AT}, "ends_at"),
        ({"signup_deadline": STARTS_AT + timedelta(minutes=1)}, "signup_deadline"),
        ({"signup_deadline": START}, "signup_deadline"),
    ],
)
def test_an_invalid_schedule_is_refused(
    app: Marketplace, overrides: dict[str, Any], field: str
) -> None:
    before = event_count(app)
    with pytest.raises(InvalidValueError) as caught:
        schedule(app, **overrides)
    assert caught.value.field == field
    assert event_count(app) == before


def test_signups_fill_the_booths_then_the_waitlist(app: Marketplace) -> None:
    exhibition_id = schedule(app, capacity=2)
    outcomes = [app.sign_up(exhibition_id, uuid4()) for _ in range(4)]
    assert [o.signup.status for o in outcomes] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert [o.version for o in outcomes] == [2, 3, 4, 5]
    exhibition = outcomes[-1].aggregate
    assert [exhibition.waitlist_position(o.signup.organization_id) for o in outcomes] == [
        None,
        None,
        1,
        2,
    ]


def test_signing_up_twice_after_the_deadline_or_to_an_unknown_exhibition_is_refused(
    app: Marketplace, clock: Clock
) -> None:
    exhibition_id = schedule(app)
    (org,) = signed_up(app, exhibition_id, 1)
    refused(app, ConflictError, lambda: app.sign_up(exhibition_id, org))
    refused(app, NotFoundError, lambda: app.sign_up(uuid4(), org))
    clock.now = DEADLINE
    refused(app, ConflictError, lambda: app.sign_up(exhibition_id, uuid4()))


def test_cancelling_a_confirmed_signup_promotes_the_first_waitlisted(app: Marketplace) -> None:
    exhibition_id = schedule(app, capacity=1)
    confirmed, first, second = signed_up(app, exhibition_id, 3)
    before = event_count(app)
    outcome = app.cancel_signup(exhibition_id, confirmed, confirmed)
    assert event_count(app) == before + 1  # cancellation and promotion: one event
    assert outcome.promoted_ids == (first,)
    assert outcome.signup.status == SignupStatus.CANCELLED
    exhibition = app.get_exhibition(exhibition_id)
    assert exhibition.get_signup(first).status == SignupStatus.CONFIRMED
    assert exhibition.waitlist == [second]


def test_only_the_enterprise_itself_or_an_operator_cancels_a_signup(app: Marketplace) -> None:
    exhibition_id = schedule(app)
    first, second = signed_up(app, exhibition_id, 2)
    refused(app, ForbiddenError, lambda: app.cancel_signup(exhibition_id, first, second))
    refused(
        app,
        NotFoundError,
        lambda: app.cancel_signup(exhibition_id, uuid4(), OPERATOR, as_operator=True),
    )
    app.cancel_signup(exhibition_id, first, OPERATOR, as_operator=True)
    app.cancel_signup(exhibition_id, second, second)
    assert app.get_exhibition(exhibition_id).signups == {}


def test_check_in_of_confirmed_only(app: Marketplace, clock: Clock) -> None:
    exhibition_id = schedule(app, capacity=1)
    confirmed, waitlisted = signed_up(app, exhibition_id, 2)
    clock.now = STARTS_AT
    outcome = app.check_in(exhibition_id, confirmed, OPERATOR)
    assert outcome.signup.checked_in_at == STARTS_AT
    refused(app, ConflictError, lambda: app.check_in(exhibition_id, waitlisted, OPERATOR))
    refused(app, ConflictError, lambda: app.check_in(exhibition_id, confirmed, OPERATOR))


def test_cancel_and_close(app: Marketplace, clock: Clock) -> None:
    cancelled, ended = schedule(app), schedule(app)
    app.cancel_exhibition(cancelled, "场馆检修", OPERATOR)
    assert app.get_exhibition(cancelled).status == ExhibitionStatus.CANCELLED
    refused(app, ConflictError, lambda: app.sign_up(cancelled, uuid4()))
    refused(app, ConflictError, lambda: app.close_exhibition(ended))
    clock.now = ENDS_AT
    outcome = app.close_exhibition(ended)
    assert (outcome.aggregate.status, outcome.version) == (ExhibitionStatus.CLOSED, 2)
    refused(app, ConflictError, lambda: app.close_exhibition(cancelled))
    refused(app, ConflictError, lambda: app.cancel_exhibition(ended, "太晚", OPERATOR))


# Deals made at an exhibition ------------------------------------------------------------


@pytest.fixture
def fair(app: Marketplace) -> tuple[UUID, UUID, UUID, UUID]:
    """An exhibition with two booths: the owner and the bidder confirmed, a third waitlisted;
    a posting of the owner with a bid of each of the others. (exhibition, posting, bid, bid)"""
    exhibition_id = schedule(app, capacity=2)
    owner, bidder, waitlisted = signed_up(app, exhibition_id, 3)
    posting_id = publish(app, owner)
    return (
        exhibition_id,
        posting_id,
        place(app, posting_id, bidder),
        place(app, posting_id, waitlisted),
    )


def accept(app: Marketplace, posting_id: UUID, bid_id: UUID, exhibition_id: UUID) -> Any:
    owner = app.get_posting(posting_id).owner_id
    return app.accept_bid(posting_id, bid_id, owner, exhibition_id)


def test_a_deal_between_confirmed_participants_is_attributed_to_the_exhibition(
    app: Marketplace, clock: Clock, fair: tuple[UUID, UUID, UUID, UUID]
) -> None:
    exhibition_id, posting_id, bid_id, _ = fair
    clock.now = ENDS_AT  # after the fair, before the posting expires
    app.close_exhibition(exhibition_id)
    outcome = accept(app, posting_id, bid_id, exhibition_id)
    contract: Contract = outcome.contract
    assert contract.exhibition_id == exhibition_id
    assert app.get_posting(posting_id).exhibition_id == exhibition_id


def refused_deal(app: Marketplace, accept_it: Callable[[], object], reason: str) -> None:
    before = event_count(app)
    with pytest.raises(ConflictError, match=reason):
        accept_it()
    assert event_count(app) == before


def test_a_deal_with_a_waitlisted_party_or_a_stranger_is_not_attributed(
    app: Marketplace, fair: tuple[UUID, UUID, UUID, UUID]
) -> None:
    exhibition_id, posting_id, _, waitlisted_bid = fair
    refused_deal(
        app,
        lambda: accept(app, posting_id, waitlisted_bid, exhibition_id),
        "the bidder is only waitlisted",
    )
    stranger_bid = place(app, posting_id, uuid4())
    refused_deal(
        app,
        lambda: accept(app, posting_id, stranger_bid, exhibition_id),
        "the bidder has not signed up",
    )
    other_posting = publish(app, uuid4())
    bid_id = place(app, other_posting, app.get_posting(posting_id).owner_id)
    refused_deal(
        app,
        lambda: accept(app, other_posting, bid_id, exhibition_id),
        "the posting's owner has not signed up",
    )
    assert app.get_posting(posting_id).status == PostingStatus.OPEN


def test_a_deal_at_a_cancelled_or_unknown_exhibition_is_refused(
    app: Marketplace, fair: tuple[UUID, UUID, UUID, UUID]
) -> None:
    exhibition_id, posting_id, bid_id, _ = fair
    refused_deal(app, lambda: accept(app, posting_id, bid_id, uuid4()), "exhibition not found")
    app.cancel_exhibition(exhibition_id, "取消", OPERATOR)
    refused_deal(
        app, lambda: accept(app, posting_id, bid_id, exhibition_id), "exhibition is cancelled"
    )
    not_an_exhibition = posting_id
    refused_deal(
        app, lambda: accept(app, posting_id, bid_id, not_an_exhibition), "exhibition not found"
    )


# Demo data ---------------------------------------------------------------------------------


def test_the_demo_has_a_trade_fair_in_hangzhou_and_an_online_event_with_a_waitlist(
    app: Marketplace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    load_demo(app)
    exhibitions = [
        app.repository.get(n.originator_id)
        for n in app.recorder.select_notifications(start=1, limit=10_000)
        if n.topic.endswith("Exhibition.Scheduled")
    ]
    assert all(isinstance(e, Exhibition) for e in exhibitions)
    by_kind = {e.kind: e for e in exhibitions}
    assert set(by_kind) == {"exhibition", "matchmaking", "lecture", "training"}
    fair, online = by_kind["exhibition"], by_kind["matchmaking"]
    assert by_kind["lecture"].confirmed_count == 3 and by_kind["training"].description
    assert "杭州" in fair.venue and not fair.online
    assert fair.confirmed_count == 6 and fair.waitlist == []
    assert online.online and online.confirmed_count == 3 and len(online.waitlist) == 2
    assert all(e.signup_deadline <= e.starts_at < e.ends_at for e in exhibitions)
