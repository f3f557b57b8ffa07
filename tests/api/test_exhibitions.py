"""Exhibitions over HTTP: scheduling, signups and the waitlist, check-ins, cancelling, closing,
and deals attributed to an exhibition (accepting a bid with `exhibition_id`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aggregates.contract import Contract
from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import (
    API,
    ZH,
    assert_problem,
    bid,
    eventually,
    head,
    is_chinese,
    no_new_events,
    publish,
)

EXHIBITION_KEYS = {
    "id", "name", "venue", "online", "starts_at", "ends_at", "capacity", "signup_deadline",
    "status", "signups_open", "confirmed_count", "waitlist_count", "checked_in_count",
    "cancel_reason", "organizer", "scheduled_at", "version",
}  # fmt: skip


def exhibition_body(**overrides: Any) -> dict[str, Any]:
    starts_at = datetime.now(UTC) + timedelta(days=14)
    body: dict[str, Any] = {
        "name": "2026 杭州中小企业产品交易博览会",
        "venue": "杭州国际博览中心 B 馆",
        "online": False,
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(days=2)).isoformat(),
        "capacity": 2,
        "signup_deadline": (starts_at - timedelta(days=3)).isoformat(),
    }
    body.update(overrides)
    return body


def schedule(client: TestClient, operator: Account, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        f"{API}/exhibitions", json=exhibition_body(**overrides), headers=operator.auth
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def signup(client: TestClient, exhibition: dict[str, Any], enterprise: Account) -> dict[str, Any]:
    response = client.post(f"{API}/exhibitions/{exhibition['id']}/signups", headers=enterprise.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def read(client: TestClient, path: str, account: Account | None = None, **params: Any) -> Any:
    headers = account.auth if account else {}
    response = client.get(API + path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def signups(client: TestClient, exhibition: dict[str, Any], account: Account) -> list[Any]:
    items: list[Any] = read(client, f"/exhibitions/{exhibition['id']}/signups", account)["items"]
    return items


@pytest.fixture(scope="module")
def enterprises(client: TestClient) -> list[Account]:
    return [sign_up(client) for _ in range(5)]


@pytest.fixture
def exhibition(client: TestClient, operator: Account) -> dict[str, Any]:
    return schedule(client, operator)


@pytest.fixture
def full(
    client: TestClient, exhibition: dict[str, Any], enterprises: list[Account]
) -> dict[str, Any]:
    """Two booths, four signups: enterprises 0 and 1 confirmed, 2 and 3 waitlisted."""
    for enterprise in enterprises[:4]:
        signup(client, exhibition, enterprise)
    return exhibition


# Scheduling ---------------------------------------------------------------------------


def test_schedule_an_exhibition(client: TestClient, services: Services, operator: Account) -> None:
    body = exhibition_body(online=True, venue="线上（腾讯会议）", capacity=50)
    response = client.post(f"{API}/exhibitions", json=body, headers=operator.auth)
    assert response.status_code == 201, response.text
    data = response.json()
    assert set(data) >= EXHIBITION_KEYS | {"position"}
    assert uuid.UUID(data["id"])
    assert (data["status"], data["signups_open"], data["online"]) == ("scheduled", True, True)
    assert (data["confirmed_count"], data["waitlist_count"], data["checked_in_count"]) == (0, 0, 0)
    assert data["capacity"] == 50 and data["venue"] == "线上（腾讯会议）"
    assert data["organizer"] == {"id": operator.id, "name": operator.name}
    assert (data["version"], data["position"]) == (1, head(services))

    read_back = read(client, f"/exhibitions/{data['id']}", min_position=data["position"])
    assert {k: read_back[k] for k in EXHIBITION_KEYS} == {k: data[k] for k in EXHIBITION_KEYS}
    listed = read(client, "/exhibitions")["items"]
    assert data["id"] in [e["id"] for e in listed]


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


BAD_EXHIBITIONS: list[tuple[str, dict[str, Any], str]] = [
    ("name empty", {"name": "  "}, "name"),
    ("name too long", {"name": "展" * 121}, "name"),
    ("name missing", {"name": None}, "name"),
    ("venue too long", {"venue": "馆" * 201}, "venue"),
    ("online as string", {"online": "true"}, "online"),
    ("online as number", {"online": 1}, "online"),
    ("capacity zero", {"capacity": 0}, "capacity"),
    ("capacity as string", {"capacity": "10"}, "capacity"),
    ("capacity as float", {"capacity": 10.0}, "capacity"),
    ("capacity huge", {"capacity": 10**9}, "capacity"),
    ("start without offset", {"starts_at": "2030-01-01T09:00:00"}, "starts_at"),
    ("start not a time", {"starts_at": "next monday"}, "starts_at"),
    ("ends before it starts", {"ends_at": in_days(13)}, "ends_at"),
    ("deadline after start", {"signup_deadline": in_days(14.5)}, "signup_deadline"),
    ("deadline past", {"signup_deadline": in_days(-1)}, "signup_deadline"),
    ("unknown field", {"booth_fee": "1000.00"}, "booth_fee"),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [(o, f) for _, o, f in BAD_EXHIBITIONS],
    ids=[n for n, _, _ in BAD_EXHIBITIONS],
)
def test_bad_exhibition_is_422_naming_the_field(
    client: TestClient,
    services: Services,
    operator: Account,
    overrides: dict[str, Any],
    field: str,
) -> None:
    body = exhibition_body(**overrides)
    body = {k: v for k, v in body.items() if v is not None}
    with no_new_events(services):
        response = client.post(f"{API}/exhibitions", json=body, headers=operator.auth)
        assert_problem(response, 422, field=field)


def test_unknown_exhibition_is_404(
    client: TestClient, services: Services, operator: Account, enterprises: list[Account]
) -> None:
    missing = f"{API}/exhibitions/{uuid.uuid4()}"
    with no_new_events(services):
        assert_problem(client.get(missing), 404)
        assert_problem(client.post(f"{missing}/signups", headers=enterprises[0].auth), 404)
        assert_problem(client.get(f"{missing}/signups", headers=operator.auth), 404)
        assert_problem(
            client.delete(f"{missing}/signups/{enterprises[0].id}", headers=operator.auth), 404
        )
        check_in = {"organization_id": enterprises[0].id}
        assert_problem(
            client.post(f"{missing}/check-ins", json=check_in, headers=operator.auth), 404
        )
        cancel = {"reason": "取消"}
        assert_problem(client.post(f"{missing}/cancel", json=cancel, headers=operator.auth), 404)


# Signups and the waitlist ---------------------------------------------------------------


def test_signups_are_confirmed_up_to_capacity_then_waitlisted(
    client: TestClient,
    services: Services,
    operator: Account,
    exhibition: dict[str, Any],
    enterprises: list[Account],
) -> None:
    answers = [signup(client, exhibition, e) for e in enterprises[:4]]
    assert [(a["status"], a["waitlist_position"]) for a in answers] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    first = answers[0]
    assert first["exhibition_id"] == exhibition["id"]
    assert first["organization"] == {"id": enterprises[0].id, "name": enterprises[0].name}
    assert first["checked_in_at"] is None and first["signed_up_at"]
    assert [a["version"] for a in answers] == [2, 3, 4, 5]
    assert answers[-1]["position"] == head(services)

    shown = read(client, f"/exhibitions/{exhibition['id']}")
    assert (shown["confirmed_count"], shown["waitlist_count"], shown["version"]) == (2, 2, 5)
    everyone = signups(client, exhibition, operator)
    assert [(s["organization"]["id"], s["status"], s["waitlist_position"]) for s in everyone] == [
        (enterprises[0].id, "confirmed", None),
        (enterprises[1].id, "confirmed", None),
        (enterprises[2].id, "waitlisted", 1),
        (enterprises[3].id, "waitlisted", 2),
    ]
    assert everyone[0]["organization"]["name"] == enterprises[0].name
    own = signups(client, exhibition, enterprises[3])
    assert [(s["organization"]["id"], s["waitlist_position"]) for s in own] == [
        (enterprises[3].id, 2)
    ]
    assert signups(client, exhibition, enterprises[4]) == []  # not signed up: an empty list


def test_signing_up_twice_is_409(
    client: TestClient, services: Services, full: dict[str, Any], enterprises: list[Account]
) -> None:
    url = f"{API}/exhibitions/{full['id']}/signups"
    with no_new_events(services):
        for enterprise in enterprises[1:3]:  # one confirmed, one waitlisted
            response = client.post(url, headers=enterprise.auth)
            assert_problem(response, 409, detail="already signed up")
        chinese = assert_problem(client.post(url, headers={**enterprises[0].auth, **ZH}), 409)
        assert is_chinese(chinese["detail"])


def test_signups_filter_by_status_and_paginate(
    client: TestClient, operator: Account, full: dict[str, Any]
) -> None:
    path = f"/exhibitions/{full['id']}/signups"
    waitlisted = read(client, path, operator, status="waitlisted")["items"]
    assert [s["waitlist_position"] for s in waitlisted] == [1, 2]
    first = read(client, path, operator, limit=3)
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = read(client, path, operator, limit=3, cursor=first["next_cursor"])
    assert [s["waitlist_position"] for s in rest["items"]] == [2]
    assert rest["next_cursor"] is None
    bad = client.get(API + path, params={"cursor": "nope"}, headers=operator.auth)
    assert_problem(bad, 422, field="cursor")


# Cancelling a signup --------------------------------------------------------------------


def test_cancelling_a_confirmed_signup_promotes_the_first_waitlisted(
    client: TestClient,
    services: Services,
    operator: Account,
    full: dict[str, Any],
    enterprises: list[Account],
) -> None:
    url = f"{API}/exhibitions/{full['id']}/signups/{enterprises[0].id}"
    before = head(services)
    response = client.delete(url, headers=enterprises[0].auth)
    assert response.status_code == 200, response.text
    data = response.json()
    assert head(services) == before + 1  # cancellation and promotion: one event
    assert (data["status"], data["waitlist_position"]) == ("cancelled", None)
    assert data["organization"]["id"] == enterprises[0].id
    assert data["promoted"] == {"id": enterprises[2].id, "name": enterprises[2].name}
    assert (data["version"], data["position"]) == (6, head(services))

    shown = read(client, f"/exhibitions/{full['id']}")
    assert (shown["confirmed_count"], shown["waitlist_count"]) == (2, 1)
    listed = {s["organization"]["id"]: s for s in signups(client, full, operator)}
    assert listed[enterprises[0].id]["status"] == "cancelled"
    assert listed[enterprises[2].id]["status"] == "confirmed"
    assert (
        listed[enterprises[3].id]["status"],
        listed[enterprises[3].id]["waitlist_position"],
    ) == (
        "waitlisted",
        1,
    )
    with no_new_events(services):
        assert_problem(client.delete(url, headers=enterprises[0].auth), 404)  # already gone


def test_an_operator_cancels_a_waitlisted_signup_and_those_behind_move_up(
    client: TestClient,
    services: Services,
    operator: Account,
    full: dict[str, Any],
    enterprises: list[Account],
) -> None:
    url = f"{API}/exhibitions/{full['id']}/signups/{enterprises[2].id}"
    response = client.delete(url, headers=operator.auth)
    assert response.status_code == 200, response.text
    assert response.json()["promoted"] is None
    mine = signups(client, full, enterprises[3])
    assert [(s["status"], s["waitlist_position"]) for s in mine] == [("waitlisted", 1)]
    shown = read(client, f"/exhibitions/{full['id']}")
    assert (shown["confirmed_count"], shown["waitlist_count"]) == (2, 1)


def test_another_enterprise_cannot_cancel_a_signup(
    client: TestClient, services: Services, full: dict[str, Any], enterprises: list[Account]
) -> None:
    url = f"{API}/exhibitions/{full['id']}/signups/{enterprises[0].id}"
    with no_new_events(services):
        assert_problem(client.delete(url, headers=enterprises[1].auth), 403)
        assert_problem(client.delete(url, headers=enterprises[4].auth), 403)
        unknown = f"{API}/exhibitions/{full['id']}/signups/{enterprises[4].id}"
        assert_problem(client.delete(unknown, headers=enterprises[4].auth), 404)


def test_signing_up_again_after_cancelling_joins_the_back_of_the_waitlist(
    client: TestClient, full: dict[str, Any], enterprises: list[Account]
) -> None:
    url = f"{API}/exhibitions/{full['id']}/signups/{enterprises[1].id}"
    assert client.delete(url, headers=enterprises[1].auth).status_code == 200
    again = signup(client, full, enterprises[1])
    assert (again["status"], again["waitlist_position"]) == ("waitlisted", 2)


# Check-ins -------------------------------------------------------------------------------


def test_check_in_a_confirmed_participant(
    client: TestClient,
    services: Services,
    operator: Account,
    full: dict[str, Any],
    enterprises: list[Account],
) -> None:
    url = f"{API}/exhibitions/{full['id']}/check-ins"
    response = client.post(url, json={"organization_id": enterprises[1].id}, headers=operator.auth)
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["status"], data["organization"]["id"]) == ("confirmed", enterprises[1].id)
    assert data["checked_in_at"] and (data["version"], data["position"]) == (6, head(services))
    assert read(client, f"/exhibitions/{full['id']}")["checked_in_count"] == 1
    mine = signups(client, full, enterprises[1])
    assert mine[0]["checked_in_at"] is not None

    with no_new_events(services):
        again = client.post(url, json={"organization_id": enterprises[1].id}, headers=operator.auth)
        assert_problem(again, 409, detail="already checked in")
        cancel = f"{API}/exhibitions/{full['id']}/signups/{enterprises[1].id}"
        assert_problem(client.delete(cancel, headers=enterprises[1].auth), 409, detail="checked in")


def test_check_in_of_a_waitlisted_or_absent_enterprise_is_409(
    client: TestClient,
    services: Services,
    operator: Account,
    full: dict[str, Any],
    enterprises: list[Account],
) -> None:
    url = f"{API}/exhibitions/{full['id']}/check-ins"
    with no_new_events(services):
        waitlisted = {"organization_id": enterprises[2].id}
        response = client.post(url, json=waitlisted, headers=operator.auth)
        assert_problem(response, 409, detail="waitlisted")
        absent = {"organization_id": enterprises[4].id}
        response = client.post(url, json=absent, headers=operator.auth)
        assert_problem(response, 409, detail="not signed up")
        for body, field in [
            ({}, "organization_id"),
            ({"organization_id": "nope"}, "organization_id"),
            ({"organization_id": enterprises[0].id, "note": "x"}, "note"),
        ]:
            assert_problem(client.post(url, json=body, headers=operator.auth), 422, field=field)


# Cancelling the exhibition ----------------------------------------------------------------


def test_cancel_an_exhibition_then_everything_on_it_is_409(
    client: TestClient,
    services: Services,
    operator: Account,
    full: dict[str, Any],
    enterprises: list[Account],
) -> None:
    url = f"{API}/exhibitions/{full['id']}"
    with no_new_events(services):
        for body in ({}, {"reason": "   "}, {"reason": "x" * 2001}):
            response = client.post(f"{url}/cancel", json=body, headers=operator.auth)
            assert_problem(response, 422, field="reason")
    response = client.post(
        f"{url}/cancel", json={"reason": "场馆检修，改期另行通知"}, headers=operator.auth
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["status"], data["cancel_reason"], data["signups_open"]) == (
        "cancelled",
        "场馆检修，改期另行通知",
        False,
    )
    assert (data["confirmed_count"], data["waitlist_count"]) == (2, 2)
    assert (data["version"], data["position"]) == (6, head(services))
    assert read(client, f"/exhibitions/{full['id']}")["status"] == "cancelled"
    cancelled = read(client, "/exhibitions", status="cancelled")["items"]
    assert full["id"] in [e["id"] for e in cancelled]
    assert full["id"] not in [
        e["id"] for e in read(client, "/exhibitions", status="scheduled")["items"]
    ]

    with no_new_events(services):
        refused = client.post(f"{url}/signups", headers=enterprises[4].auth)
        assert_problem(refused, 409, detail="exhibition is cancelled")
        check_in = {"organization_id": enterprises[0].id}
        assert_problem(client.post(f"{url}/check-ins", json=check_in, headers=operator.auth), 409)
        leave = client.delete(f"{url}/signups/{enterprises[0].id}", headers=enterprises[0].auth)
        assert_problem(leave, 409)
        again = client.post(f"{url}/cancel", json={"reason": "再次"}, headers=operator.auth)
        assert_problem(again, 409, detail="exhibition is cancelled")


# Deadlines --------------------------------------------------------------------------------


@pytest.fixture
def later(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The platform's clock 12 days on: past the exhibitions' signup deadline, before start."""
    real = services.app.clock
    monkeypatch.setattr(services.app, "clock", lambda: real() + timedelta(days=12))
    yield


