"""Credentials, sessions and login throttling, kept in their own tables and never in events."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from psycopg.sql import SQL, Composable

from marketplace.database import Conn, Database
from marketplace.recorder import SideEffect

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
    SQL(
        "CREATE TABLE IF NOT EXISTS login_failures ("
        " credit_code text NOT NULL,"
        " failed_at timestamptz NOT NULL DEFAULT now())"
    ),
    SQL("CREATE INDEX IF NOT EXISTS login_failures_idx ON login_failures (credit_code, failed_at)"),
]

_hasher = PasswordHasher()
# A fixed hash to verify against when the credit code is unknown, so that both failures
# take the same time and give nothing away.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class TooManyAttemptsError(Exception):
    """Too many failed logins for one credit code inside the window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many failed logins")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Session:
    token: str
    organization_id: UUID
    expires_at: datetime


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class SecurityStore:
    """Password checks and bearer sessions."""

    def __init__(
        self, db: Database, *, token_ttl: timedelta, max_failures: int, window: timedelta
    ) -> None:
        self.db = db
        self.token_ttl = token_ttl
        self.max_failures = max_failures
        self.window = window

    @staticmethod
    def store_credentials(organization_id: UUID, credit_code: str, password: str) -> SideEffect:
        """The statement that stores a password hash, to run with the `Registered` event."""
        query: Composable = SQL(
            "INSERT INTO credentials (organization_id, credit_code, password_hash)"
            " VALUES (%s, %s, %s)"
        )
        return query, (organization_id, credit_code, _hasher.hash(password))

    def log_in(self, credit_code: str, password: str) -> Session | None:
        """A new session for valid credentials; None for wrong ones (the caller says 401)."""
        with self.db.connection() as conn:
            self._check_throttle(conn, credit_code)
            row = conn.execute(
                "SELECT organization_id, password_hash FROM credentials WHERE credit_code = %s",
                (credit_code,),
            ).fetchone()
            if not _password_matches(row["password_hash"] if row else _DUMMY_HASH, password):
                conn.execute("INSERT INTO login_failures (credit_code) VALUES (%s)", (credit_code,))
                return None
            if row is None:  # pragma: no cover - the dummy hash never matches
                return None
            return self._new_session(conn, row["organization_id"])

    def _check_throttle(self, conn: Conn, credit_code: str) -> None:
        cutoff = datetime.now(UTC) - self.window
        conn.execute("DELETE FROM login_failures WHERE failed_at < %s", (cutoff,))
        row = conn.execute(
            "SELECT count(*) AS n, min(failed_at) AS first FROM login_failures"
            " WHERE credit_code = %s AND failed_at >= %s",
            (credit_code, cutoff),
        ).fetchone()
        assert row is not None
        if row["n"] >= self.max_failures:
            first: datetime = row["first"]
            wait = (first + self.window - datetime.now(UTC)).total_seconds()
            raise TooManyAttemptsError(max(1, int(wait) + 1))

    def _new_session(self, conn: Conn, organization_id: UUID) -> Session:
        token = secrets.token_urlsafe(32)
        expires_at = datetime.now(UTC) + self.token_ttl
        conn.execute(
            "INSERT INTO sessions (token_sha256, organization_id, expires_at) VALUES (%s, %s, %s)",
            (token_digest(token), organization_id, expires_at),
        )
        return Session(token, organization_id, expires_at)

    def resolve(self, token: str) -> UUID | None:
        """The organization a live token belongs to."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT organization_id FROM sessions"
                " WHERE token_sha256 = %s AND expires_at > now()",
                (token_digest(token),),
            ).fetchone()
        return row["organization_id"] if row else None

    def log_out(self, token: str) -> None:
        with self.db.connection() as conn:
            conn.execute("DELETE FROM sessions WHERE token_sha256 = %s", (token_digest(token),))


def _password_matches(password_hash: object, password: str) -> bool:
    try:
        return _hasher.verify(str(password_hash), password)
    except (VerificationError, InvalidHashError):
        return False
