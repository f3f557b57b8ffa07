"""Logins queue for password verification without holding a thread, so they cannot starve reads.

Argon2 is made to cost CPU (about 0.2 s a verification here). At most
`MARKET_LOGIN_VERIFY_CONCURRENCY` logins of this process verify at once; the others wait here
(asynchronously), and one that waits longer than `MARKET_LOGIN_QUEUE_SECONDS` is told to come
back (`503 busy` with `Retry-After`), its attempt uncounted. Registrations hash under the same
per-process bound (`marketplace.stores.password_work`), so a login may also find it taken by them.
"""

from __future__ import annotations

import asyncio

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State
from starlette.requests import Request

from api.problems import ApiProblem
from marketplace.settings import Settings
from marketplace.stores.login_throttle import LoginAttempt, TooManyAttemptsError
from marketplace.stores.password_work import PasswordWorkBusyError
from marketplace.stores.security import SecurityStore, Session

BUSY_EN = "too many logins or registrations at once; try again in a moment"
BUSY_ZH = "当前登录或注册请求过多，请稍后再试"


def _gate(state: State, settings: Settings) -> asyncio.Semaphore:
    gate: asyncio.Semaphore | None = getattr(state, "login_gate", None)
    if gate is None:
        gate = state.login_gate = asyncio.Semaphore(settings.login_verify_concurrency)
    return gate


def busy() -> ApiProblem:
    return ApiProblem(503, BUSY_EN, BUSY_ZH, code="busy", headers={"Retry-After": "1"})


def too_many_attempts(error: TooManyAttemptsError) -> ApiProblem:
    """429 for a (credit code, address) pair over its limit of password attempts."""
    return ApiProblem(
        429,
        "too many failed logins for this credit code; try again later",
        "该信用代码登录失败次数过多，请稍后再试",
        code="too_many_attempts",
        headers={"Retry-After": str(error.retry_after)},
    )


async def check_password(
    request: Request,
    security: SecurityStore,
    settings: Settings,
    attempt: LoginAttempt,
    password: str,
) -> Session | None:
    """The session for a counted attempt with the right password, once a slot is free."""
    gate = _gate(request.app.state, settings)
    try:
        await asyncio.wait_for(gate.acquire(), settings.login_queue_seconds)
    except TimeoutError:
        await run_in_threadpool(security.give_back, attempt)
        raise busy() from None
    try:
        return await run_in_threadpool(security.check_password, attempt, password)
    except PasswordWorkBusyError:  # registrations hold every argon2 slot
        await run_in_threadpool(security.give_back, attempt)
        raise busy() from None
    finally:
        gate.release()
