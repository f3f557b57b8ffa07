"""Request body limit (413), then Idempotency-Key handling on POST, as plain ASGI middleware."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from api.answers import replay, send_problem, wants_chinese
from api.idempotency import IdempotentRequests
from marketplace.bootstrap import Services


class TooLarge(Exception):
    pass


class Disconnected(Exception):
    """The client went away (or was cut off) before its body was complete."""


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected  # never run a command on a truncated body
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class BodyMiddleware:
    """Buffers request bodies up to a limit, then hands POSTs with an Idempotency-Key over."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, services: Callable[[], Services]) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.idempotent = IdempotentRequests(app, services)

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
        except Disconnected:
            return
        except (TooLarge, ValueError):
            detail = (
                "请求内容超过 1 MiB"
                if wants_chinese(headers)
                else "request body is larger than 1 MiB"
            )
            await send_problem(send, 413, detail, "too_large")
            return
        key = headers.get(b"idempotency-key")
        if scope["method"] == "POST" and key is not None:
            await self.idempotent(scope, body, key.decode("latin-1"), headers, send)
            return
        await self.app(scope, replay(body), send)
