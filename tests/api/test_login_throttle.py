"""Failed logins are counted per (credit code, client address), atomically; argon2 work (login
verifications, registration hashes) is bounded per process so that a burst waits (or is told to
come back) instead of taking every core."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from marketplace.stores import security
from marketplace.stores.password_work import PASSWORD_WORK
from tests.api.conftest import staff_account
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.services import app_client, running_services
from tests.support import organization_body

PROXY = "127.0.0.1"  # the test client's peer, trusted as a proxy in this module
WRONG = "wrong password!!"


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with running_services(
        database_url,
        tmp_path_factory.mktemp("data"),
        trusted_proxies=f"{PROXY}, 10.9.0.0/16",
        login_verify_concurrency=2,
        budget_per_address=0,
        budget_anonymous_writes=0,
    ) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient]:
    with app_client(services, client=(PROXY, 50000)) as test_client:
        yield test_client


def _log_in(client: TestClient, code: str, password: str, via: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": via} if via else {}
    body = {"credit_code": code, "password": password}
    return client.post(f"{API}/sessions", json=body, headers=headers)


def _register(client: TestClient) -> dict[str, str]:
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body).status_code == 201
    return body


def test_concurrent_wrong_passwords_get_exactly_the_limit_of_401s(
    client: TestClient, services: Services
) -> None:
    code = _register(client)["credit_code"]
    with no_new_events(services), ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(lambda _: _log_in(client, code, WRONG, "198.51.100.1"), range(30)))
    assert Counter(a.status_code for a in answers) == {401: 5, 429: 25}
    for answer in answers:
        if answer.status_code == 429:
            problem = assert_problem(answer, 429)
            assert problem["code"] == "too_many_attempts"
            assert 1 <= int(answer.headers["retry-after"]) <= 61


def test_a_locked_pair_is_refused_without_verifying_the_password(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _register(client)
    verified: list[str] = []
    real = security._password_matches

    def counting(password_hash: object, password: str) -> bool:
        verified.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(security, "_password_matches", counting)
    for _ in range(5):
        assert_problem(_log_in(client, body["credit_code"], WRONG, "198.51.100.2"), 401)
    assert len(verified) == 5
    for password in (WRONG, body["password"]):
        assert_problem(_log_in(client, body["credit_code"], password, "198.51.100.2"), 429)
    assert len(verified) == 5


def test_the_owner_from_another_address_is_not_locked_out(client: TestClient) -> None:
    body = _register(client)
    for _ in range(6):
        _log_in(client, body["credit_code"], WRONG, "203.0.113.66")
    assert_problem(_log_in(client, body["credit_code"], body["password"], "203.0.113.66"), 429)
    owner = _log_in(client, body["credit_code"], body["password"], "192.0.2.10")
    assert owner.status_code == 201, owner.text


def test_an_operator_cannot_be_locked_out_by_strangers(
    client: TestClient, services: Services
) -> None:
    operator = staff_account(client, services, "operator")
    for _ in range(8):
        _log_in(client, operator.credit_code, WRONG, "203.0.113.99")
    zh = client.post(
        f"{API}/sessions",
        json={"credit_code": operator.credit_code, "password": WRONG},
        headers={"X-Forwarded-For": "203.0.113.99", **ZH},
    )
    assert is_chinese(assert_problem(zh, 429)["detail"])
    # The operator signs in from the office, directly or through the trusted proxy.
    body = organization_body("operator")  # staff_account's password is organization_body's
    assert _log_in(client, operator.credit_code, body["password"], "192.0.2.20").status_code == 201
    assert _log_in(client, operator.credit_code, body["password"]).status_code == 201


def test_forwarded_for_is_believed_only_from_trusted_proxies(client: TestClient) -> None:
    body = _register(client)
    # A forged left-most entry: the trusted proxy appended the real client (198.51.100.7),
    # and another trusted hop (10.9.1.1) sits in between.
    forged = "192.0.2.77, 198.51.100.7, 10.9.1.1"
    for _ in range(5):
        assert_problem(_log_in(client, body["credit_code"], WRONG, forged), 401)
    assert_problem(_log_in(client, body["credit_code"], body["password"], "198.51.100.7"), 429)
    ok = _log_in(client, body["credit_code"], body["password"], "192.0.2.77")
    assert ok.status_code == 201, ok.text


def test_a_full_verification_queue_answers_503_and_counts_nothing(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services.settings, "login_queue_seconds", 0.05)
    body = _register(client)
    assert _log_in(client, body["credit_code"], body["password"]).status_code == 201
    gate: asyncio.Semaphore = client.app.state.login_gate  # type: ignore[attr-defined]
    portal = client.portal  # type: ignore[attr-defined]
    for _ in range(2):
        portal.call(gate.acquire)
    try:
        for _ in range(6):
            busy = _log_in(client, body["credit_code"], WRONG, "198.51.100.9")
            assert assert_problem(busy, 503)["code"] == "busy"
            assert busy.headers["retry-after"] == "1"
    finally:
        for _ in range(2):
            portal.call(gate.release)
    # None of the six was counted as a failure: the right password still works.
    ok = _log_in(client, body["credit_code"], body["password"], "198.51.100.9")
    assert ok.status_code == 201, ok.text


def test_registrations_and_logins_share_the_argon2_bound(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registrations hash under the same per-process bound as logins verify: while it is full,
    a registration waits for its turn and a login is told to come back (counting no failure)."""
    body = _register(client)
    monkeypatch.setattr(PASSWORD_WORK, "wait", 0.05)
    slots = PASSWORD_WORK.slots
    registered: list[httpx.Response] = []
    registration = threading.Thread(
        target=lambda: registered.append(
            client.post(f"{API}/organizations", json=organization_body())
        )
    )
    for _ in range(2):  # login_verify_concurrency of this module
        assert slots.acquire(timeout=10)
    try:
        registration.start()
        for _ in range(6):
            login = _log_in(client, body["credit_code"], WRONG, "198.51.100.10")
            assert assert_problem(login, 503)["code"] == "busy"
            assert login.headers["retry-after"] == "1"
        assert registration.is_alive()  # still waiting for a slot
    finally:
        for _ in range(2):
            slots.release()
    registration.join(timeout=30)
    assert [r.status_code for r in registered] == [201]
    ok = _log_in(client, body["credit_code"], body["password"], "198.51.100.10")
    assert ok.status_code == 201, ok.text