def test_signing_up_after_the_deadline_is_409(
    client: TestClient,
    services: Services,
    exhibition: dict[str, Any],
    enterprises: list[Account],
    later: None,
) -> None:
    with no_new_events(services):
        response = client.post(
            f"{API}/exhibitions/{exhibition['id']}/signups", headers=enterprises[0].auth
        )
        assert_problem(response, 409, detail="deadline")
    shown = read(client, f"/exhibitions/{exhibition['id']}")
    assert (shown["status"], shown["signups_open"]) == ("scheduled", False)


def test_the_scheduler_closes_an_exhibition_after_it_ends(
    client: TestClient, services: Services, operator: Account, enterprises: list[Account]
) -> None:
    now = datetime.now(UTC)
    exhibition = schedule(
        client,
        operator,
        signup_deadline=(now + timedelta(seconds=1)).isoformat(),
        starts_at=(now + timedelta(seconds=1)).isoformat(),
        ends_at=(now + timedelta(seconds=2)).isoformat(),
    )
    signup(client, exhibition, enterprises[0])
    path = f"/exhibitions/{exhibition['id']}"
    assert eventually(lambda: read(client, path)["status"] == "ongoing", timeout=5, interval=0.05)
    assert eventually(lambda: read(client, path)["status"] == "closed", timeout=15)
    stream = services.app.get_exhibition(uuid.UUID(exhibition["id"]))
    assert (stream.status, stream.version) == ("closed", 3)
    with no_new_events(services):
        response = client.post(f"{API}{path}/signups", headers=enterprises[1].auth)
        assert_problem(response, 409, detail="exhibition is closed")
    closed = read(client, "/exhibitions", status="closed")["items"]
    assert [e["id"] for e in closed] == [exhibition["id"]]


