"""The body middleware never hands a truncated body to the app (a client cut off mid-body)."""

from __future__ import annotations

import asyncio
from typing import Any

from api.middleware import BodyMiddleware


def _run(messages: list[dict[str, Any]]) -> tuple[list[bytes], list[dict[str, Any]]]:
    seen: list[bytes] = []
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((await receive())["body"])

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    middleware = BodyMiddleware(app, max_body_bytes=1024, services=lambda: None)  # type: ignore[arg-type, return-value]
    scope = {"type": "http", "method": "PATCH", "path": "/api/v1/postings/x", "headers": []}
    asyncio.run(middleware(scope, receive, send))
    return seen, sent


def test_a_complete_body_reaches_the_app() -> None:
    seen, _ = _run(
        [
            {"type": "http.request", "body": b'{"title": ', "more_body": True},
            {"type": "http.request", "body": b'"x"}', "more_body": False},
        ]
    )
    assert seen == [b'{"title": "x"}']


def test_a_body_cut_off_by_a_disconnect_never_reaches_the_app() -> None:
    seen, sent = _run(
        [
            {"type": "http.request", "body": b'{"title": ', "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    assert seen == [] and sent == []
