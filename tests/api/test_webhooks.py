"""Webhook registrations (API.md "Workbench"): the secret shown once, kinds checked, targets
refused that would reach inside (SSRF), at most 10 per organization, each organization's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.services import QUICK, running_services

HOSTS = {  # a resolver standing in for DNS: the public name, and one rebound inside
    "hooks.example.com": ["93.184.216.34"],
    "rebound.example.com": ["93.184.216.34", "10.1.2.3"],
    "localhost": ["127.0.0.1", "::1"],
}


def _resolve(host: str, port: int) -> list[str]:
    if host in HOSTS:
        return HOSTS[host]
    if host.replace(".", "").isdigit() or ":" in host:
        return [host]
    raise OSError(f"{host}: name not known")


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    data = tmp_path_factory.mktemp("data")
    settings = {**QUICK, "webhook_allow_hosts": "127.0.0.1, receiver.test"}
    with running_services(database_url, data, **settings) as opened:
        opened.webhooks.resolver = _resolve
        yield opened


def _webhooks(client: TestClient, account: Account) -> list[dict[str, object]]:
    response = client.get(f"{API}/webhooks", headers=account.auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def test_the_secret_is_shown_once(client: TestClient, services: Services) -> None:
    account = sign_up(client, "bank")
    body = {"url": "https://hooks.example.com/market?x=1", "kinds": ["bid_received"]}
    with no_new_events(services):  # a registration is no fact of the market
        created = client.post(f"{API}/webhooks", json=body, headers=account.auth)
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["url"] == body["url"] and hook["kinds"] == ["bid_received"]
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 30
    listed = _webhooks(client, account)
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0] and hook["secret"] not in str(listed)

    headers = {**account.auth, "Idempotency-Key": "hook-1"}
    first = client.post(f"{API}/webhooks", json={**body, "kinds": ["*"]}, headers=headers)
    replayed = client.post(f"{API}/webhooks", json={**body, "kinds": ["*"]}, headers=headers)
    assert first.status_code == replayed.status_code == 201
    assert first.json()["secret"]
    assert replayed.headers.get("idempotent-replayed") == "true"
    assert replayed.json() == {k: v for k, v in first.json().items() if k != "secret"}
    assert len(_webhooks(client, account)) == 2


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://hooks.example.com/x", "https"),  # plain http to a host not allowed
        ("https://127.0.0.2/x", "loopback"),
        ("https://localhost/x", "loopback"),
        ("https://[::1]:8443/x", "loopback"),
        ("https://10.0.0.7/x", "private"),
        ("https://192.168.1.1/x", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[fe80::1]/x", "link-local"),
        ("https://[::ffff:10.0.0.1]/x", "private"),
        ("https://rebound.example.com/x", "10.1.2.3"),  # one of its addresses is inside
        ("https://0.0.0.0/x", "private"),
        ("ftp://hooks.example.com/x", "https"),
        ("https://user:pw@hooks.example.com/x", "password"),
        ("https://nowhere.invalid/x", "resolved"),
        ("https://hooks.example.com:99999/x", "valid"),
        ("not a url", "https"),
    ],
)
def test_targets_that_would_reach_inside_are_refused(
    client: TestClient, services: Services, url: str, words: str
) -> None:
    account = sign_up(client)
    body = {"url": url, "kinds": ["*"]}
    english = client.post(f"{API}/webhooks", json=body, headers=account.auth)
    problem = assert_problem(english, 422, field="url")
    assert words in problem["detail"], problem
    chinese = client.post(f"{API}/webhooks", json=body, headers={**account.auth, **ZH})
    assert is_chinese(assert_problem(chinese, 422, field="url")["detail"])
    assert _webhooks(client, account) == []  # nothing written


def test_allowed_hosts_may_be_plain_http_and_inside(client: TestClient) -> None:
    account = sign_up(client)
    for url in ("http://127.0.0.1:9/hooks", "https://127.0.0.1/hooks"):
        created = client.post(f"{API}/webhooks", json={"url": url, "kinds": ["*"]},
                              headers=account.auth)  # fmt: skip
        assert created.status_code == 201, created.text


@pytest.mark.parametrize(
    "kinds", [["bid_receivd"], ["*", "bid_received"], [], ["bid_received", "*"], [""]]
)
def test_kinds_are_notification_kinds_or_all(client: TestClient, kinds: list[str]) -> None:
    account = sign_up(client)
    body = {"url": "https://hooks.example.com/x", "kinds": kinds}
    response = client.post(f"{API}/webhooks", json=body, headers={**account.auth, **ZH})
    problem = assert_problem(response, 422)
    assert [e for e in problem["errors"] if e["field"].startswith("kinds")], problem
    assert is_chinese(problem["errors"][0]["message"])
    assert _webhooks(client, account) == []


def test_repeated_kinds_count_once(client: TestClient) -> None:
    account = sign_up(client)
    body = {"url": "https://hooks.example.com/x", "kinds": ["bid_received", "bid_received"]}
    created = client.post(f"{API}/webhooks", json=body, headers=account.auth)
    assert created.status_code == 201 and created.json()["kinds"] == ["bid_received"]


def test_at_most_ten_per_organization(client: TestClient) -> None:
    account = sign_up(client)
    body = {"url": "https://hooks.example.com/x", "kinds": ["*"]}
    for _ in range(10):
        assert client.post(f"{API}/webhooks", json=body, headers=account.auth).status_code == 201
    refused = client.post(f"{API}/webhooks", json=body, headers={**account.auth, **ZH})
    assert is_chinese(assert_problem(refused, 409)["detail"])
    assert len(_webhooks(client, account)) == 10


def test_each_organization_sees_and_deletes_only_its_own(client: TestClient) -> None:
    owner, other = sign_up(client), sign_up(client, "bank")
    body = {"url": "https://hooks.example.com/x", "kinds": ["*"]}
    hook = client.post(f"{API}/webhooks", json=body, headers=owner.auth).json()
    assert _webhooks(client, other) == []
    for method, path in [
        ("DELETE", f"{API}/webhooks/{hook['id']}"),
        ("GET", f"{API}/webhooks/{hook['id']}/deliveries"),
    ]:
        assert_problem(client.request(method, path, headers=other.auth), 404)
    log = client.get(f"{API}/webhooks/{hook['id']}/deliveries", headers=owner.auth)
    assert log.status_code == 200 and log.json()["items"] == []
    assert client.delete(f"{API}/webhooks/{hook['id']}", headers=owner.auth).status_code == 204
    assert _webhooks(client, owner) == []
    assert_problem(client.delete(f"{API}/webhooks/{hook['id']}", headers=owner.auth), 404)
    assert_problem(client.get(f"{API}/webhooks", headers={}), 401)