# Lists ------------------------------------------------------------------------------------


def test_exhibitions_list_newest_first_with_filters_and_cursor(
    client: TestClient, operator: Account
) -> None:
    online = schedule(client, operator, online=True, name="线上对接会")
    onsite = schedule(client, operator, name="青岛食品展")
    page = read(client, "/exhibitions", limit=1, min_position=onsite["position"])
    assert [e["id"] for e in page["items"]] == [onsite["id"]]
    second = read(client, "/exhibitions", limit=1, cursor=page["next_cursor"])
    assert [e["id"] for e in second["items"]] == [online["id"]]
    only_online = read(client, "/exhibitions", online="true")["items"]
    assert online["id"] in [e["id"] for e in only_online]
    assert all(e["online"] for e in only_online)
    response = client.get(f"{API}/exhibitions", params={"status": "open"})
    assert_problem(response, 422, field="status")


# Deals made at an exhibition: both parties need confirmed signups --------------------------


@dataclass
class Fair:
    exhibition: dict[str, Any]
    owner: Account  # confirmed
    bidder: Account  # confirmed
    waitlisted: Account
    stranger: Account  # never signed up
    posting_id: str
    bids: dict[str, str]  # bid id by bidder role

    def accept_url(self, role: str) -> str:
        return f"{API}/postings/{self.posting_id}/bids/{self.bids[role]}/accept"


