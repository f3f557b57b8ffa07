"""Credentials, sessions and login throttling, kept in their own tables and never in events."""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from psycopg.sql import SQL, Composable

from aggregates.members import first_admin_id
from marketplace.stores.database import Conn, Database
from marketplace.stores.password_work import PASSWORD_WORK
from marketplace.stores.recorder import SideEffect

LOGIN_PREFIX = "login:"  # the attempt key of a member's logins, beside credit codes

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS credentials ("
        " organization_id uuid PRIMARY KEY,"
        " credit_code text NOT NULL UNIQUE,"
        " password_hash text NOT NULL)"
    ),
    SQL(
        "CREATE TABLE IF NOT EXISTS sessions ("
        " token_sha256 bytea PRIMARY KEY,"
        " organization_id uuid NOT NULL,"
        " created_at timestamptz NOT NULL DEFAULT now(),"
        " expires_at timestamptz NOT NULL)"
    ),
    SQL("CREATE INDEX IF NOT EXISTS sessions_expires_at_idx ON sessions (expires_at)"),
    # The member signed in; sessions from before members have none: the first admin's.
    SQL("ALTER TABLE sessions ADD COLUMN IF NOT EXISTS member_id uuid"),
    SQL("CREATE INDEX IF NOT EXISTS sessions_member_idx ON sessions (member_id)"),
    # Throttle state only: one counter row per (credit code, client address) and window.
    SQL("DROP TABLE IF EXISTS login_failures"),
    SQL(
        "CREATE UNLOGGED TABLE IF NOT EXISTS login_attempts ("
        " credit_code text NOT NULL,"
        " address text NOT NULL,"
        " window_start timestamptz NOT NULL,"
        " attempts integer NOT NULL,"
        " PRIMARY KEY (credit_code, address))"
    ),
    SQL("CREATE INDEX IF NOT EXISTS login_attempts_window_idx ON login_attempts (window_start)"),
]

# One attempt more for the pair, atomically: the counter restarts when its window is over.
# Counting happens before the password is verified, so N concurrent guesses get exactly
# `max_failures` verifications; a successful login gives its attempt back.
_COUNT_ATTEMPT = SQL(
    "INSERT INTO login_attempts AS a (credit_code, address, window_start, attempts)"
    " VALUES (%(code)s, %(address)s, now(), 1)"
    " ON CONFLICT (credit_code, address) DO UPDATE SET"
    " window_start = CASE WHEN a.window_start <= now() - %(window)s"
    "  THEN now() ELSE a.window_start END,"
    " attempts = CASE WHEN a.window_start <= now() - %(window)s"
    "  THEN 1 ELSE a.attempts + 1 END"
    " RETURNING attempts, window_start,"
    " extract(epoch FROM window_start + %(window)s - now()) AS remaining"
)
_GIVE_BACK = SQL(
    "UPDATE login_attempts SET attempts = attempts - 1"
    " WHERE credit_code = %s AND address = %s AND window_start = %s AND attempts > 0"
)

