"""`Idempotency-Key` on POST: a repeat with the same key and body gets the first answer.

Keys are 1–255 printable ASCII characters, scoped to the caller (the token's organization, or
the client address when anonymous), the method and the path, and kept for
`MARKET_IDEMPOTENCY_TTL_HOURS`. An answer's `secret` (a new webhook's) is not kept: a replay
omits it. The record is written in the command's own transaction (see
`marketplace.stores.idempotency`), and the answer is kept before it is sent, so an acknowledged
write is always replayed. `POST /sessions` ignores keys: a session token is never stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.answers import replay, send_answer, send_problem, wants_chinese
from api.client_address import client_address
from api.operations import success_status
from api.spooled import SpooledBody
from marketplace.bootstrap import Services
from marketplace.stores.database import UNAVAILABLE
from marketplace.stores.idempotency import PendingRecord, StoredAnswer, pending_record, record_id

log = logging.getLogger(__name__)

Body = bytes | SpooledBody

IGNORED_PATHS = frozenset({"/api/v1/sessions"})
NOT_RECORDED = frozenset({429})  # like our own 409 idempotency_in_progress, never reached


def valid_key(key: str) -> bool:
    return 1 <= len(key) <= 255 and all(" " <= c <= "~" for c in key)


class IdempotentRequests:
    """Answers a POST that carries an Idempotency-Key (called by `BodyMiddleware`)."""

    def __init__(self, app: ASGIApp, services: Callable[[], Services]) -> None:
        self.app = app
        self.services = services

    async def __call__(
        self, scope: Scope, body: Body, key: str, headers: dict[bytes, bytes], send: Send
    ) -> None:
        chinese = wants_chinese(headers)
        if scope["path"].rstrip("/") in IGNORED_PATHS:
            await self.app(scope, _replay(body), send)
            return
        if not valid_key(key):
            await _invalid_key(send, chinese)
            return
        try:
            await self._answer(scope, body, key, headers, send)
        except UNAVAILABLE as error:
            log.warning("idempotency records unavailable: %s", error)
            await _unavailable(send, chinese)

    async def _answer(
        self, scope: Scope, body: Body, key: str, headers: dict[bytes, bytes], send: Send
    ) -> None:
        services = self.services()
        caller = await run_in_threadpool(_caller, services, scope, headers)
        if caller is None:  # an invalid token: the route answers 401, nothing is kept
            await self.app(scope, _replay(body), send)
            return
        pending = PendingRecord(
            id=record_id(caller, scope["method"], scope["path"], key),
            request_sha256=_fingerprint(scope, body),
            success_status=success_status(scope["app"], scope["method"], scope["path"]),
            ttl=timedelta(hours=services.settings.idempotency_ttl_hours),
        )
        in_flight = services.idempotency.in_flight
        if not await run_in_threadpool(in_flight.try_claim, pending.id):
            await _in_progress(send, wants_chinese(headers))
            return
        try:
            stored = await run_in_threadpool(services.idempotency.find, pending.id)
            if stored is not None:
                await _repeat(stored, pending, send, wants_chinese(headers))
                return
            await self._run_and_keep(scope, body, pending, services, send)
        finally:
            await run_in_threadpool(in_flight.release, pending.id)

    async def _run_and_keep(
        self, scope: Scope, body: Body, pending: PendingRecord, services: Services, send: Send
    ) -> None:
        """Run the request with its record pending, keep its answer, then send it."""
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        token = pending_record.set(pending)
        try:
            await self.app(scope, _replay(body), hold)
        finally:
            pending_record.reset(token)
        status = next(m["status"] for m in messages if m["type"] == "http.response.start")
        if status < 500 and status not in NOT_RECORDED:
            start = next(m for m in messages if m["type"] == "http.response.start")
            content_type = dict(start.get("headers", [])).get(b"content-type", b"")
            answer = _kept(b"".join(m.get("body", b"") for m in messages if "body" in m))
            await run_in_threadpool(
                services.idempotency.complete, pending, status, content_type.decode(), answer
            )
        for message in messages:
            await send(message)


def _caller(services: Services, scope: Scope, headers: dict[bytes, bytes]) -> str | None:
    """Whose key space this request uses; None for a token that is not valid."""
    authorization = headers.get(b"authorization")
    if authorization is None:
        return "address:" + client_address(scope, services.settings)
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    organization_id = services.security.resolve(token.strip())
    return None if organization_id is None else f"organization:{organization_id}"


SECRET_FIELDS = frozenset({"password", "old_password", "new_password"})
SHOWN_ONCE = "secret"  # of an answer (`POST /webhooks`): never kept, so a replay omits it


def _kept(answer: bytes) -> bytes:
    """The answer as kept for replays: a JSON object without its `secret`."""
    if SHOWN_ONCE.encode() not in answer:
        return answer
    try:
        document = json.loads(answer)
    except ValueError:
        return answer
    if not isinstance(document, dict) or SHOWN_ONCE not in document:
        return answer
    del document[SHOWN_ONCE]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _replay(body: Body) -> Receive:
    return body.receive() if isinstance(body, SpooledBody) else replay(body)


def _fingerprint(scope: Scope, body: Body) -> bytes:
    """What a repeat must match: the query and the body without its passwords.

    An unsalted hash of a body that holds a password would keep the password guessable
    offline, so a JSON object's top-level password fields are left out of the fingerprint.
    """
    query = scope.get("query_string", b"")
    if isinstance(body, SpooledBody):  # an upload: its hash stands for it (no password in it)
        return hashlib.sha256(query + b"\n" + body.digest.digest()).digest()
    return hashlib.sha256(query + b"\n" + _without_secrets(body)).digest()


def _without_secrets(body: bytes) -> bytes:
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if not isinstance(document, dict) or SECRET_FIELDS.isdisjoint(document):
        return body
    kept = {name: value for name, value in document.items() if name not in SECRET_FIELDS}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False).encode()


async def _repeat(stored: StoredAnswer, pending: PendingRecord, send: Send, chinese: bool) -> None:
    if stored.request_sha256 != pending.request_sha256:
        en = "Idempotency-Key was already used with a different request"
        zh = "该 Idempotency-Key 已用于另一个不同的请求"
        detail = zh if chinese else en
        errors = [{"field": "Idempotency-Key", "message": detail, "code": "idempotency_key_reused"}]
        await send_problem(send, 422, detail, "idempotency_key_reused", errors)
        return
    headers = [(b"idempotent-replayed", b"true")]
    content_type = (stored.content_type or "application/json").encode()
    await send_answer(send, stored.status, content_type, stored.body, headers)


async def _invalid_key(send: Send, chinese: bool) -> None:
    en = "Idempotency-Key must be 1 to 255 printable ASCII characters"
    zh = "Idempotency-Key 须为 1 至 255 个可打印 ASCII 字符"
    detail = zh if chinese else en
    errors = [{"field": "Idempotency-Key", "message": detail, "code": "invalid_idempotency_key"}]
    await send_problem(send, 422, detail, "invalid_idempotency_key", errors)


async def _in_progress(send: Send, chinese: bool) -> None:
    en = "a request with this Idempotency-Key is still in progress"
    zh = "使用该 Idempotency-Key 的请求仍在处理中"
    await send_problem(send, 409, zh if chinese else en, "idempotency_in_progress")


async def _unavailable(send: Send, chinese: bool) -> None:
    en = "the database is unavailable, please retry"
    zh = "数据库暂时不可用，请稍后重试"
    headers = [(b"retry-after", b"1")]
    await send_problem(send, 503, zh if chinese else en, "database_unavailable", headers=headers)
