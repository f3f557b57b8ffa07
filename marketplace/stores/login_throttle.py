"""Login throttling: failed logins counted per (credit code or login, client address) and
window, atomically, in an unlogged table (throttle state only, never events)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from psycopg.sql import SQL

from marketplace.stores.database import Database

THROTTLE_SCHEMA = [
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


class LoginThrottle:
    """Counts attempts before their password is checked; a success gives its attempt back."""

    def __init__(self, db: Database, *, max_failures: int, window: timedelta) -> None:
        self.db = db
        self.max_failures = max_failures
        self.window = window
        self._swept_at = -math.inf

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
