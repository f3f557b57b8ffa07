"""Request budgets as ASGI middleware, before anything else reads the request.

Every API request (HTTP or WebSocket) is charged to its client address and, with a bearer
token, to its organization; registrations and logins also to the stricter anonymous-write
budget of the address. Over budget: `429 rate_limited` with `Retry-After`. Only `/healthz`
and static files (the web pages, the docs' assets) are free.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.answers import send_problem, wants_chinese
from api.client_address import client_address
from marketplace.bootstrap import Services
from marketplace.stores.budgets import BudgetStore, Charge
from marketplace.stores.database import UNAVAILABLE

log = logging.getLogger(__name__)

CHARGED_PATHS = frozenset({"/docs", "/openapi.json"})  # and everything under /api/
COSTLY_WRITES = frozenset({("POST", "/api/v1/organizations"), ("POST", "/api/v1/sessions")})


def _token_digest(scope: Scope, headers: dict[bytes, bytes]) -> bytes | None:
    """The caller's token: the Bearer header, or a stream socket's subprotocol or query."""
    scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
    if scope["type"] == "websocket" and not token.strip():
        token = _socket_token(scope)
    elif scheme.lower() != b"bearer":
        return None
    return hashlib.sha256(token.strip()).digest() if token.strip() else None


def _socket_token(scope: Scope) -> bytes:
    for subprotocol in scope.get("subprotocols", []):
        if subprotocol.startswith("bearer."):
            return str(subprotocol).removeprefix("bearer.").encode()
    query: dict[str, list[str]] = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("token") or [""])[0].encode("latin-1")


class BudgetMiddleware:
    """Charges each request to its budgets; answers 429 instead of the app when one is spent."""

    def __init__(self, app: ASGIApp, services: Callable[[], Services]) -> None:
        self.app = app
        self.services = services
        self.stores: dict[int, BudgetStore] = {}

    def _store(self) -> tuple[BudgetStore, Services]:
        services = self.services()
        store = self.stores.get(id(services))
        if store is None:
            store = self.stores[id(services)] = BudgetStore(services.db, services.settings)
        return store, services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        charged = path.startswith("/api/") or path in CHARGED_PATHS
        if scope["type"] not in {"http", "websocket"} or not charged:
            await self.app(scope, receive, send)
            return
        store, services = self._store()
        headers = dict(scope["headers"])
        charge = Charge(
            address=client_address(scope, services.settings),
            token_sha256=_token_digest(scope, headers),
            costly=(scope.get("method"), path.rstrip("/")) in COSTLY_WRITES,
        )
        try:
            wait = await run_in_threadpool(store.charge, charge)
        except UNAVAILABLE as error:
            log.warning("request budgets unavailable: %s", error)
            await _answer(scope, send, 503, 1, headers)
            return
        if wait is None:
            await self.app(scope, receive, send)
            return
        await _answer(scope, send, 429, wait, headers)


MESSAGES = {  # status: (code, English, Chinese)
    429: ("rate_limited", "too many requests; try again later", "请求过于频繁，请稍后再试"),
    503: ("database_unavailable", "the database is unavailable", "数据库暂不可用，请稍后重试"),
}


async def _answer(
    scope: Scope, send: Send, status: int, retry_after: int, headers: dict[bytes, bytes]
) -> None:
    """A problem answer instead of the app's; a WebSocket gets it instead of its handshake."""
    if scope["type"] == "websocket":
        if "websocket.http.response" not in scope.get("extensions", {}):
            await send({"type": "websocket.close", "code": 1013})  # try again later
            return
        send = _as_websocket_denial(send)
    code, en, zh = MESSAGES[status]
    detail = zh if wants_chinese(headers) else en
    extra = [(b"retry-after", str(retry_after).encode())]
    await send_problem(send, status, detail, code, headers=extra)


def _as_websocket_denial(send: Send) -> Send:
    async def denial(message: Message) -> None:
        await send({**message, "type": "websocket." + message["type"]})

    return denial
