"""A bound on password verifications at once in this process, so logins cannot starve reads.

Argon2 is made to cost CPU (about 0.2 s a verification here). Without a bound, a burst of
logins takes every core and every read waits. Logins queue here without holding a thread
(`MARKET_LOGIN_VERIFY_CONCURRENCY` at once), and one that waits longer than
`MARKET_LOGIN_QUEUE_SECONDS` is told to come back (`503 busy` with `Retry-After`), its
attempt uncounted.
"""

from __future__ import annotations

import asyncio

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api.problems import ApiProblem
from marketplace.bootstrap import Services
from marketplace.security import LoginAttempt, Session


def _gate(request: Request, services: Services) -> asyncio.Semaphore:
    state = request.app.state
    gate: asyncio.Semaphore | None = getattr(state, "login_gate", None)
    if gate is None:
        gate = state.login_gate = asyncio.Semaphore(services.settings.login_verify_concurrency)
    return gate


async def check_password(
    request: Request, services: Services, attempt: LoginAttempt, password: str
) -> Session | None:
    """The session for a counted attempt with the right password, once a slot is free."""
    gate = _gate(request, services)
    try:
        await asyncio.wait_for(gate.acquire(), services.settings.login_queue_seconds)
    except TimeoutError:
        await run_in_threadpool(services.security.give_back, attempt)
        raise ApiProblem(
            503,
            "too many logins at once; try again in a moment",
            "当前登录请求过多，请稍后再试",
            code="busy",
            headers={"Retry-After": "1"},
        ) from None
    try:
        return await run_in_threadpool(services.security.check_password, attempt, password)
    finally:
        gate.release()
