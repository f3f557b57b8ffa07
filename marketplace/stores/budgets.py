"""Request budgets: fixed-window counters per client address, per organization and for costly
anonymous writes, kept in PostgreSQL so that every worker shares them.

One statement per request charges every budget that applies (the organization's is found
from the bearer token in the same statement) and answers their counts. The table is
UNLOGGED: counters are not worth a WAL write, and losing them in a crash forgives everyone.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from psycopg.sql import SQL

from marketplace.settings import Settings
from marketplace.stores.database import Database

SCHEMA = [
    SQL(
        "CREATE UNLOGGED TABLE IF NOT EXISTS request_budgets ("
        " key text PRIMARY KEY,"
        " hits integer NOT NULL,"
        " expires_at timestamptz NOT NULL)"
    ),
    SQL("CREATE INDEX IF NOT EXISTS request_budgets_expires_idx ON request_budgets (expires_at)"),
]

# A request waits this long for a connection, then is answered 503 at once: while the database
# is down or the pool is exhausted, requests are shed instead of piling up.
POOL_WAIT_SECONDS = 1.0

# Keys are charged in a fixed order so that two requests never lock rows in opposite orders.
_CHARGE = SQL(
    "WITH wanted (key, window_seconds) AS ("
    " SELECT * FROM unnest(%(keys)s::text[], %(windows)s::float8[])"
    " UNION ALL"
    " SELECT 'organization:' || organization_id::text, %(org_window)s::float8 FROM sessions"
    " WHERE %(org_limit)s > 0 AND token_sha256 = %(token)s AND expires_at > now())"
    " INSERT INTO request_budgets AS b (key, hits, expires_at)"
    " SELECT key, 1, now() + make_interval(secs => window_seconds) FROM wanted ORDER BY key"
    " ON CONFLICT (key) DO UPDATE SET"
    " hits = CASE WHEN b.expires_at <= now() THEN 1 ELSE b.hits + 1 END,"
    " expires_at = CASE WHEN b.expires_at <= now() THEN excluded.expires_at ELSE b.expires_at END"
    " RETURNING key, hits, extract(epoch FROM expires_at - now()) AS remaining"
)


@dataclass(frozen=True)
class Charge:
    """What one request costs: its client address, its bearer token's digest (if any), and
    whether it is a costly anonymous write (registration or login)."""

    address: str
    token_sha256: bytes | None
    costly: bool


class BudgetStore:
    """Charges requests to their budgets; answers how long to wait when one is spent."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._swept_at = -math.inf

    def charge(self, charge: Charge) -> int | None:
        """Count the request; the seconds until the spent budget renews, or None if none is."""
        s = self.settings
        limits: dict[str, tuple[int, float]] = {}
        if s.budget_per_address:
            limits["address:" + charge.address] = (s.budget_per_address, s.budget_window_seconds)
        if charge.costly and s.budget_anonymous_writes:
            key = "anonymous-writes:" + charge.address
            limits[key] = (s.budget_anonymous_writes, s.budget_anonymous_window_seconds)
        org_limit = s.budget_per_organization if charge.token_sha256 else 0
        if not limits and not org_limit:
            return None
        self._sweep_now_and_then()
        with self.db.pool.connection(timeout=POOL_WAIT_SECONDS) as conn:
            rows = conn.execute(
                _CHARGE,
                {
                    "keys": list(limits),
                    "windows": [window for _, window in limits.values()],
                    "org_window": s.budget_window_seconds,
                    "org_limit": org_limit,
                    "token": charge.token_sha256,
                },
            ).fetchall()
        waits = [
            max(1, math.ceil(float(row["remaining"])))
            for row in rows
            if row["hits"] > limits.get(row["key"], (org_limit, 0.0))[0]
        ]
        return max(waits) if waits else None

    def _sweep_now_and_then(self) -> None:
        """Delete counters whose window is over, at most once a budget window per process."""
        now = time.monotonic()
        if now - self._swept_at < self.settings.budget_window_seconds:
            return
        self._swept_at = now
        with self.db.connection() as conn:
            conn.execute("DELETE FROM request_budgets WHERE expires_at < now()")
