"""Policies view: policy items with their targeting, full-text search (zh/en), and the
targeting match (which registered enterprises each policy in force concerns)."""

from __future__ import annotations

from datetime import date
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed

from aggregates.policy import FIELDS, Policy
from aggregates.policy_terms import PolicyStatus
from projections.engine import View
from projections.pages import Page, Where, decode_cursor, page_of, serves_region
from projections.rows import Row, Rows
from projections.table import Table
from projections.text import SEARCH_COLUMNS, document_terms

POLICIES = Table(
    "policies",
    (
        "id uuid PRIMARY KEY",
        "publisher_id uuid NOT NULL",
        "title text NOT NULL",
        "body text NOT NULL",
        "issuer text NOT NULL",
        "document_number text",
        "topics text[] NOT NULL",
        "regions text[] NOT NULL",
        "industries text[] NOT NULL",
        "effective_from date",
        "effective_until date",
        "url text",
        "status text NOT NULL",
        "published_at timestamptz NOT NULL",
        "published_position bigint NOT NULL",
        "version int NOT NULL",
        "updated_at timestamptz NOT NULL",
        *SEARCH_COLUMNS,
    ),
)
# The policy `p` is in force on the date %s.
IN_FORCE = (
    "p.status = 'published' AND (p.effective_from IS NULL OR p.effective_from <= %s)"
    " AND (p.effective_until IS NULL OR %s <= p.effective_until)"
)
# The policy `p` targets an enterprise of region {region} and industry {industry} (API.md,
# "Policies"): one rule for "policies for me" (parameters) and the targeting match (columns).
TARGETS = (
    "(cardinality(p.regions) = 0 OR EXISTS (SELECT 1 FROM unnest(p.regions) r"
    " WHERE {region} LIKE r || '%%'))"
    " AND (cardinality(p.industries) = 0 OR {industry} = ANY (p.industries))"
)


def _fields(event: Any) -> Row:
    row = {name: getattr(event, name) for name in FIELDS}
    for name in ("effective_from", "effective_until"):
        row[name] = date.fromisoformat(row[name]) if row[name] else None
    row["search_zh"], row["search_en"] = document_terms(
        event.title, event.issuer, event.document_number or "", event.body
    )
    return row


class PoliciesView(View):
    name = "policies"
    tables = (POLICIES,)
    event_classes = (Policy.Published, Policy.Revised, Policy.Withdrawn)
    schema = (
        POLICIES.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS policies_position_idx ON policies (published_position DESC)"
        ),
        SQL("CREATE INDEX IF NOT EXISTS policies_search_idx ON policies USING gin (search)"),
    )

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: Policy.Published, rows: Rows, position: int) -> None:
        row = POLICIES.row(
            id=event.originator_id,
            publisher_id=event.publisher_id,
            status=PolicyStatus.PUBLISHED.value,
            published_at=event.timestamp,
            published_position=position,
            version=event.originator_version,
            updated_at=event.timestamp,
            **_fields(event),
        )
        rows.put("policies", row)

    @fold.register
    def _(self, event: Policy.Revised, rows: Rows, position: int) -> None:
        rows.update(
            "policies",
            event.originator_id,
            version=event.originator_version,
            updated_at=event.timestamp,
            **_fields(event),
        )

    @fold.register
    def _(self, event: Policy.Withdrawn, rows: Rows, position: int) -> None:
        rows.update(
            "policies",
            event.originator_id,
            status=PolicyStatus.WITHDRAWN.value,
            version=event.originator_version,
            updated_at=event.timestamp,
        )

    # Queries ---------------------------------------------------------------------------

    def get_policy(self, policy_id: UUID) -> Row | None:
        rows = self._select(SQL("p.id = %s"), [policy_id], limit=1)
        return rows[0] if rows else None

    def list_policies(
        self,
        *,
        today: date,
        q: str | None = None,
        topic: str | None = None,
        region: str | None = None,
        industry: str | None = None,
        active: bool = True,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Newest published first. `region` keeps policies that apply somewhere in it
        (everywhere, or a targeted region inside or around it)."""
        where = Where()
        if active:
            where.add(IN_FORCE, today, today)
        if topic:
            where.add("%s = ANY (p.topics)", topic)
        if region:
            where.add("(cardinality(p.regions) = 0 OR " + serves_region() + ")", region, region)
        if industry:
            where.add("(cardinality(p.industries) = 0 OR %s = ANY (p.industries))", industry)
        if q:
            where.matches(q, "p.search")
        return self._page(where, limit, cursor)

    def for_enterprise(
        self, region: str, industry: str | None, today: date, limit: int, cursor: str | None
    ) -> Page:
        """Policies in force today that target an enterprise of this region and industry."""
        where = Where()
        where.add(IN_FORCE, today, today)
        where.add(TARGETS.format(region="%s", industry="%s"), region, industry)
        return self._page(where, limit, cursor)

    def targeted_enterprises(self, policy_id: UUID, today: date) -> list[UUID]:
        """The registered enterprises a policy in force concerns today (none otherwise),
        enterprises registered after it was published included."""
        match = TARGETS.format(region="o.region", industry="o.industry")
        query = SQL(
            "SELECT o.id FROM policies p JOIN organizations o ON o.kind = 'enterprise' AND "
            + match
            + " WHERE p.id = %s AND "
            + IN_FORCE
            + " ORDER BY o.id"
        )
        with self.pool.connection() as conn:
            found = conn.execute(query, [policy_id, today, today]).fetchall()
        return [row[0] if isinstance(row, tuple) else row["id"] for row in found]

    def count_targets(self, regions: list[str], industries: list[str]) -> int:
        """Registered enterprises that a policy with this targeting would concern (the same
        rule as `targeted_enterprises`), for the operator's preview before publishing."""
        query = SQL(
            "SELECT count(*) AS enterprises FROM organizations o,"
            " (SELECT %s::text[] AS regions, %s::text[] AS industries) p"
            " WHERE o.kind = 'enterprise' AND "
            + TARGETS.format(region="o.region", industry="o.industry")
        )
        with self.pool.connection() as conn:
            row = conn.execute(query, [regions, industries]).fetchone()
        if row is None:
            return 0
        return int(row[0] if isinstance(row, tuple) else row["enterprises"])

    def _page(self, where: Where, limit: int, cursor: str | None) -> Page:
        before = decode_cursor(cursor)
        if before is not None:
            where.add("p.published_position < %s", before)
        return page_of(
            self._select(where.sql(), where.params, limit=limit + 1), limit, "published_position"
        )

    def _select(self, where: SQL | Composed, params: list[Any], *, limit: int) -> list[Row]:
        query = SQL(
            "SELECT p.*, o.name AS publisher_name FROM policies p"
            " LEFT JOIN organizations o ON o.id = p.publisher_id"
            " WHERE {} ORDER BY p.published_position DESC LIMIT %s"
        ).format(where)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, [*params, limit])
            rows: list[Row] = cur.fetchall()
        return rows
