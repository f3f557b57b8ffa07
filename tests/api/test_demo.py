"""The demo data over HTTP: the English search box's examples find English postings, the
demo's auditor signs in like the other demo accounts, and the README's curls work."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from aggregates.organization import organization_id
from marketplace.bootstrap import Services
from marketplace.demo.load import DEMO_PASSWORD, demo_accounts, load_demo
from tests.api.helpers import API, head

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(services: Services) -> int:
    assert load_demo(services.app) > 0
    return head(services)


@pytest.mark.parametrize("q", ["stainless", "battery", "stainless steel", "PCB"])
def test_the_english_placeholders_examples_find_english_postings(
    client: TestClient, demo: int, q: str
) -> None:
    """web/messages/en/public.json: "e.g. stainless steel, battery, PCB"."""
    found = client.get(f"{API}/postings", params={"q": q, "min_position": demo})
    assert found.status_code == 200, found.text
    titles = [p["title"] for p in found.json()["items"]]
    assert any(title.isascii() and q.split()[0].lower() in title.lower() for title in titles), (
        titles
    )


def test_the_demo_has_an_auditor_who_signs_in(client: TestClient, demo: int) -> None:
    auditors = [code for kind, _, code in demo_accounts() if kind == "auditor"]
    assert len(auditors) == 1
    body = {"credit_code": auditors[0], "password": DEMO_PASSWORD}
    session = client.post(f"{API}/sessions", json=body)
    assert session.status_code == 201, session.text
    assert session.json()["organization"]["kind"] == "auditor"
    token = {"Authorization": f"Bearer {session.json()['token']}"}
    assert client.get(f"{API}/audit/checkpoint", headers=token).status_code == 200


def demo_products(client: TestClient, demo: int, **params: str) -> list[dict[str, Any]]:
    """The demo providers' products that match `params` (other tests may add their own)."""
    providers = {
        str(organization_id(code)) for kind, _, code in demo_accounts() if kind == "provider"
    }
    query = {"min_position": demo, "limit": 100, **params}
    found = client.get(f"{API}/service-products", params=query)
    assert found.status_code == 200, found.text
    return [item for item in found.json()["items"] if item["provider"]["id"] in providers]


def test_the_service_hall_has_products_of_every_pricing_from_five_providers(
    client: TestClient, demo: int
) -> None:
    items = demo_products(client, demo)
    assert {item["pricing"] for item in items} == {"free", "discounted", "market"}
    assert len({item["provider"]["id"] for item in items}) == 5
    assert len({item["response_hours"] for item in items}) > 3
    retired = demo_products(client, demo, status="retired")
    assert [item["name"] for item in retired] == ["食品理化与微生物检验"]
    # The contract review was revised to serve Shanghai too, at a lower price.
    legal = demo_products(client, demo, category="legal", region="310101")
    assert sorted(item["price"] for item in legal) == ["3000", "600"]


def test_the_demo_providers_are_verified_and_sign_in(client: TestClient, demo: int) -> None:
    providers = [code for kind, _, code in demo_accounts() if kind == "provider"]
    assert len(providers) == 5
    for code in providers:
        body = {"credit_code": code, "password": DEMO_PASSWORD}
        session = client.post(f"{API}/sessions", json=body)
        assert session.status_code == 201, session.text
        organization = session.json()["organization"]
        assert organization["kind"] == "provider" and organization["verified"], organization


def test_the_demo_has_service_requests_in_every_state(client: TestClient, demo: int) -> None:
    operator = next(code for kind, _, code in demo_accounts() if kind == "operator")
    session = client.post(
        f"{API}/sessions", json={"credit_code": operator, "password": DEMO_PASSWORD}
    )
    token = {"Authorization": f"Bearer {session.json()['token']}"}
    query = {"min_position": demo, "limit": 200}
    found = client.get(f"{API}/service-requests", params=query, headers=token)
    assert found.status_code == 200, found.text
    requests = [r for r in found.json()["items"] if r["enterprise"]["id"] in demo_enterprises()]
    statuses = {r["status"] for r in requests}
    assert statuses == {
        "submitted", "dispatched", "accepted", "resolved", "reopened", "closed", "withdrawn"
    }  # fmt: skip
    closed = next(r for r in requests if r["status"] == "closed")
    assert closed["satisfaction"] == 5 and closed["product_id"] is not None
    returned = [r for r in requests if r["status"] == "submitted" and r["category"] == "technology"]
    steps = client.get(f"{API}/service-requests/{returned[0]['id']}", headers=token).json()
    assert [step["type"] for step in steps["timeline"]] == ["submitted", "dispatched", "returned"]


def test_the_demo_lecture_and_training_fill_seats(client: TestClient, demo: int) -> None:
    query = {"min_position": demo, "limit": 200}
    for kind, seats in (("lecture", 10), ("training", 10)):
        found = client.get(f"{API}/exhibitions", params={**query, "kind": kind}).json()["items"]
        (activity,) = [a for a in found if a["name"].startswith(("企业微课堂", "中小企业数字化"))]
        assert activity["seats_taken"] == seats, activity


def demo_enterprises() -> set[str]:
    return {str(organization_id(code)) for kind, _, code in demo_accounts() if kind == "enterprise"}


def test_loading_again_writes_nothing(services: Services, demo: int) -> None:
    assert load_demo(services.app) == 0
    assert head(services) == demo


def readme_curls() -> list[list[str]]:
    """Every `curl` command of the README's shell blocks, split as a shell would."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("curl "):
                commands.append(shlex.split(line))
    return commands


def run_curl(client: TestClient, argv: list[str]) -> httpx.Response:
    """The request curl would send, through the test client (the options the README uses)."""
    method, url, body, query = "GET", "", None, []
    headers: dict[str, str] = {}
    args = iter(argv[1:])
    for arg in args:
        if arg == "-X":
            method = next(args)
        elif arg == "-H":
            name, _, value = next(args).partition(":")
            headers[name.strip()] = value.strip()
        elif arg == "-d":
            body = next(args)
        elif arg == "--data-urlencode":
            query.append(tuple(next(args).split("=", 1)))
        elif arg.startswith("http://"):
            url = arg
        else:
            assert arg in ("-s", "-G"), f"an option this test does not know: {arg}"
    # uvicorn answers "Invalid HTTP request" to raw UTF-8 in a URL (issue 17).
    assert url.isascii(), f"use -G --data-urlencode for non-ASCII query text: {url}"
    path = url.removeprefix("http://127.0.0.1:8000")
    return client.request(method, path, params=query, content=body, headers=headers)


def test_the_readmes_curls_work_as_written(client: TestClient, demo: int) -> None:
    commands = readme_curls()
    assert len(commands) >= 3
    for argv in commands:
        answer = run_curl(client, argv)
        assert answer.is_success, (argv, answer.text)
        data = answer.json()
        if "items" in data:
            assert data["items"], argv  # the demo has what the README searches for
