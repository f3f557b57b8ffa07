"""`GET /stats` activities: held by kind, persons who took part (one per check-in at
exhibitions and matchmaking, `attended` at lectures and trainings) and persons trained; a
cancelled activity counts nowhere. The exact figures over a long history are checked against
an independent fold in tests/integration/test_stats_fold.py."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Account, sign_up
from tests.api.helpers import API
from tests.api.test_exhibitions import schedule
from tests.api.test_stats import head_position, shifted_clock, stats

__all__ = ["shifted_clock"]  # the fixture, used by name

KINDS = {"exhibition", "matchmaking", "lecture", "training"}


def attend(
    client: TestClient, operator: Account, activity: dict[str, Any], attendees: int, **check: Any
) -> int:
    """An enterprise signs up with `attendees` and is checked in; the position written."""
    enterprise = sign_up(client)
    url = f"{API}/exhibitions/{activity['id']}"
    joined = client.post(f"{url}/signups", json={"attendees": attendees}, headers=enterprise.auth)
    assert joined.status_code == 201, joined.text
    body = {"organization_id": enterprise.id, **check}
    checked = client.post(f"{url}/check-ins", json=body, headers=operator.auth)
    assert checked.status_code == 201, checked.text
    position: int = checked.json()["position"]
    return position


def test_stats_answer_activities_by_kind(client: TestClient) -> None:
    activities = stats(client)["activities"]
    assert set(activities) == {"held", "participants", "trained"}
    assert set(activities["held"]) == KINDS
    assert all(isinstance(n, int) for n in activities["held"].values())


def test_participants_and_trained_count_persons_attended(
    client: TestClient, operator: Account, shifted_clock: Any
) -> None:
    before = stats(client, head_position(client))["activities"]
    lecture = schedule(client, operator, kind="lecture", capacity=10)
    training = schedule(client, operator, kind="training", capacity=10)
    meeting = schedule(client, operator, kind="matchmaking", capacity=10)
    dropped = schedule(client, operator, kind="lecture", capacity=10)
    attend(client, operator, lecture, 4, attended=3)
    attend(client, operator, lecture, 3)  # all three
    attend(client, operator, training, 2, attended=0)
    attend(client, operator, training, 2)
    attend(client, operator, meeting, 1)
    attend(client, operator, dropped, 5)
    cancel = client.post(
        f"{API}/exhibitions/{dropped['id']}/cancel",
        json={"reason": "讲师临时有事"},
        headers=operator.auth,
    )
    assert cancel.status_code == 200, cancel.text
    after = stats(client, cancel.json()["position"])["activities"]
    assert after["participants"] == before["participants"] + 3 + 3 + 0 + 2 + 1
    assert after["trained"] == before["trained"] + 3 + 3 + 0 + 2
    assert after["held"] == before["held"]  # they start in two weeks
    shifted_clock(14.5)
    held = stats(client)["activities"]["held"]
    for kind in ("matchmaking", "lecture", "training"):
        assert held[kind] >= before["held"][kind] + 1
