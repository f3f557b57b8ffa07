"""Seats at lectures and trainings over HTTP: signups with `attendees`, check-ins with
`attended`, freed seats promoted in waitlist order skipping signups that do not fit, and
signups stored before seats read as one booth."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from aggregates.exhibition import Exhibition
from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, head, no_new_events
from tests.api.test_exhibitions import read, schedule, signup, signups


@pytest.fixture(scope="module")
def enterprises(client: TestClient) -> list[Account]:
    return [sign_up(client) for _ in range(5)]


def take(
    client: TestClient, activity: dict[str, Any], enterprise: Account, attendees: int
) -> dict[str, Any]:
    url = f"{API}/exhibitions/{activity['id']}/signups"
    response = client.post(url, json={"attendees": attendees}, headers=enterprise.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    assert data["attendees"] == attendees and data["attended"] is None
    return data


def by_org(client: TestClient, activity: dict[str, Any], operator: Account) -> dict[str, Any]:
    return {s["organization"]["id"]: s for s in signups(client, activity, operator)}


def test_freed_seats_go_to_waitlisted_signups_that_fit_in_waitlist_order(
    client: TestClient, services: Services, operator: Account, enterprises: list[Account]
) -> None:
    training = schedule(client, operator, kind="training", capacity=10)
    six, four, five, three, two = enterprises
    sizes = [(six, 6), (four, 4), (five, 5), (three, 3), (two, 2)]
    statuses = [take(client, training, e, n)["status"] for e, n in sizes]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    shown = read(client, f"/exhibitions/{training['id']}")
    assert (shown["seats_taken"], shown["confirmed_count"], shown["waitlist_count"]) == (10, 2, 3)

    before = head(services)
    url = f"{API}/exhibitions/{training['id']}/signups/{four.id}"
    response = client.delete(url, headers=four.auth)  # 4 seats: 5 does not fit, 3 does
    assert response.status_code == 200, response.text
    assert head(services) == before + 1
    data = response.json()
    assert data["promoted"]["id"] == three.id
    assert [p["id"] for p in data["promoted_all"]] == [three.id]
    listed = by_org(client, training, operator)
    assert [listed[e.id]["status"] for e in (five, three, two)] == [
        "waitlisted",
        "confirmed",
        "waitlisted",
    ]
    assert [listed[e.id]["waitlist_position"] for e in (five, two)] == [1, 2]
    assert read(client, f"/exhibitions/{training['id']}")["seats_taken"] == 9

    response = client.delete(
        f"{API}/exhibitions/{training['id']}/signups/{six.id}", headers=operator.auth
    )
    assert [p["id"] for p in response.json()["promoted_all"]] == [five.id, two.id]
    shown = read(client, f"/exhibitions/{training['id']}")
    assert (shown["seats_taken"], shown["confirmed_count"], shown["waitlist_count"]) == (10, 3, 0)
    assert {s["attendees"] for s in signups(client, training, operator)} == {2, 3, 4, 5, 6}


def test_check_in_records_the_persons_who_attended(
    client: TestClient, services: Services, operator: Account, enterprises: list[Account]
) -> None:
    lecture = schedule(client, operator, kind="lecture", capacity=20)
    take(client, lecture, enterprises[0], 3)
    take(client, lecture, enterprises[1], 4)
    url = f"{API}/exhibitions/{lecture['id']}/check-ins"
    with no_new_events(services):
        for attended in (4, -1, "2", 51):
            body = {"organization_id": enterprises[0].id, "attended": attended}
            assert_problem(
                client.post(url, json=body, headers=operator.auth), 422, field="attended"
            )
    body = {"organization_id": enterprises[0].id, "attended": 2}
    response = client.post(url, json=body, headers=operator.auth)
    assert response.status_code == 201, response.text
    assert (response.json()["attendees"], response.json()["attended"]) == (3, 2)
    response = client.post(url, json={"organization_id": enterprises[1].id}, headers=operator.auth)
    assert response.json()["attended"] == 4  # by default every attendee
    shown = read(client, f"/exhibitions/{lecture['id']}")
    assert (shown["checked_in_count"], shown["attended_count"]) == (2, 6)
    listed = by_org(client, lecture, operator)
    assert [listed[e.id]["attended"] for e in enterprises[:2]] == [2, 4]
    mine = signups(client, lecture, enterprises[0])
    assert [(s["attendees"], s["attended"]) for s in mine] == [(3, 2)]


def test_attendees_out_of_range_are_422_by_field_and_write_nothing(
    client: TestClient, services: Services, operator: Account, enterprises: list[Account]
) -> None:
    lecture = schedule(client, operator, kind="lecture", capacity=8)
    fair = schedule(client, operator, kind="exhibition", capacity=8)
    meeting = schedule(client, operator, kind="matchmaking", capacity=8)
    with no_new_events(services):
        for activity, attendees in [
            (lecture, 0), (lecture, 51), (lecture, 9), (lecture, "2"), (lecture, None),
            (fair, 2), (meeting, 3),
        ]:  # fmt: skip
            url = f"{API}/exhibitions/{activity['id']}/signups"
            response = client.post(url, json={"attendees": attendees}, headers=enterprises[0].auth)
            assert_problem(response, 422, field="attendees")
    joined = signup(client, fair, enterprises[1])  # no body: one booth
    assert (joined["status"], joined["attendees"]) == ("confirmed", 1)
    assert take(client, meeting, enterprises[1], 1)["status"] == "confirmed"
    with no_new_events(services):
        body = {"organization_id": enterprises[1].id, "attended": 0}
        assert_problem(
            client.post(
                f"{API}/exhibitions/{fair['id']}/check-ins", json=body, headers=operator.auth
            ),
            422,
            field="attended",
        )
    body = {"organization_id": enterprises[1].id}
    response = client.post(
        f"{API}/exhibitions/{fair['id']}/check-ins", json=body, headers=operator.auth
    )
    assert response.json()["attended"] == 1


def test_signups_stored_before_seats_read_as_one_booth_and_one_person(
    client: TestClient, services: Services, operator: Account, enterprise: Account
) -> None:
    """Version 1 `SignedUp`, `SignupCancelled` and `CheckedIn` events, upcast on reading."""
    starts_at = datetime.now(UTC) + timedelta(days=10)
    old = Exhibition(
        organizer_id=operator.id,
        name="2025 老展会",
        venue="杭州",
        online=False,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=1),
        capacity=1,
        signup_deadline=starts_at - timedelta(days=1),
    )
    first, second = uuid4(), uuid4()
    now = datetime.now(UTC)
    old.sign_up(first, now)
    old.sign_up(second, now)
    old.cancel_signup(first, first)
    old.check_in(second, operator.id, now)
    stored = [services.app.mapper.to_stored_event(e) for e in old.collect_events()]
    services.app.recorder.insert_events([stored[0], *(as_v1(s) for s in stored[1:])])

    shown = read(client, f"/exhibitions/{old.id}", min_position=head(services))
    assert (shown["seats_taken"], shown["checked_in_count"], shown["attended_count"]) == (1, 1, 1)
    listed = {s["organization"]["id"]: s for s in signups(client, {"id": str(old.id)}, operator)}
    assert (listed[str(second)]["status"], listed[str(second)]["attendees"]) == ("confirmed", 1)
    assert listed[str(second)]["attended"] == 1
    joined = signup(client, {"id": str(old.id)}, enterprise)  # replays the old events
    assert (joined["status"], joined["waitlist_position"]) == ("waitlisted", 1)


def as_v1(stored: Any) -> Any:
    state = json.loads(stored.state)
    for key in ("class_version", "attendees", "promoted_ids", "attended"):
        state.pop(key, None)
    return replace(stored, state=json.dumps(state).encode())
