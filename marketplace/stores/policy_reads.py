"""Read marks of policy items: which enterprise has opened which policy page.

A read mark is the reader's own bookkeeping, not a fact of the market (like a session or a
request budget), so it is a plain table beside the log: reading a policy appends no event
and never contends with the policy's writers.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from psycopg.sql import SQL

from marketplace.stores.database import Database

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS policy_reads ("
        " organization_id uuid NOT NULL,"
        " policy_id uuid NOT NULL,"
        " read_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (organization_id, policy_id))"
    ),
]


class PolicyReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    def mark(self, organization_id: UUID, policy_id: UUID) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO policy_reads (organization_id, policy_id) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (organization_id, policy_id),
            )

    def read_of(self, organization_id: UUID, policy_ids: Iterable[UUID]) -> set[UUID]:
        """Those of `policy_ids` the organization has read."""
        ids = list(policy_ids)
        if not ids:
            return set()
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT policy_id FROM policy_reads"
                " WHERE organization_id = %s AND policy_id = ANY (%s)",
                (organization_id, ids),
            ).fetchall()
        return {row["policy_id"] for row in rows}