@pytest.fixture
def fair(client: TestClient, operator: Account, enterprises: list[Account]) -> Fair:
    """A new exhibition with two booths and a new posting, bid on by the three others."""
    exhibition = schedule(client, operator, capacity=2)
    owner, bidder, waitlisted, stranger = enterprises[:4]
    for enterprise in (owner, bidder, waitlisted):
        signup(client, exhibition, enterprise)
    posting = publish(client, owner)
    bids = {
        role: bid(client, account, posting["id"])["id"]
        for role, account in [
            ("bidder", bidder),
            ("waitlisted", waitlisted),
            ("stranger", stranger),
        ]
    }
    return Fair(exhibition, owner, bidder, waitlisted, stranger, posting["id"], bids)


def accept(client: TestClient, fair: Fair, role: str, exhibition_id: str) -> Any:
    return client.post(
        fair.accept_url(role), json={"exhibition_id": exhibition_id}, headers=fair.owner.auth
    )


def test_a_deal_between_confirmed_participants_carries_the_exhibition(
    client: TestClient, services: Services, fair: Fair
) -> None:
    response = accept(client, fair, "bidder", fair.exhibition["id"])
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["position"] == head(services)
    contract: Any = services.app.repository.get(uuid.UUID(data["contract_id"]))
    assert isinstance(contract, Contract)
    assert str(contract.exhibition_id) == fair.exhibition["id"]
    assert services.app.get_posting(uuid.UUID(fair.posting_id)).exhibition_id == uuid.UUID(
        fair.exhibition["id"]
    )


