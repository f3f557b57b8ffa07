"""Credentials and sessions, kept in their own tables and never in events (the login throttle
that counts every password check: `login_throttle`)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from psycopg.sql import SQL, Composable

from aggregates.members import first_admin_id
from marketplace.stores.database import Conn, Database
from marketplace.stores.login_throttle import THROTTLE_SCHEMA, LoginAttempt, LoginThrottle
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
    *THROTTLE_SCHEMA,
]

_hasher = PasswordHasher()
# A fixed hash to verify against when the credit code is unknown, so that both failures
# take the same time and give nothing away.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class Session:
    token: str
    organization_id: UUID
    expires_at: datetime
    member_id: UUID | None = None  # None: the first admin


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class SecurityStore(LoginThrottle):
    """Password checks and bearer sessions (counted by the login throttle it extends)."""

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
        super().__init__(db, max_failures=max_failures, window=window)
        self.token_ttl = token_ttl

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
