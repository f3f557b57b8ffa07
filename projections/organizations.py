"""Organizations view: public profiles and counts by kind."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL
from psycopg_pool import ConnectionPool

from aggregates.organization import Organization
from projections.engine import View
from projections.rows import Rows, Table

ORGANIZATIONS = Table(
    "organizations",
    (
        "id", "kind", "name", "credit_code", "region", "industry", "verified",
        "registered_at", "version", "position",
    ),
)  # fmt: skip


class OrganizationsView(View):
    name = "organizations"
    tables = (ORGANIZATIONS,)
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
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: Organization.Registered, rows: Rows, position: int) -> None:
        rows.put(
            "organizations",
            {
                "id": event.originator_id,
                "kind": event.kind,
                "name": event.name,
                "credit_code": event.credit_code,
                "region": event.region,
                "industry": event.industry,
                "verified": event.kind != "bank",
                "registered_at": event.timestamp,
                "version": event.originator_version,
                "position": position,
            },
        )

    @fold.register
    def _(self, event: Organization.Verified, rows: Rows, position: int) -> None:
        rows.update(
            "organizations",
            event.originator_id,
            verified=True,
            version=event.originator_version,
            position=position,
        )

    def get_organization(self, org_id: UUID) -> dict[str, Any] | None:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute("SELECT * FROM organizations WHERE id = %s", (org_id,))
            row: dict[str, Any] | None = cur.fetchone()
            return row