_hasher = PasswordHasher()
# A fixed hash to verify against when the credit code is unknown, so that both failures
# take the same time and give nothing away.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class TooManyAttemptsError(Exception):
    """Too many failed logins for one credit code from one address inside the window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many failed logins")
        self.retry_after = retry_after


@dataclass(frozen=True)
class LoginAttempt:
    """A counted attempt of one (credit code, address) pair, before its password is checked."""

    credit_code: str
    address: str
    window_start: datetime


@dataclass(frozen=True)
class Session:
    token: str
    organization_id: UUID
    expires_at: datetime
    member_id: UUID | None = None  # None: the first admin


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class SecurityStore:
    """Password checks and bearer sessions."""

    def __init__(
        self,
        db: Database,
        *,
        token_ttl: timedelta,
        max_failures: int,
        window: timedelta,
        password_slots: int | None = None,
        password_wait: float = 5.0,
    ) -> None:
        if password_slots is not None:
            PASSWORD_WORK.configure(password_slots, password_wait)
        self.db = db
        self.token_ttl = token_ttl
        self.max_failures = max_failures
        self.window = window
        self._swept_at = -math.inf

    @staticmethod
    def store_credentials(organization_id: UUID, credit_code: str, password: str) -> SideEffect:
        """The statement that stores a password hash, to run with the `Registered` event."""
        query: Composable = SQL(
            "INSERT INTO credentials (organization_id, credit_code, password_hash)"
            " VALUES (%s, %s, %s)"
        )
        with PASSWORD_WORK.slot(patient=True):
            password_hash = _hasher.hash(password)
        return query, (organization_id, credit_code, password_hash)

    def count_attempt(self, credit_code: str, address: str) -> LoginAttempt:
        """Count one attempt of the pair; TooManyAttemptsError once it is over its limit."""
        self._sweep_now_and_then()
        with self.db.connection() as conn:
            row = conn.execute(
                _COUNT_ATTEMPT, {"code": credit_code, "address": address, "window": self.window}
            ).fetchone()
        assert row is not None
        if row["attempts"] > self.max_failures:
            raise TooManyAttemptsError(max(1, math.ceil(float(row["remaining"]))))
        return LoginAttempt(credit_code, address, row["window_start"])

    def check_password(self, attempt: LoginAttempt, password: str) -> Session | None:
        """A new session if the attempt's password is right; None for a wrong one or an unknown
        credit code (the caller says 401), and the failure stays counted; PasswordWorkBusyError
        if no argon2 slot frees up in time."""
        found = self._verify(attempt, password)
        if found is None:
            return None
        with self.db.connection() as conn:
            return self._new_session(conn, found["organization_id"], found["member_id"])

    def verify_password(self, attempt: LoginAttempt, password: str) -> tuple[UUID, UUID] | None:
        """The organization and member whose password it is (its attempt given back), else
        None and the failure stays counted; PasswordWorkBusyError if no argon2 slot frees up."""
        found = self._verify(attempt, password)
        if found is None:
            return None
        organization_id: UUID = found["organization_id"]
        return organization_id, found["member_id"] or first_admin_id(organization_id)

    def sign_in_key(self, organization_id: UUID, member_id: UUID) -> str | None:
        """What a person signs in with (the attempt key of its logins): the credit code for
        the first admin, `login:<login>` for another member; None once it has no password."""
        if member_id == first_admin_id(organization_id):
            return self.credit_code_of(organization_id)
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT login FROM member_credentials WHERE member_id = %s", (member_id,)
            ).fetchone()
        return None if row is None else LOGIN_PREFIX + str(row["login"])

    def _verify(self, attempt: LoginAttempt, password: str) -> dict[str, Any] | None:
        """The credentials row (organization, member) the password opens, if any."""
        key = attempt.credit_code  # a credit code, or `login:` and a member's login
        login = key.removeprefix(LOGIN_PREFIX) if key.startswith(LOGIN_PREFIX) else None
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT organization_id, NULL AS member_id, password_hash FROM credentials"
                " WHERE credit_code = %s"
                " UNION ALL SELECT organization_id, member_id, password_hash"
                " FROM member_credentials WHERE login = %s",
                (key, login),
            ).fetchone()
        with PASSWORD_WORK.slot():
            matches = _password_matches(row["password_hash"] if row else _DUMMY_HASH, password)
        if not matches or row is None:  # the dummy hash never matches
            return None
        self.give_back(attempt)
        found: dict[str, Any] = row
        return found

    def credit_code_of(self, organization_id: UUID) -> str | None:
        """The credit code an organization signs in with (None: it has no password)."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT credit_code FROM credentials WHERE organization_id = %s",
                (organization_id,),
            ).fetchone()
        return None if row is None else str(row["credit_code"])

    def give_back(self, attempt: LoginAttempt) -> None:
        """Uncount an attempt that was no failure (it succeeded, or was never checked)."""
        with self.db.connection() as conn:
            conn.execute(_GIVE_BACK, (attempt.credit_code, attempt.address, attempt.window_start))

    def _sweep_now_and_then(self) -> None:
        """Delete the counters of windows that are over, at most once a window per process."""
        now = time.monotonic()
        if now - self._swept_at < self.window.total_seconds():
            return
        self._swept_at = now
        with self.db.connection() as conn:
            conn.execute(
                "DELETE FROM login_attempts WHERE window_start < now() - %s", (self.window,)
            )

    def _new_session(self, conn: Conn, organization_id: UUID, member_id: UUID | None) -> Session:
        token = secrets.token_urlsafe(32)
        expires_at = datetime.now(UTC) + self.token_ttl
        conn.execute(
            "INSERT INTO sessions (token_sha256, organization_id, member_id, expires_at)"
            " VALUES (%s, %s, %s, %s)",
            (token_digest(token), organization_id, member_id, expires_at),
        )
        return Session(token, organization_id, expires_at, member_id)

    def resolve(self, token: str) -> UUID | None:
        """The organization a live token belongs to."""
        found = self.resolve_member(token)
        return None if found is None else found[0]

    def resolve_member(self, token: str) -> tuple[UUID, UUID | None] | None:
        """The organization and member (None: the first admin) a live token belongs to."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT organization_id, member_id FROM sessions"
                " WHERE token_sha256 = %s AND expires_at > now()",
                (token_digest(token),),
            ).fetchone()
        return (row["organization_id"], row["member_id"]) if row else None

    def log_out(self, token: str) -> None:
        with self.db.connection() as conn:
            conn.execute("DELETE FROM sessions WHERE token_sha256 = %s", (token_digest(token),))


def _password_matches(password_hash: object, password: str) -> bool:
    try:
        return _hasher.verify(str(password_hash), password)
    except (VerificationError, InvalidHashError):
        return False
