"""Service products view: the providers' catalogue, by category, region, pricing, provider and
Chinese/English full text."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed

from aggregates.service_product import ServiceProduct
from projections.engine import View
from projections.pages import Page, Where, active_owner, decode_cursor, page_of, serves_region
from projections.rows import Row, Rows
from projections.table import Table
from projections.text import SEARCH_COLUMNS, document_terms

SERVICE_PRODUCTS = Table(
    "service_products",
    (
        "id uuid PRIMARY KEY",
        "provider_id uuid NOT NULL",
        "name text NOT NULL",
        "category text NOT NULL",
        "description text NOT NULL",
        "pricing text NOT NULL",
        "price numeric",
        "unit text NOT NULL",
        "regions text[] NOT NULL",
        "response_hours int NOT NULL",
        "status text NOT NULL",
        "removal_reason text",
        "published_at timestamptz NOT NULL",
        "published_position bigint NOT NULL",
        *SEARCH_COLUMNS,
        "version int NOT NULL",
        "position bigint NOT NULL",
    ),
)


def _with_search(row: Row) -> Row:
    row["search_zh"], row["search_en"] = document_terms(row["name"], row["description"])
    return row


class ServiceProductsView(View):
    name = "service_products"
    version = 2  # 2: removals
    tables = (SERVICE_PRODUCTS,)
    event_classes = (
        ServiceProduct.Published,
        ServiceProduct.Revised,
        ServiceProduct.Retired,
        ServiceProduct.Removed,
    )
    schema = (
        SERVICE_PRODUCTS.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS service_products_category_idx"
            " ON service_products (category, published_position DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS service_products_search_idx"
            " ON service_products USING gin (search)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS service_products_provider_idx"
            " ON service_products (provider_id)"
        ),
    )

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: ServiceProduct.Published, rows: Rows, position: int) -> None:
        row = SERVICE_PRODUCTS.row(
            id=event.originator_id,
            provider_id=event.provider_id,
            name=event.name,
            category=event.category,
            description=event.description,
            pricing=event.pricing,
            price=event.price,
            unit=event.unit,
            regions=list(event.regions),
            response_hours=event.response_hours,
            status="active",
            published_at=event.timestamp,
            published_position=position,
            version=event.originator_version,
            position=position,
        )
        rows.put("service_products", _with_search(row))

    @fold.register
    def _(self, event: ServiceProduct.Revised, rows: Rows, position: int) -> None:
        changes = dict(event.changes)
        if "regions" in changes:
            changes["regions"] = list(changes["regions"])
        row = rows.update(
            "service_products",
            event.originator_id,
            **changes,
            version=event.originator_version,
            position=position,
        )
        if row is not None and {"name", "description"} & changes.keys():
            _with_search(row)  # segmenting is the costly part of a fold: only for new text

    @fold.register
    def _(self, event: ServiceProduct.Retired, rows: Rows, position: int) -> None:
        rows.update(
            "service_products",
            event.originator_id,
            status="retired",
            version=event.originator_version,
            position=position,
        )

    @fold.register
    def _(self, event: ServiceProduct.Removed, rows: Rows, position: int) -> None:
        rows.update(
            "service_products",
            event.originator_id,
            status="removed",
            removal_reason=event.reason,
            version=event.originator_version,
            position=position,
        )

    def get_product(self, product_id: UUID) -> Row | None:
        where = Where()
        where.add("p.id = %s", product_id)
        rows = self._select(where.sql(), where.params, limit=1)
        return rows[0] if rows else None

    def list_products(
        self,
        *,
        category: str | None = None,
        region: str | None = None,
        pricing: str | None = None,
        provider: UUID | None = None,
        q: str | None = None,
        status: str = "active",
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Newest published first; never a removed product."""
        where = Where()
        where.add(active_owner("p.provider_id"))
        where.add("p.status <> 'removed'")
        if status != "all":
            where.add("p.status = %s", status)
        if category:
            where.add("p.category = %s", category)
        if region:
            where.add(serves_region(), region, region)
        if pricing:
            where.add("p.pricing = %s", pricing)
        if provider is not None:
            where.add("p.provider_id = %s", provider)
        if q:
            where.matches(q, "p.search")
        before = decode_cursor(cursor)
        if before is not None:
            where.add("p.published_position < %s", before)
        rows = self._select(where.sql(), where.params, limit=limit + 1)
        return page_of(rows, limit, "published_position")

    def _select(self, where: SQL | Composed, params: list[Any], *, limit: int) -> list[Row]:
        query = SQL(
            "SELECT p.*, o.name AS provider_name, f.* FROM service_products p"
            " LEFT JOIN organizations o ON o.id = p.provider_id"
            # The product's record from the requests ordering it (the service requests view).
            " CROSS JOIN LATERAL (SELECT"
            " count(*) FILTER (WHERE r.status IN ('resolved', 'closed')) AS completed_requests,"
            " count(r.satisfaction) AS satisfaction_count,"
            " round(avg(r.satisfaction), 2) AS satisfaction_mean"
            " FROM service_requests r WHERE r.product_id = p.id) f"
            " WHERE {} ORDER BY p.published_position DESC LIMIT %s"
        ).format(where)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, [*params, limit])
            rows: list[Row] = cur.fetchall()
        return rows
