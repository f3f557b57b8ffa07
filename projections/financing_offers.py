"""Offers view (sealed): banks' offers on financing needs. Callers filter by who may see them."""

from __future__ import annotations

from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed
from psycopg_pool import ConnectionPool

from aggregates.financing_need import FinancingNeed
from projections.engine import View
from projections.pages import Page, fetch_page
from projections.rows import Rows
from projections.table import Table

FINANCING_OFFERS = Table(
    "financing_offers",
    (
        "id uuid PRIMARY KEY",
        "need_id uuid NOT NULL",
        "bank_id uuid NOT NULL",
        "amount numeric NOT NULL",
        "annual_rate numeric NOT NULL",
        "term_months int NOT NULL",
        "conditions text",
        "valid_until timestamptz",
        "status text NOT NULL",
        "made_at timestamptz NOT NULL",
        "updated_at timestamptz NOT NULL",
        "position bigint NOT NULL",
    ),
    lookups=("need_id",),
)


class OffersView(View):
    name = "financing_offers"
    tables = (FINANCING_OFFERS,)
    event_classes = (
        FinancingNeed.OfferMade,
        FinancingNeed.OfferWithdrawn,
        FinancingNeed.OfferExpired,
        FinancingNeed.OfferAccepted,
    )
    schema = (
        FINANCING_OFFERS.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_offers_need_idx"
            " ON financing_offers (need_id, position)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_offers_bank_idx"
            " ON financing_offers (bank_id, position)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_offers_valid_idx"
            " ON financing_offers (valid_until) WHERE status = 'submitted'"
        ),
    )

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: FinancingNeed.OfferMade, rows: Rows, position: int) -> None:
        rows.put(
            "financing_offers",
            {
                "id": event.offer_id,
                "need_id": event.originator_id,
                "bank_id": event.bank_id,
                "amount": event.amount,
                "annual_rate": event.annual_rate,
                "term_months": event.term_months,
                "conditions": event.conditions,
                "valid_until": event.valid_until,
                "status": "submitted",
                "made_at": event.made_at,
                "updated_at": event.timestamp,
                "position": position,
            },
        )

    @fold.register
    def _(self, event: FinancingNeed.OfferWithdrawn, rows: Rows, position: int) -> None:
        rows.update(
            "financing_offers", event.offer_id, status="withdrawn", updated_at=event.timestamp
        )

    @fold.register
    def _(self, event: FinancingNeed.OfferExpired, rows: Rows, position: int) -> None:
        rows.update(
            "financing_offers", event.offer_id, status="expired", updated_at=event.timestamp
        )

    @fold.register
    def _(self, event: FinancingNeed.OfferAccepted, rows: Rows, position: int) -> None:
        for offer in list(rows.where("financing_offers", "need_id", event.originator_id)):
            if offer["status"] == "submitted" and offer["id"] != event.offer_id:
                rows.update(
                    "financing_offers",
                    offer["id"],
                    status="unsuccessful",
                    updated_at=event.timestamp,
                )
        rows.update(
            "financing_offers", event.offer_id, status="accepted", updated_at=event.timestamp
        )

    def list_offers(
        self,
        need_id: UUID,
        bank_id: UUID | None = None,
        *,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Offers on a need (or only one bank's), oldest first."""
        query: SQL | Composed = SQL(
            "SELECT f.*, o.name AS bank_name, n.status AS need_status FROM financing_offers f"
            " LEFT JOIN organizations o ON o.id = f.bank_id"
            " LEFT JOIN financing_needs n ON n.id = f.need_id WHERE f.need_id = %s"
        )
        params: list[Any] = [need_id]
        if bank_id is not None:
            query += SQL(" AND f.bank_id = %s")
            params.append(bank_id)
        return fetch_page(self.pool, query, params, order="f.position", cursor=cursor, limit=limit)


def offers_past_valid_until(
    pool: ConnectionPool[Any], now: datetime, limit: int = 500
) -> list[tuple[UUID, UUID]]:
    """(need, offer) of submitted offers past `valid_until` on open needs, for the scheduler."""
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT f.need_id, f.id FROM financing_offers f"
            " JOIN financing_needs n ON n.id = f.need_id AND n.status = 'open'"
            " WHERE f.status = 'submitted' AND f.valid_until <= %s"
            " ORDER BY f.valid_until LIMIT %s",
            (now, limit),
        )
        return [(row["need_id"], row["id"]) for row in cur.fetchall()]
