"""The demo data over HTTP: the English search box's examples find English postings, the
demo's auditor signs in like the other demo accounts, and the README's curls work."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

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
