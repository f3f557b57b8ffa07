"""Who may act on and see a service request: only its enterprise, the provider it is dispatched
to now, and staff; on every route (lists, one request, the live stream). Wrong party 403."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, no_new_events, publish
from tests.api.service_request_helpers import (
    REQUESTS,
    accepted,
    act,
    dispatched,
    listed,
    post,
    read,
    request_body,
    resolved,
    submit,
    verified_provider,
)
from tests.api.test_stream import connect, has, receive_until


@pytest.fixture(scope="module")
def enterprise(client: TestClient) -> Account:
    return sign_up(client, region="330106")


@pytest.fixture(scope="module")
def stranger(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def law_firm(client: TestClient, operator: Account) -> Account:
    return verified_provider(client, operator, "legal", "technology")


@pytest.fixture(scope="module")
def rival(client: TestClient, operator: Account) -> Account:
    return verified_provider(client, operator, "legal", "technology")


@pytest.fixture(scope="module")
def bank(client: TestClient) -> Account:
    return sign_up(client, "bank")


@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("rival", "accept", None),
        ("rival", "return", {"reason": "不是我的"}),
        ("rival", "resolve", {"summary": "代为办结"}),
        ("rival", "notes", {"text": "插话"}),
        ("stranger", "notes", {"text": "插话"}),
        ("stranger", "feedback", {"satisfaction": 1, "resolved": False}),
        ("stranger", "withdraw", None),
        ("auditor", "notes", {"text": "审计留言"}),
        ("bank", "notes", {"text": "银行留言"}),
        ("enterprise", "dispatch", "law_firm"),  # operators dispatch
        ("law_firm", "dispatch", "law_firm"),
        ("enterprise", "accept", None),  # providers accept
        ("operator", "resolve", {"summary": "代为办结"}),
        ("law_firm", "feedback", {"satisfaction": 5, "resolved": True}),  # enterprises rate
        ("operator", "withdraw", None),
    ],
)
def test_a_wrong_party_is_403_and_writes_nothing(
    client: TestClient,
    services: Services,
    request: pytest.FixtureRequest,
    enterprise: Account,
    operator: Account,
    law_firm: Account,
    who: str,
    action: str,
    body: Any,
) -> None:
    make = resolved if action == "feedback" else accepted if action == "resolve" else dispatched
    subject = make(client, enterprise, operator, law_firm)
    if body == "law_firm":
        body = {"provider_id": law_firm.id}
    account: Account = request.getfixturevalue(who)
    with no_new_events(services):
        response = post(client, account, subject["id"], action, body)
    assert_problem(response, 403)


def test_only_enterprises_submit(client: TestClient, law_firm: Account, operator: Account) -> None:
    for account in (law_firm, operator):
        response = client.post(REQUESTS, json={"title": "x"}, headers=account.auth)
        assert_problem(response, 403)
    assert_problem(client.post(REQUESTS, json={"title": "x"}), 401)


def test_one_request_is_read_by_its_parties_and_staff_only(
    client: TestClient,
    enterprise: Account,
    stranger: Account,
    operator: Account,
    auditor: Account,
    law_firm: Account,
    rival: Account,
    bank: Account,
) -> None:
    rid = dispatched(client, enterprise, operator, law_firm)["id"]
    for account in (enterprise, law_firm, operator, auditor):
        assert read(client, account, rid)["id"] == rid
    for account in (stranger, rival, bank):
        assert_problem(client.get(f"{REQUESTS}/{rid}", headers=account.auth), 403)
    assert_problem(client.get(f"{REQUESTS}/{rid}"), 401)
    act(client, operator, rid, "dispatch", {"provider_id": rival.id})
    assert read(client, rival, rid)["provider"]["id"] == rival.id
    assert_problem(client.get(f"{REQUESTS}/{rid}", headers=law_firm.auth), 403)  # no longer


def test_lists_show_each_caller_only_what_it_may_see(
    client: TestClient,
    enterprise: Account,
    stranger: Account,
    operator: Account,
    auditor: Account,
    law_firm: Account,
    rival: Account,
    bank: Account,
) -> None:
    mine = submit(client, enterprise)["id"]
    theirs = dispatched(client, stranger, operator, law_firm)["id"]
    assert mine in listed(client, enterprise) and theirs not in listed(client, enterprise)
    assert theirs in listed(client, law_firm) and mine not in listed(client, law_firm)
    assert theirs not in listed(client, rival) and mine not in listed(client, rival)
    for staff in (operator, auditor):
        assert {mine, theirs} <= set(listed(client, staff))
    assert_problem(client.get(REQUESTS, headers=bank.auth), 403)
    assert_problem(client.get(REQUESTS), 401)


def test_filters_newest_first_and_cursors(
    client: TestClient, operator: Account, law_firm: Account
) -> None:
    asker = sign_up(client, region="440305")
    first = submit(client, asker, urgency="urgent", category="technology")["id"]
    second = dispatched(client, asker, operator, law_firm)["id"]
    third = submit(client, asker, region="110101")["id"]
    assert listed(client, asker) == [third, second, first]
    assert listed(client, asker, urgency="urgent") == [first]
    assert listed(client, asker, category="technology") == [first]
    assert listed(client, asker, status="dispatched") == [second]
    assert listed(client, asker, provider=law_firm.id) == [second]
    assert listed(client, asker, region="44") == [second, first]
    assert listed(client, asker, overdue="false") == [third, second, first]
    assert listed(client, asker, overdue="true") == []
    page = client.get(REQUESTS, params={"limit": 2}, headers=asker.auth).json()
    assert [i["id"] for i in page["items"]] == [third, second] and page["next_cursor"]
    rest = client.get(
        REQUESTS, params={"limit": 2, "cursor": page["next_cursor"]}, headers=asker.auth
    )
    assert [i["id"] for i in rest.json()["items"]] == [first] and rest.json()["next_cursor"] is None
    assert_problem(
        client.get(REQUESTS, params={"status": "lost"}, headers=asker.auth), 422, field="status"
    )
    assert_problem(
        client.get(REQUESTS, params={"cursor": "zz"}, headers=asker.auth), 422, field="cursor"
    )


def test_the_stream_shows_request_events_to_parties_and_staff_only(
    client: TestClient,
    enterprise: Account,
    stranger: Account,
    operator: Account,
    law_firm: Account,
    rival: Account,
) -> None:
    before = submit(client, stranger)["position"] - 1
    request = accepted(client, enterprise, operator, law_firm)
    rid = request["id"]
    act(client, law_firm, rid, "notes", {"text": "已电话联系"})
    steps = ["Submitted", "Dispatched", "Accepted", "NoteAdded"]
    # The provider was no party when the request was submitted: it sees it from its dispatch.
    for account, seen in ((enterprise, steps), (operator, steps), (law_firm, steps[1:])):
        with connect(client, before, account) as ws:
            got = receive_until(ws, has("ServiceRequest.NoteAdded", rid))
        assert [m["type"] for m in got if m["stream_id"] == rid] == [
            f"ServiceRequest.{step}" for step in seen
        ]
    marker = publish(client, stranger)["id"]  # public: everyone's stream shows it
    for account in (stranger, rival, None):
        with connect(client, before, account) as ws:
            got = receive_until(ws, has("Posting.Published", marker))
        assert not [m for m in got if m["stream_id"] == rid]


def test_with_verification_required_an_unverified_enterprise_cannot_submit(
    client: TestClient, services: Services, operator: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services.app, "enterprise_verification", "required")
    waiting = sign_up(client)
    with no_new_events(services):
        response = client.post(REQUESTS, json=request_body(), headers=waiting.auth)
    assert_problem(response, 403)
    assert client.get(REQUESTS, headers=waiting.auth).status_code == 200  # it may read
    verified = client.post(f"{API}/organizations/{waiting.id}/verify", headers=operator.auth)
    assert verified.status_code == 200, verified.text
    assert submit(client, waiting)["status"] == "submitted"


def test_a_suspended_enterprise_or_provider_cannot_act(
    client: TestClient, services: Services, operator: Account, law_firm: Account
) -> None:
    asker = sign_up(client)
    provider = verified_provider(client, operator, "legal")
    rid = dispatched(client, asker, operator, provider)["id"]
    for account in (asker, provider):
        response = client.post(
            f"{API}/organizations/{account.id}/suspend",
            json={"reason": "违规"},
            headers=operator.auth,
        )
        assert response.status_code == 200, response.text
    with no_new_events(services):
        assert_problem(post(client, provider, rid, "accept"), 403)
        assert_problem(client.post(REQUESTS, json={"title": "x"}, headers=asker.auth), 403)
        assert_problem(post(client, asker, rid, "withdraw"), 403)
    other = submit(client, sign_up(client))["id"]
    with no_new_events(services):
        response = post(client, operator, other, "dispatch", {"provider_id": provider.id})
    assert_problem(response, 422, field="provider_id")
