"""Answers that ASGI middleware sends itself, before or instead of the app."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from starlette.types import Message, Receive, Send

PROBLEM_JSON = b"application/problem+json"


def wants_chinese(headers: dict[bytes, bytes]) -> bool:
    return headers.get(b"accept-language", b"").lower().startswith(b"zh")


def problem_body(
    status: int, detail: str, code: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The RFC 9457 problem object every refusal of the API answers with."""
    problem: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:  # every 422 names the field at fault
        problem["errors"] = errors
    return problem


async def send_problem(
    send: Send,
    status: int,
    detail: str,
    code: str,
    errors: list[dict[str, str]] | None = None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """An RFC 9457 answer sent by middleware, before or instead of the app."""
    problem = problem_body(status, detail, code, errors)
    body = json.dumps(problem, ensure_ascii=False).encode()
    await send_answer(send, status, PROBLEM_JSON, body, headers or [])


async def send_answer(
    send: Send, status: int, content_type: bytes, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    start = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        *headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


def replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
