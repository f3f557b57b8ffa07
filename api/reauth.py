"""Password re-entry for binding acts (signing a contract, disbursing a loan).

API.md "Rules changed": the optional `password` of these commands is the signed-in person's
(the organization's for its first admin, a member's own for a member); a wrong one is `403
reauth_failed` before anything is written. It is checked like a login: the attempt counts
toward the login throttle of that person's (credit code or login, client address) pair, so
the re-entry form cannot be used to guess passwords faster than the login form, and a right
password gives its attempt back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from api.client_address import client_address
from api.deps import Principal, SecurityDep, SettingsDep
from api.login_gate import busy, too_many_attempts
from api.problems import ApiProblem
from marketplace.settings import Settings
from marketplace.stores.login_throttle import TooManyAttemptsError
from marketplace.stores.password_work import PasswordWorkBusyError
from marketplace.stores.security import SecurityStore

WRONG_EN = "the password is wrong; nothing was signed or paid out"
WRONG_ZH = "密码错误，未执行签署或放款"


@dataclass(frozen=True)
class PasswordCheck:
    """Checks a re-entered password of the request's caller (routes call it before acting)."""

    request: Request
    security: SecurityStore
    settings: Settings

    def __call__(
        self, caller: Principal, password: str | None, wrong: tuple[str, str] = (WRONG_EN, WRONG_ZH)
    ) -> None:
        """Nothing to do without a password; 403 `reauth_failed` (`wrong`: its en and zh text)
        for a wrong one (429 once the pair is throttled, 503 while every argon2 slot is busy).
        Runs in a threadpool route."""
        if password is None:
            return
        security, person = self.security, (caller.id, caller.member_id)
        key = security.sign_in_key(*person) or f"member:{caller.member_id}"  # no password: wrong
        address = client_address(self.request.scope, self.settings)
        try:
            attempt = security.count_attempt(key, address)
        except TooManyAttemptsError as error:
            raise too_many_attempts(error) from None
        try:
            found = security.verify_password(attempt, password)
        except PasswordWorkBusyError:
            security.give_back(attempt)
            raise busy() from None
        if found != person:
            raise ApiProblem(403, *wrong, code="reauth_failed")


def password_check(request: Request, security: SecurityDep, settings: SettingsDep) -> PasswordCheck:
    return PasswordCheck(request, security, settings)


PasswordCheckDep = Annotated[PasswordCheck, Depends(password_check)]
