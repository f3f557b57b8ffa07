"""Seats at lectures and trainings: a signup takes its attendees' seats, check-in records the
persons who came, freed seats go to waitlisted signups that fit; events stored before seats
are read as one booth, one promotion and one person."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

import pytest

from aggregates.errors import InvalidValueError
from aggregates.exhibition import Exhibition
from aggregates.exhibition_terms import SignupStatus
from marketplace.application import Marketplace
from marketplace.queries.directory import Directory
from marketplace.queries.viewer import Viewer
from marketplace.queries.visibility import visibility
from tests.unit.test_exhibition import DEADLINE, ENDS_AT, NOW, OPERATOR, STARTS_AT, schedule
from tests.unit.test_usecases import POPO, Clock


def lecture(capacity: int, kind: str = "lecture") -> Exhibition:
    return schedule(capacity=capacity, kind=kind)


def join(exhibition: Exhibition, attendees: int) -> UUID:
    organization_id = uuid4()
    exhibition.sign_up(organization_id, NOW, attendees)
    exhibition.collect_events()
    return organization_id


def statuses(exhibition: Exhibition, *orgs: UUID) -> list[str]:
    return [exhibition.get_signup(o).status for o in orgs]


@pytest.mark.parametrize("kind", ["lecture", "training"])
def test_a_signup_takes_its_attendees_seats_while_they_fit(kind: str) -> None:
    exhibition = lecture(10, kind)
    six, four, one = join(exhibition, 6), join(exhibition, 4), join(exhibition, 1)
    assert statuses(exhibition, six, four, one) == ["confirmed", "confirmed", "waitlisted"]
    assert exhibition.seats_taken == 10 and exhibition.confirmed_count == 2
    assert exhibition.get_signup(six).attendees == 6


def test_freed_seats_go_in_waitlist_order_skipping_signups_that_do_not_fit() -> None:
    exhibition = lecture(10)
    six, four = join(exhibition, 6), join(exhibition, 4)
    five, three, two = join(exhibition, 5), join(exhibition, 3), join(exhibition, 2)

    _, promoted = exhibition.cancel_signup(four, four)  # 4 free: 5 does not fit, 3 does
    (event,) = exhibition.collect_events()
    assert promoted == [three] and event.promoted_ids == [three] and event.promoted_id == three
    assert exhibition.waitlist == [five, two] and exhibition.seats_taken == 9

    _, promoted = exhibition.cancel_signup(six, OPERATOR)  # 7 free: 5 and then 2
    (event,) = exhibition.collect_events()
    assert promoted == [five, two] and event.promoted_ids == [five, two]
    assert statuses(exhibition, five, three, two) == ["confirmed"] * 3
    assert exhibition.waitlist == [] and exhibition.seats_taken == 10


def test_a_later_smaller_signup_is_confirmed_into_seats_too_few_for_the_waitlist() -> None:
    exhibition = lecture(10)
    join(exhibition, 8)
    big = join(exhibition, 5)
    small = join(exhibition, 2)
    assert statuses(exhibition, big, small) == ["waitlisted", "confirmed"]


def test_cancelling_a_waitlisted_signup_promotes_nobody() -> None:
    exhibition = lecture(4)
    join(exhibition, 3)
    waiting, other = join(exhibition, 2), join(exhibition, 1)
    assert exhibition.cancel_signup(waiting, waiting)[1] == []
    assert statuses(exhibition, other) == ["confirmed"]  # 1 fitted from the start


@pytest.mark.parametrize(
    ("kind", "capacity", "attendees"),
    [
        ("lecture", 100, 0),
        ("lecture", 100, 51),
        ("training", 5, 6),  # more than every seat: it could never be confirmed
        ("exhibition", 10, 2),  # a booth is one booth
        ("matchmaking", 10, 0),
    ],
)
def test_attendees_out_of_range_are_refused_by_field(
    kind: str, capacity: int, attendees: int
) -> None:
    exhibition = lecture(capacity, kind)
    error = refused_error(exhibition, lambda: exhibition.sign_up(uuid4(), NOW, attendees))
    assert error.field == "attendees"
    assert exhibition.signups == {}


def refused_error(exhibition: Exhibition, command: Any) -> InvalidValueError:
    with pytest.raises(InvalidValueError) as caught:
        command()
    assert exhibition.collect_events() == []
    return caught.value


def test_check_in_records_the_persons_who_came() -> None:
    exhibition = lecture(20)
    full, partly, nobody = join(exhibition, 5), join(exhibition, 5), join(exhibition, 2)
    assert exhibition.check_in(full, OPERATOR, STARTS_AT).attended == 5  # default: all
    assert exhibition.check_in(partly, OPERATOR, STARTS_AT, 3).attended == 3
    assert exhibition.check_in(nobody, OPERATOR, STARTS_AT, 0).attended == 0
    events = exhibition.collect_events()
    assert [e.attended for e in events] == [5, 3, 0]


@pytest.mark.parametrize(("kind", "attended"), [("lecture", 3), ("lecture", -1), ("exhibition", 0)])
def test_attended_beyond_the_signup_is_refused_by_field(kind: str, attended: int) -> None:
    exhibition = lecture(20, kind)
    org = join(exhibition, 2 if kind == "lecture" else 1)
    error = refused_error(
        exhibition, lambda: exhibition.check_in(org, OPERATOR, STARTS_AT, attended)
    )
    assert error.field == "attended"
    assert exhibition.get_signup(org).checked_in_at is None


def test_an_exhibition_check_in_is_one_person() -> None:
    exhibition = lecture(2, "exhibition")
    org = join(exhibition, 1)
    assert exhibition.check_in(org, OPERATOR, STARTS_AT).attended == 1


def test_signup_events_stored_before_seats_are_read_as_one_booth_and_one_person() -> None:
    """Version 1 of SignedUp, SignupCancelled and CheckedIn, upcast on reading."""
    app = Marketplace(env=POPO, clock=Clock(NOW))
    exhibition_id = app.schedule_exhibition(
        OPERATOR,
        name="2025 老展会",
        venue="杭州",
        online=False,
        starts_at=STARTS_AT,
        ends_at=ENDS_AT,
        capacity=1,
        signup_deadline=DEADLINE,
    ).aggregate.id
    first, second = uuid4(), uuid4()
    app.sign_up(exhibition_id, first)
    app.sign_up(exhibition_id, second)
    app.cancel_signup(exhibition_id, first, first)
    app.check_in(exhibition_id, second, OPERATOR)
    stored = app.recorder.select_events(exhibition_id)[1:]
    old = [replace(s, state=json.dumps(v1(s.state)).encode()) for s in stored]
    events = [app.mapper.to_domain_event(s) for s in old]
    assert [e.attendees for e in events[:2]] == [1, 1]
    assert events[2].promoted_ids == [second] and events[2].promoted_id == second
    assert events[3].attended == 1
    scheduled = app.mapper.to_domain_event(app.recorder.select_events(exhibition_id)[0])
    exhibition = None
    for e in [scheduled, *events]:
        exhibition = e.mutate(exhibition)
    assert isinstance(exhibition, Exhibition)
    assert exhibition.get_signup(second).status == SignupStatus.CONFIRMED
    assert exhibition.get_signup(second).attended == 1 and exhibition.seats_taken == 1


def v1(state: bytes) -> dict[str, Any]:
    """The state as version 1 stored it: no class_version, attendees, promoted_ids, attended."""
    data: dict[str, Any] = json.loads(state)
    for key in ("class_version", "attendees", "promoted_ids", "attended"):
        data.pop(key, None)
    return data


def test_on_the_stream_a_cancellation_reaches_everyone_it_promoted() -> None:
    exhibition = lecture(10)
    six, four = join(exhibition, 6), join(exhibition, 4)
    three, two, five = join(exhibition, 3), join(exhibition, 2), join(exhibition, 5)
    exhibition.cancel_signup(six, six)  # 6 seats free: 3 and 2 fit, 5 no longer does
    (event,) = exhibition.collect_events()
    assert event.promoted_ids == [three, two]
    shown = visibility(event, Directory(lambda _: None))
    for organization_id in (six, three, two):
        assert shown.data_for(Viewer(id=organization_id, kind="enterprise")) is not None
    for organization_id in (four, five, None):
        assert shown.data_for(Viewer(id=organization_id, kind="enterprise")) is None
