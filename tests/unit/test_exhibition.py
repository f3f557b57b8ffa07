"""The Exhibition aggregate: schedule, signups with a waitlist, promotions, check-ins, closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import reduce
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregates.errors import (
    ConflictError,
    DomainError,
    InvalidValueError,
    NotFoundError,
)
from aggregates.exhibition import Exhibition
from aggregates.exhibition_terms import (
    ExhibitionStatus,
    SignupStatus,
    check_schedule,
    public_status,
    signups_open,
)

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=10)
STARTS_AT = NOW + timedelta(days=14)
ENDS_AT = STARTS_AT + timedelta(days=2)
OPERATOR = uuid4()


def schedule(capacity: int = 2, **overrides: Any) -> Exhibition:
    """A scheduled exhibition whose creation event has already been collected."""
    terms: dict[str, Any] = {
        "organizer_id": OPERATOR,
        "name": "2026 杭州中小企业产品博览会",
        "venue": "杭州国际博览中心 A 馆",
        "online": False,
        "starts_at": STARTS_AT,
        "ends_at": ENDS_AT,
        "capacity": capacity,
        "signup_deadline": DEADLINE,
    }
    terms.update(overrides)
    exhibition = Exhibition(**terms)
    exhibition.collect_events()
    return exhibition


def sign_up(exhibition: Exhibition, organization_id: UUID | None = None) -> UUID:
    organization_id = organization_id or uuid4()
    exhibition.sign_up(organization_id, NOW)
    exhibition.collect_events()
    return organization_id


def refused(exhibition: Exhibition, error: type[DomainError], command: Callable[[], object]) -> str:
    """The command raises `error`, with both messages, and leaves no pending event."""
    version = exhibition.version
    with pytest.raises(error) as caught:
        command()
    assert type(caught.value) is error
    assert caught.value.en and caught.value.zh
    assert exhibition.collect_events() == []
    assert exhibition.version == version
    return caught.value.en


def is_confirmed(exhibition: Exhibition, organization_id: UUID) -> bool:
    return exhibition.get_signup(organization_id).status == SignupStatus.CONFIRMED


def replayed(exhibition: Exhibition, events: list[Any]) -> Exhibition:
    """The aggregate as the repository would rebuild it from the given events."""
    rebuilt: Exhibition = reduce(lambda state, e: e.mutate(state), events, None)
    return rebuilt


# Scheduling ---------------------------------------------------------------------------


def test_a_new_exhibition_is_scheduled_with_no_signups() -> None:
    exhibition = Exhibition(
        organizer_id=OPERATOR,
        name="跨境电商线上对接会",
        venue="线上（腾讯会议）",
        online=True,
        starts_at=STARTS_AT,
        ends_at=ENDS_AT,
        capacity=30,
        signup_deadline=DEADLINE,
    )
    (scheduled,) = exhibition.collect_events()
    assert isinstance(scheduled, Exhibition.Scheduled)
    assert (scheduled.online, scheduled.capacity, scheduled.organizer_id) == (True, 30, OPERATOR)
    assert exhibition.status == ExhibitionStatus.SCHEDULED
    assert exhibition.signups == {} and exhibition.waitlist == []
    assert exhibition.confirmed_count == 0


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "deadline", "field"),
    [
        (STARTS_AT, STARTS_AT, DEADLINE, "ends_at"),
        (STARTS_AT, STARTS_AT - timedelta(hours=1), DEADLINE, "ends_at"),
        (STARTS_AT, ENDS_AT, STARTS_AT + timedelta(seconds=1), "signup_deadline"),
        (STARTS_AT, ENDS_AT, NOW, "signup_deadline"),
        (STARTS_AT, ENDS_AT, NOW - timedelta(days=1), "signup_deadline"),
        (STARTS_AT.replace(tzinfo=None), ENDS_AT, DEADLINE, "starts_at"),
        (STARTS_AT, ENDS_AT.replace(tzinfo=None), DEADLINE, "ends_at"),
        (STARTS_AT, ENDS_AT, DEADLINE.replace(tzinfo=None), "signup_deadline"),
    ],
    ids=[
        "ends when it starts",
        "ends before it starts",
        "deadline after start",
        "deadline now",
        "deadline past",
        "naive start",
        "naive end",
        "naive deadline",
    ],
)
def test_a_schedule_out_of_order_is_invalid(
    starts_at: datetime, ends_at: datetime, deadline: datetime, field: str
) -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_schedule(starts_at, ends_at, deadline, NOW)
    assert caught.value.field == field
    assert caught.value.zh


def test_the_deadline_may_be_the_start() -> None:
    check_schedule(STARTS_AT, ENDS_AT, STARTS_AT, NOW)


def test_shown_status_and_whether_signups_are_open() -> None:
    assert public_status("scheduled", STARTS_AT, NOW) == "scheduled"
    assert public_status("scheduled", STARTS_AT, STARTS_AT) == "ongoing"
    assert public_status("closed", STARTS_AT, ENDS_AT) == "closed"
    assert public_status("cancelled", STARTS_AT, ENDS_AT) == "cancelled"
    assert signups_open("scheduled", DEADLINE, NOW)
    assert not signups_open("scheduled", DEADLINE, DEADLINE)
    assert not signups_open("cancelled", DEADLINE, NOW)


# Signing up ---------------------------------------------------------------------------


def test_signups_are_confirmed_up_to_capacity_then_waitlisted_in_order() -> None:
    exhibition = schedule(capacity=2)
    first, second, third, fourth = (uuid4() for _ in range(4))
    for org in (first, second, third, fourth):
        exhibition.sign_up(org, NOW)
    events = exhibition.collect_events()
    assert [e.status for e in events] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [e.organization_id for e in events] == [first, second, third, fourth]
    assert all(isinstance(e, Exhibition.SignedUp) and e.signed_up_at == NOW for e in events)
    assert exhibition.confirmed_count == 2
    assert exhibition.waitlist == [third, fourth]
    assert [exhibition.waitlist_position(o) for o in (first, third, fourth)] == [None, 1, 2]
    assert exhibition.get_signup(third).status == SignupStatus.WAITLISTED


def test_signing_up_twice_is_refused_confirmed_or_waitlisted() -> None:
    exhibition = schedule(capacity=1)
    confirmed, waitlisted = sign_up(exhibition), sign_up(exhibition)
    for org in (confirmed, waitlisted):
        assert "already signed up" in refused(
            exhibition, ConflictError, lambda o=org: exhibition.sign_up(o, NOW)
        )


def test_signing_up_at_or_after_the_deadline_is_refused() -> None:
    exhibition = schedule()
    sign_up(exhibition)
    for when in (DEADLINE, DEADLINE + timedelta(seconds=1), STARTS_AT):
        assert "deadline" in refused(
            exhibition, ConflictError, lambda w=when: exhibition.sign_up(uuid4(), w)
        )
    exhibition.sign_up(uuid4(), DEADLINE - timedelta(microseconds=1))


def test_signing_up_to_a_cancelled_or_closed_exhibition_is_refused() -> None:
    cancelled = schedule()
    cancelled.cancel("场馆检修", OPERATOR, NOW)
    cancelled.collect_events()
    assert refused(cancelled, ConflictError, lambda: cancelled.sign_up(uuid4(), NOW)) == (
        "exhibition is cancelled"
    )
    closed = schedule()
    closed.close(ENDS_AT)
    closed.collect_events()
    assert refused(closed, ConflictError, lambda: closed.sign_up(uuid4(), NOW)) == (
        "exhibition is closed"
    )


# Cancelling a signup ------------------------------------------------------------------


def test_cancelling_a_confirmed_signup_promotes_the_first_waitlisted_in_the_same_event() -> None:
    exhibition = schedule(capacity=2)
    first, second, third, fourth, fifth = (sign_up(exhibition) for _ in range(5))
    by = uuid4()

    cancelled, promoted = exhibition.cancel_signup(first, by)

    (event,) = exhibition.collect_events()
    assert isinstance(event, Exhibition.SignupCancelled)
    assert (event.organization_id, event.previous_status, event.promoted_id) == (
        first,
        "confirmed",
        third,
    )
    assert event.cancelled_by == by
    assert (cancelled.organization_id, cancelled.status) == (first, SignupStatus.CANCELLED)
    assert promoted == [third]
    assert exhibition.get_signup(third).status == SignupStatus.CONFIRMED
    assert exhibition.confirmed_count == 2
    assert exhibition.waitlist == [fourth, fifth]
    assert [exhibition.waitlist_position(o) for o in (fourth, fifth)] == [1, 2]
    assert first not in exhibition.signups
    assert second in exhibition.signups


def test_cancelling_a_waitlisted_signup_shifts_those_behind_it() -> None:
    exhibition = schedule(capacity=1)
    confirmed, first, second, third = (sign_up(exhibition) for _ in range(4))
    _, promoted = exhibition.cancel_signup(second, second)
    (event,) = exhibition.collect_events()
    assert (event.previous_status, event.promoted_id, promoted) == ("waitlisted", None, [])
    assert exhibition.waitlist == [first, third]
    assert exhibition.waitlist_position(third) == 2
    assert exhibition.confirmed_count == 1 and is_confirmed(exhibition, confirmed)


def test_cancelling_with_nobody_waiting_frees_the_booth() -> None:
    exhibition = schedule(capacity=1)
    org = sign_up(exhibition)
    assert exhibition.cancel_signup(org, OPERATOR)[1] == []
    exhibition.collect_events()
    assert exhibition.confirmed_count == 0
    later = sign_up(exhibition)
    assert exhibition.get_signup(later).status == SignupStatus.CONFIRMED


def test_signing_up_again_after_cancelling_goes_to_the_back() -> None:
    exhibition = schedule(capacity=1)
    org, waiting = sign_up(exhibition), sign_up(exhibition)
    exhibition.cancel_signup(org, org)
    exhibition.collect_events()
    sign_up(exhibition, org)
    assert is_confirmed(exhibition, waiting)
    assert exhibition.waitlist == [org]


def test_cancelling_an_unknown_or_checked_in_signup_or_on_a_closed_exhibition_is_refused() -> None:
    exhibition = schedule()
    org = sign_up(exhibition)
    refused(exhibition, NotFoundError, lambda: exhibition.cancel_signup(uuid4(), OPERATOR))
    exhibition.check_in(org, OPERATOR, STARTS_AT)
    exhibition.collect_events()
    assert "checked in" in refused(
        exhibition, ConflictError, lambda: exhibition.cancel_signup(org, org)
    )
    other = schedule()
    member = sign_up(other)
    other.cancel("台风", OPERATOR, NOW)
    other.collect_events()
    refused(other, ConflictError, lambda: other.cancel_signup(member, member))


# Check-in ----------------------------------------------------------------------------


def test_a_confirmed_participant_checks_in_once() -> None:
    exhibition = schedule(capacity=1)
    org = sign_up(exhibition)
    signup = exhibition.check_in(org, OPERATOR, STARTS_AT)
    (event,) = exhibition.collect_events()
    assert isinstance(event, Exhibition.CheckedIn)
    assert (event.organization_id, event.checked_in_at, event.checked_in_by) == (
        org,
        STARTS_AT,
        OPERATOR,
    )
    assert signup.checked_in_at == STARTS_AT
    assert refused(
        exhibition, ConflictError, lambda: exhibition.check_in(org, OPERATOR, STARTS_AT)
    ) == ("already checked in")


def test_checking_in_a_waitlisted_or_unknown_organization_is_refused() -> None:
    exhibition = schedule(capacity=1)
    sign_up(exhibition)
    waitlisted = sign_up(exhibition)
    assert "waitlisted" in refused(
        exhibition, ConflictError, lambda: exhibition.check_in(waitlisted, OPERATOR, STARTS_AT)
    )
    assert "not signed up" in refused(
        exhibition, ConflictError, lambda: exhibition.check_in(uuid4(), OPERATOR, STARTS_AT)
    )


def test_checking_in_at_a_cancelled_exhibition_is_refused() -> None:
    exhibition = schedule()
    org = sign_up(exhibition)
    exhibition.cancel("延期", OPERATOR, NOW)
    exhibition.collect_events()
    refused(exhibition, ConflictError, lambda: exhibition.check_in(org, OPERATOR, STARTS_AT))


# Cancelling and closing the exhibition --------------------------------------------------


def test_cancelling_records_the_reason() -> None:
    exhibition = schedule()
    exhibition.cancel("场馆临时检修", OPERATOR, NOW)
    (event,) = exhibition.collect_events()
    assert isinstance(event, Exhibition.Cancelled)
    assert (event.reason, event.cancelled_by) == ("场馆临时检修", OPERATOR)
    assert exhibition.status == ExhibitionStatus.CANCELLED
    assert exhibition.cancel_reason == "场馆临时检修"
    refused(exhibition, ConflictError, lambda: exhibition.cancel("again", OPERATOR, NOW))


def test_cancelling_needs_a_reason_and_an_exhibition_that_has_not_ended() -> None:
    exhibition = schedule()
    refused(exhibition, InvalidValueError, lambda: exhibition.cancel("  ", OPERATOR, NOW))
    assert "ended" in refused(
        exhibition, ConflictError, lambda: exhibition.cancel("late", OPERATOR, ENDS_AT)
    )


def test_closing_only_after_the_end() -> None:
    exhibition = schedule()
    assert "not ended" in refused(
        exhibition, ConflictError, lambda: exhibition.close(ENDS_AT - timedelta(seconds=1))
    )
    exhibition.close(ENDS_AT)
    (event,) = exhibition.collect_events()
    assert isinstance(event, Exhibition.Closed)
    assert exhibition.status == ExhibitionStatus.CLOSED
    refused(exhibition, ConflictError, lambda: exhibition.close(ENDS_AT))
    cancelled = schedule()
    cancelled.cancel("取消", OPERATOR, NOW)
    cancelled.collect_events()
    refused(cancelled, ConflictError, lambda: cancelled.close(ENDS_AT))


# Deals made at the exhibition -------------------------------------------------------------


def test_a_deal_venue_needs_both_parties_confirmed() -> None:
    exhibition = schedule(capacity=2)
    owner, bidder, waitlisted = sign_up(exhibition), sign_up(exhibition), sign_up(exhibition)
    exhibition.require_deal_venue(owner, bidder)
    exhibition.require_deal_venue(bidder, owner)
    with pytest.raises(ConflictError, match="the bidder is only waitlisted"):
        exhibition.require_deal_venue(owner, waitlisted)
    with pytest.raises(ConflictError, match="the posting's owner has not signed up"):
        exhibition.require_deal_venue(uuid4(), bidder)
    exhibition.close(ENDS_AT)  # deals are often closed after the fair: still attributed
    exhibition.require_deal_venue(owner, bidder)


def test_a_cancelled_exhibition_is_no_deal_venue() -> None:
    exhibition = schedule()
    owner, bidder = sign_up(exhibition), sign_up(exhibition)
    exhibition.cancel("取消", OPERATOR, NOW)
    with pytest.raises(ConflictError, match="exhibition is cancelled"):
        exhibition.require_deal_venue(owner, bidder)


# Replay and invariants ----------------------------------------------------------------


def test_replaying_the_events_rebuilds_signups_waitlist_and_check_ins() -> None:
    exhibition = Exhibition(
        organizer_id=OPERATOR,
        name="n",
        venue="v",
        online=False,
        starts_at=STARTS_AT,
        ends_at=ENDS_AT,
        capacity=2,
        signup_deadline=DEADLINE,
    )
    orgs = [uuid4() for _ in range(5)]
    for org in orgs:
        exhibition.sign_up(org, NOW)
    exhibition.cancel_signup(orgs[0], orgs[0])
    exhibition.cancel_signup(orgs[3], OPERATOR)
    exhibition.check_in(orgs[2], OPERATOR, STARTS_AT)
    rebuilt = replayed(exhibition, exhibition.collect_events())
    assert rebuilt.signups == exhibition.signups
    assert rebuilt.waitlist == exhibition.waitlist == [orgs[4]]
    assert is_confirmed(rebuilt, orgs[2]) and rebuilt.signups[orgs[2]].checked_in_at == STARTS_AT
    assert rebuilt.version == exhibition.version == 9


@settings(max_examples=60, deadline=None)
@given(
    capacity=st.integers(min_value=1, max_value=4),
    steps=st.lists(st.tuples(st.booleans(), st.integers(0, 7)), max_size=40),
)
def test_no_booth_stays_free_while_someone_waits(
    capacity: int, steps: list[tuple[bool, int]]
) -> None:
    """Whatever the order of signups and cancellations: confirmed ≤ capacity, nobody waits
    while a booth is free, and the waitlist keeps signup order."""
    exhibition = schedule(capacity=capacity)
    orgs = [uuid4() for _ in range(8)]
    joined: list[UUID] = []  # signup order of the active signups
    for signing_up, index in steps:
        org = orgs[index]
        try:
            if signing_up:
                exhibition.sign_up(org, NOW)
                joined.append(org)
            else:
                exhibition.cancel_signup(org, org)
                joined.remove(org)
        except DomainError:
            continue
        assert exhibition.confirmed_count <= capacity
        assert not exhibition.waitlist or exhibition.confirmed_count == capacity
        assert exhibition.waitlist == [o for o in joined if o in exhibition.waitlist]
        assert len(exhibition.signups) == len(joined)
