"""Request body limit (413), then Idempotency-Key handling on POST, as plain ASGI middleware."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from api.answers import replay, send_problem, wants_chinese
from api.idempotency import IdempotentRequests
from api.spooled import Disconnected, SpooledBody, TooLarge
from marketplace.bootstrap import Services

UPLOAD_PATH = "/api/v1/documents"  # POST: a document, spooled to disk, not buffered
UPLOAD_OVERHEAD = 64 * 1024  # multipart boundaries, part headers, the `kind` field


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

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        services: Callable[[], Services],
        max_document_bytes: int = 20 * 1024 * 1024,
    ) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.document_limit = max_document_bytes
        self.idempotent = IdempotentRequests(app, services)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if scope["method"] == "POST" and scope["path"].rstrip("/") == UPLOAD_PATH:
            await self.upload(scope, receive, send, headers)
            return
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

    async def upload(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes]
    ) -> None:
        """A document upload: its body is spooled (refused past the document limit while it
        arrives), then handed on like any other."""
        limit = self.document_limit + UPLOAD_OVERHEAD
        length = headers.get(b"content-length")
        try:
            if length is not None and int(length) > limit:
                raise TooLarge
            body = await SpooledBody.read(receive, limit)
        except Disconnected:
            return
        except (TooLarge, ValueError):
            mib = f"{self.document_limit / 1024 / 1024:g} MiB"
            zh, en = f"文件不能超过 {mib}", f"a document may be at most {mib}"
            await send_problem(send, 413, zh if wants_chinese(headers) else en, "too_large")
            return
        try:
            key = headers.get(b"idempotency-key")
            if key is not None:
                await self.idempotent(scope, body, key.decode("latin-1"), headers, send)
                return
            await self.app(scope, body.receive(), send)
        finally:
            body.close()
