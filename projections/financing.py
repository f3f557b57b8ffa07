"""Financing board: enterprises' financing needs for banks, with filters and derived overdue.

The queries, and the rule for when a need is overdue, are in `projections.financing_queries`.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from psycopg.sql import SQL

from aggregates.financing_need import FinancingNeed
from projections.engine import View
from projections.financing_queries import FinancingBoardQueries
from projections.rows import Row, Rows
from projections.table import Table

FINANCING_NEEDS = Table(
    "financing_needs",
    (
        "id uuid PRIMARY KEY",
        "owner_id uuid NOT NULL",
        "amount numeric NOT NULL",
        "currency text NOT NULL",
        "term_months int NOT NULL",
        "purpose text NOT NULL",
        "product_type text NOT NULL",
        "region text NOT NULL",
        "respond_by timestamptz",
        "status text NOT NULL",
        "offer_count int NOT NULL DEFAULT 0",
        "first_offer_at timestamptz",
        "posted_at timestamptz NOT NULL",
        "posted_position bigint NOT NULL",
        "matched_offer_id uuid",
        "matched_bank_id uuid",
        "contract_id uuid",
        "amount_matched numeric",
        "matched_at timestamptz",
        "amount_disbursed numeric",
        "disbursed_at timestamptz",
        "overdue_at timestamptz",  # when the scheduler marked it overdue (`BecameOverdue`)
        "version int NOT NULL",
        "updated_at timestamptz NOT NULL",
    ),
)


class FinancingBoardView(FinancingBoardQueries, View):
    name = "financing_needs"
    version = 2  # 2: the scheduler's overdue mark
    tables = (FINANCING_NEEDS,)
    event_classes = (
        FinancingNeed.Posted,
        FinancingNeed.Withdrawn,
        FinancingNeed.Expired,
        FinancingNeed.BecameOverdue,
        FinancingNeed.OfferMade,
        FinancingNeed.OfferWithdrawn,
        FinancingNeed.OfferExpired,
        FinancingNeed.OfferAccepted,
        FinancingNeed.Disbursed,
    )
    schema = (
        FINANCING_NEEDS.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_needs_status_idx"
            " ON financing_needs (status, posted_position DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_needs_owner_idx"
            " ON financing_needs (owner_id, posted_position DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS financing_needs_region_idx"
            " ON financing_needs (region text_pattern_ops)"
        ),
    )

    # Projection ------------------------------------------------------------------------

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: FinancingNeed.Posted, rows: Rows, position: int) -> None:
        row = FINANCING_NEEDS.row(
            id=event.originator_id,
            owner_id=event.owner_id,
            amount=event.amount,
            currency=event.currency,
            term_months=event.term_months,
            purpose=event.purpose,
            product_type=event.product_type,
            region=event.region,
            respond_by=event.respond_by,
            status="open",
            offer_count=0,
            posted_at=event.timestamp,
            posted_position=position,
            version=event.originator_version,
            updated_at=event.timestamp,
        )
        rows.put("financing_needs", row)

    def _touch(self, rows: Rows, event: Any, **changes: Any) -> Row | None:
        return rows.update(
            "financing_needs",
            event.originator_id,
            version=event.originator_version,
            updated_at=event.timestamp,
            **changes,
        )

    @fold.register
    def _(self, event: FinancingNeed.Withdrawn, rows: Rows, position: int) -> None:
        self._touch(rows, event, status="withdrawn")

    @fold.register
    def _(self, event: FinancingNeed.Expired, rows: Rows, position: int) -> None:
        self._touch(rows, event, status="expired")

    @fold.register
    def _(self, event: FinancingNeed.BecameOverdue, rows: Rows, position: int) -> None:
        self._touch(rows, event, overdue_at=event.at)

    @fold.register
    def _(self, event: FinancingNeed.OfferMade, rows: Rows, position: int) -> None:
        row = rows.get("financing_needs", event.originator_id)
        if row is not None:
            first = row["first_offer_at"] or event.made_at
            self._touch(rows, event, offer_count=row["offer_count"] + 1, first_offer_at=first)

    @fold.register
    def _(self, event: FinancingNeed.OfferWithdrawn, rows: Rows, position: int) -> None:
        row = rows.get("financing_needs", event.originator_id)
        if row is not None:
            self._touch(rows, event, offer_count=row["offer_count"] - 1)

    @fold.register
    def _(self, event: FinancingNeed.OfferExpired, rows: Rows, position: int) -> None:
        self._touch(rows, event)

    @fold.register
    def _(self, event: FinancingNeed.OfferAccepted, rows: Rows, position: int) -> None:
        self._touch(
            rows,
            event,
            status="matched",
            matched_offer_id=event.offer_id,
            matched_bank_id=event.bank_id,
            contract_id=event.contract_id,
            amount_matched=event.amount,
            matched_at=event.timestamp,
        )

    @fold.register
    def _(self, event: FinancingNeed.Disbursed, rows: Rows, position: int) -> None:
        self._touch(
            rows,
            event,
            status="disbursed",
            amount_disbursed=event.amount,
            disbursed_at=event.disbursed_at,
        )