@pytest.mark.parametrize(
    ("role", "reason"),
    [("waitlisted", "the bidder is only waitlisted"), ("stranger", "the bidder has not signed up")],
)
def test_a_deal_with_a_bidder_not_confirmed_is_409(
    client: TestClient, services: Services, fair: Fair, role: str, reason: str
) -> None:
    with no_new_events(services):
        assert_problem(accept(client, fair, role, fair.exhibition["id"]), 409, detail=reason)
    assert client.get(f"{API}/postings/{fair.posting_id}").json()["status"] == "open"


def test_a_deal_whose_owner_is_only_waitlisted_is_409(
    client: TestClient, services: Services, operator: Account, fair: Fair
) -> None:
    other = schedule(client, operator, capacity=1)
    signup(client, other, fair.bidder)
    signup(client, other, fair.owner)  # waitlisted behind the bidder
    with no_new_events(services):
        response = accept(client, fair, "bidder", other["id"])
        assert_problem(response, 409, detail="the posting's owner is only waitlisted")


def test_a_deal_at_an_unknown_or_cancelled_exhibition_is_409(
    client: TestClient, services: Services, operator: Account, fair: Fair
) -> None:
    with no_new_events(services):
        response = accept(client, fair, "bidder", str(uuid.uuid4()))
        assert_problem(response, 409, detail="exhibition not found")
        response = accept(client, fair, "bidder", fair.posting_id)  # an id, but no exhibition
        assert_problem(response, 409, detail="exhibition not found")
    url = f"{API}/exhibitions/{fair.exhibition['id']}/cancel"
    cancelled = client.post(url, json={"reason": "延期"}, headers=operator.auth)
    assert cancelled.status_code == 200, cancelled.text
    with no_new_events(services):
        response = accept(client, fair, "bidder", fair.exhibition["id"])
        assert_problem(response, 409, detail="exhibition is cancelled")
    accepted = client.post(fair.accept_url("bidder"), headers=fair.owner.auth)  # no venue: fine
    assert accepted.status_code == 201, accepted.text
