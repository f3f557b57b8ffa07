"""Helpers for the API tests: problem checks, event-log head, publishing and bidding."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi.testclient import TestClient
from psycopg.sql import SQL, Identifier

from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.support import bid_body, posting_body

API = "/api/v1"
ZH = {"Accept-Language": "zh-CN"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def events_table(services: Services) -> str:
    """The event table's name (eventsourcing names it after the application)."""
    name: str = services.app.recorder.events_table_name  # type: ignore[attr-defined]
    return name


def head(services: Services) -> int:
    """The global position of the newest stored event (0 for none), read straight from the
    recorder's own event table (eventsourcing names it after the application)."""
    query = SQL("SELECT max(notification_id) AS head FROM {}").format(
        Identifier(events_table(services))
    )
    with services.db.connection() as conn:
        row = conn.execute(query).fetchone()
    return int(row["head"] or 0) if row else 0


@contextmanager
def no_new_events(services: Services) -> Iterator[None]:
    """Asserts that the block appends no event to the log."""
    before = head(services)
    yield
    after = head(services)
    assert after == before, f"events were appended: head {before} -> {after}"


def assert_problem(
    response: httpx.Response,
    status: int,
    *,
    field: str | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """An RFC 9457 problem with the given status (and, for 422, an error naming `field`)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    for key in ("type", "title", "status", "detail"):
        assert key in body, body
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    if status == 422:
        assert isinstance(body.get("errors"), list) and body["errors"], body
        for error in body["errors"]:
            assert set(error) >= {"field", "message"}, error
            assert isinstance(error["field"], str) and isinstance(error["message"], str)
    if field is not None:
        fields = [e["field"] for e in body.get("errors", [])]
        assert field in fields, f"no error names {field!r}: {body}"
    if detail is not None:
        assert detail in body["detail"], body
    return body


def is_chinese(text: str) -> bool:
    return CJK.search(text) is not None


def publish(client: TestClient, owner: Account, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"{API}/postings", json=posting_body(**overrides), headers=owner.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def bid(client: TestClient, bidder: Account, posting_id: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        f"{API}/postings/{posting_id}/bids", json=bid_body(**overrides), headers=bidder.auth
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def list_postings(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(f"{API}/postings", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def listed_ids(client: TestClient, **params: Any) -> list[str]:
    return [p["id"] for p in list_postings(client, **params)["items"]]


def eventually(check: Callable[[], bool], timeout: float = 10.0, interval: float = 0.1) -> bool:
    """Polls `check` until it is true or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()
