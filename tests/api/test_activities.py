"""Activities: exhibitions, matchmaking events, lectures and trainings share the exhibition
routes; each has a kind and a description, and exhibitions stored before kinds still work."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from aggregates.exhibition import Exhibition
from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.api.helpers import API, assert_problem, no_new_events
from tests.api.test_exhibitions import exhibition_body, schedule, signup


def kinds_listed(client: TestClient, kind: str) -> list[str]:
    response = client.get(f"{API}/exhibitions", params={"kind": kind, "limit": 200})
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["items"]]


def test_a_lecture_has_its_kind_and_description(client: TestClient, operator: Account) -> None:
    lecture = schedule(
        client, operator, kind="lecture", description="数字化转型微课堂：中小企业上云实务"
    )
    assert lecture["kind"] == "lecture" and lecture["description"].startswith("数字化转型")
    read = client.get(f"{API}/exhibitions/{lecture['id']}").json()
    assert read["kind"] == "lecture" and read["description"] == lecture["description"]
    fair = schedule(client, operator)
    assert fair["kind"] == "exhibition" and fair["description"] == ""
    assert lecture["id"] in kinds_listed(client, "lecture")
    assert fair["id"] not in kinds_listed(client, "lecture")
    assert fair["id"] in kinds_listed(client, "exhibition")


def test_an_unknown_kind_or_a_long_description_is_refused(
    client: TestClient, services: Services, operator: Account
) -> None:
    with no_new_events(services):
        for overrides, field in [
            ({"kind": "concert"}, "kind"),
            ({"description": "长" * 5001}, "description"),
        ]:
            response = client.post(
                f"{API}/exhibitions", json=exhibition_body(**overrides), headers=operator.auth
            )
            assert_problem(response, 422, field=field)
    assert_problem(client.get(f"{API}/exhibitions", params={"kind": "concert"}), 422)


def test_an_exhibition_stored_before_kinds_reads_and_takes_signups(
    client: TestClient, services: Services, operator: Account, enterprise: Account
) -> None:
    """A version 1 `Scheduled` event (no kind, no description) is upcast on reading."""
    starts_at = datetime.now(UTC) + timedelta(days=10)
    old = Exhibition(
        organizer_id=operator.id,
        name="2025 老展会",
        venue="杭州",
        online=False,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=1),
        capacity=5,
        signup_deadline=starts_at - timedelta(days=1),
    )
    stored = services.app.mapper.to_stored_event(old.collect_events()[0])
    state = json.loads(stored.state)
    for key in ("kind", "description", "class_version"):
        state.pop(key)
    services.app.recorder.insert_events([replace(stored, state=json.dumps(state).encode())])
    joined = signup(client, {"id": str(old.id)}, enterprise)  # replays the old event
    assert joined["status"] == "confirmed"
    assert str(old.id) in kinds_listed(client, "exhibition")  # the view folds it too
    read = client.get(f"{API}/exhibitions/{old.id}").json()
    assert read["kind"] == "exhibition" and read["description"] == ""
    assert read["confirmed_count"] == 1
