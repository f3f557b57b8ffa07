"""Request body limit (413) and Idempotency-Key replay, as plain ASGI middleware."""

from __future__ import annotations

import hashlib
import json
from http import HTTPStatus
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.idempotency import IdempotencyStore

PROBLEM_JSON = b"application/problem+json"


def _wants_chinese(headers: dict[bytes, bytes]) -> bool:
    return headers.get(b"accept-language", b"").lower().startswith(b"zh")


async def _send_problem(
    send: Send,
    status: int,
    detail: str,
    code: str,
    errors: list[dict[str, str]] | None = None,
) -> None:
    problem: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES[status],
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:  # every 422 names the field at fault
        problem["errors"] = errors
    body = json.dumps(problem, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


_TITLES = {s: HTTPStatus(s).phrase for s in (409, 413, 422)}


class TooLarge(Exception):
    pass


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class BodyMiddleware:
    """Buffers request bodies up to a limit, then handles Idempotency-Key on POST."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, store: Any) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.store_ref = store  # callable returning the IdempotencyStore (set at startup)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        try:
            if length is not None and int(length) > self.limit:
                raise TooLarge
            body = await read_body(receive, self.limit)
        except (TooLarge, ValueError):
            detail = (
                "请求内容超过 1 MiB"
                if _wants_chinese(headers)
                else "request body is larger than 1 MiB"
            )
            await _send_problem(send, 413, detail, "too_large")
            return
        key = headers.get(b"idempotency-key")
        if scope["method"] == "POST" and key:
            await self._idempotent(scope, body, key.decode("latin-1"), headers, send)
            return
        await self.app(scope, replay(body), send)

    async def _idempotent(
        self, scope: Scope, body: bytes, key: str, headers: dict[bytes, bytes], send: Send
    ) -> None:
        store: IdempotencyStore = self.store_ref()
        scope_id = hashlib.sha256(headers.get(b"authorization", b"anonymous")).hexdigest()
        fingerprint = hashlib.sha256(
            b"\n".join(
                [
                    scope["method"].encode(),
                    scope["path"].encode(),
                    scope.get("query_string", b""),
                    body,
                ]
            )
        ).hexdigest()
        stored = await run_in_threadpool(store.reserve, scope_id, key, fingerprint)
        if stored is not None:
            await self._answer_repeat(stored, fingerprint, send, _wants_chinese(headers))
            return
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, replay(body), capture)
        finally:
            status = captured["status"]
            if status >= 500:
                await run_in_threadpool(store.release, scope_id, key)
            else:
                content_type = dict(captured["headers"]).get(b"content-type", b"").decode()
                await run_in_threadpool(
                    store.complete, scope_id, key, status, content_type, captured["body"]
                )

    @staticmethod
    async def _answer_repeat(stored: Any, fingerprint: str, send: Send, chinese: bool) -> None:
        if stored.request_sha256 != fingerprint:
            en = "Idempotency-Key was already used with a different request"
            zh = "该 Idempotency-Key 已用于另一个不同的请求"
            detail = zh if chinese else en
            errors = [{"field": "Idempotency-Key", "message": detail}]
            await _send_problem(send, 422, detail, "idempotency_key_reused", errors)
            return
        if stored.status is None:
            await _send_problem(
                send,
                409,
                "使用该 Idempotency-Key 的请求仍在处理中"
                if chinese
                else "a request with this Idempotency-Key is still in progress",
                "idempotency_in_progress",
            )
            return
        body = stored.body or b""
        await send(
            {
                "type": "http.response.start",
                "status": stored.status,
                "headers": [
                    (b"content-type", (stored.content_type or "application/json").encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"idempotent-replayed", b"true"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
