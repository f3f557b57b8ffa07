"""Bank products view: banks' financing products, by type and by the regions they serve."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed

from aggregates.bank_product import TERMS, BankProduct
from projections.engine import View
from projections.financing_matching import Need, ProductMatch, matching_products
from projections.pages import Page, active_owner, decode_cursor, page_of, serves_region
from projections.rows import Row, Rows
from projections.table import Table

BANK_PRODUCTS = Table(
    "bank_products",
    (
        "id uuid PRIMARY KEY",
        "bank_id uuid NOT NULL",
        "name text NOT NULL",
        "product_type text NOT NULL",
        "amount_min numeric NOT NULL",
        "amount_max numeric NOT NULL",
        "term_min int NOT NULL",
        "term_max int NOT NULL",
        "rate_min numeric NOT NULL",
        "rate_max numeric NOT NULL",
        "regions text[] NOT NULL",
        "status text NOT NULL",
        "published_at timestamptz NOT NULL",
        "position bigint NOT NULL",
        "version int NOT NULL",
    ),
)


class BankProductsView(View):
    name = "bank_products"
    version = 2  # 2: revisions and retirement (the status column)
    tables = (BANK_PRODUCTS,)
    event_classes = (BankProduct.Published, BankProduct.Revised, BankProduct.Retired)
    schema = (
        BANK_PRODUCTS.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS bank_products_type_idx"
            " ON bank_products (product_type, position DESC)"
        ),
        SQL("CREATE INDEX IF NOT EXISTS bank_products_bank_idx ON bank_products (bank_id)"),
    )

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: BankProduct.Published, rows: Rows, position: int) -> None:
        rows.put(
            "bank_products",
            {
                "id": event.originator_id,
                "bank_id": event.bank_id,
                "name": event.name,
                "product_type": event.product_type,
                "amount_min": event.amount_min,
                "amount_max": event.amount_max,
                "term_min": event.term_min,
                "term_max": event.term_max,
                "rate_min": event.rate_min,
                "rate_max": event.rate_max,
                "regions": list(event.regions),
                "status": "active",
                "published_at": event.timestamp,
                "position": position,
                "version": event.originator_version,
            },
        )

    @fold.register
    def _(self, event: BankProduct.Revised, rows: Rows, position: int) -> None:
        terms = {name: getattr(event, name) for name in TERMS}
        rows.update(
            "bank_products",
            event.originator_id,
            **{**terms, "regions": list(event.regions)},
            version=event.originator_version,
        )

    @fold.register
    def _(self, event: BankProduct.Retired, rows: Rows, position: int) -> None:
        rows.update(
            "bank_products", event.originator_id, status="retired", version=event.originator_version
        )

    def get_product(self, product_id: UUID) -> Row | None:
        rows = self._select(SQL("p.id = %(id)s"), {"id": product_id}, limit=1)
        return rows[0] if rows else None

    def list_products(
        self,
        *,
        product_type: str | None = None,
        region: str | None = None,
        bank: UUID | None = None,
        status: str = "active",
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Newest first; active products unless `status` says otherwise."""
        where: list[SQL | Composed] = [SQL("p.status = %(status)s"), SQL(active_owner("p.bank_id"))]
        params: dict[str, Any] = {"status": status}
        if product_type:
            where.append(SQL("p.product_type = %(product_type)s"))
            params["product_type"] = product_type
        if region:
            where.append(SQL(serves_region("%(region)s")))
            params["region"] = region
        if bank is not None:
            where.append(SQL("p.bank_id = %(bank)s"))
            params["bank"] = bank
        before = decode_cursor(cursor)
        if before is not None:
            where.append(SQL("p.position < %(before)s"))
            params["before"] = before
        conditions = SQL(" AND ").join(where) if where else SQL("true")
        return page_of(self._select(conditions, params, limit=limit + 1), limit, "position")

    def matching_products(self, need: Need, limit: int = 50) -> list[ProductMatch]:
        """Products that fit a financing need, ranked and explained."""
        return matching_products(self.pool, need, limit)

    def _select(self, where: SQL | Composed, params: dict[str, Any], *, limit: int) -> list[Row]:
        query = SQL(
            "SELECT p.*, o.name AS bank_name FROM bank_products p"
            " LEFT JOIN organizations o ON o.id = p.bank_id"
            " WHERE {} ORDER BY p.position DESC LIMIT %(limit)s"
        ).format(where)
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, {**params, "limit": limit})
            rows: list[Row] = cur.fetchall()
        return rows
