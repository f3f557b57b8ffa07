"""The demo data over HTTP: the English search box's examples find English postings, and the
demo's auditor signs in like the other demo accounts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from marketplace.demo.load import DEMO_PASSWORD, demo_accounts, load_demo
from tests.api.helpers import API, head


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


def test_loading_again_writes_nothing(services: Services, demo: int) -> None:
    assert load_demo(services.app) == 0
    assert head(services) == demo
