"""Organizations view: public profiles and counts by kind."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL
from psycopg_pool import ConnectionPool

from aggregates.organization import Organization
from projections.engine import Cursor, View


class OrganizationsView(View):
    name = "organizations"
    event_classes = (Organization.Registered, Organization.Verified)
    schema = (
        SQL(
            "CREATE TABLE IF NOT EXISTS organizations ("
            " id uuid PRIMARY KEY, kind text NOT NULL, name text NOT NULL,"
            " credit_code text NOT NULL, region text NOT NULL, industry text,"
            " verified boolean NOT NULL, registered_at timestamptz NOT NULL,"
            " version int NOT NULL, position bigint NOT NULL)"
        ),
        SQL("CREATE INDEX IF NOT EXISTS organizations_kind_idx ON organizations (kind)"),
    )

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool

    @singledispatchmethod
    def process(self, event: Any, cur: Cursor, position: int) -> None:
        """Events of other types do not change this view."""

    @process.register
    def _(self, event: Organization.Registered, cur: Cursor, position: int) -> None:
        cur.execute(
            "INSERT INTO organizations (id, kind, name, credit_code, region, industry, verified,"
            " registered_at, version, position) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
            " ON CONFLICT (id) DO NOTHING",
            (
                event.originator_id,
                event.kind,
                event.name,
                event.credit_code,
                event.region,
                event.industry,
                event.kind != "bank",
                event.timestamp,
                event.originator_version,
                position,
            ),
        )

    @process.register
    def _(self, event: Organization.Verified, cur: Cursor, position: int) -> None:
        cur.execute(
            "UPDATE organizations SET verified = true, version = %s, position = %s WHERE id = %s",
            (event.originator_version, position, event.originator_id),
        )

    def get_organization(self, org_id: UUID) -> dict[str, Any] | None:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute("SELECT * FROM organizations WHERE id = %s", (org_id,))
            row: dict[str, Any] | None = cur.fetchone()
            return row
