"""Contracts view: every sale and loan contract, its parties, signatures and status."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed

from aggregates.contract import Contract, contract_digest, contract_documents
from projections.engine import View
from projections.pages import Page, fetch_page
from projections.rows import Rows
from projections.table import Table

CONTRACTS = Table(
    "contracts",
    (
        "id uuid PRIMARY KEY",
        "kind text NOT NULL",
        "status text NOT NULL",
        "parties jsonb NOT NULL",
        "party_ids uuid[] NOT NULL",
        "terms jsonb NOT NULL",
        "amount numeric NOT NULL",
        "currency text NOT NULL",
        "digest text NOT NULL",
        "source jsonb NOT NULL",
        "exhibition_id uuid",
        "signatures jsonb NOT NULL",
        # Who signed for each party: organization id → the member's id (`actor`), or null.
        "signers jsonb NOT NULL DEFAULT '{}'",
        "drafted_at timestamptz NOT NULL",
        "signed_at timestamptz",
        "completed_at timestamptz",
        "cancelled_at timestamptz",
        "version int NOT NULL",
        "position bigint NOT NULL",
    ),
)


class ContractsView(View):
    name = "contracts"
    version = 2  # signers
    tables = (CONTRACTS,)
    event_classes = (
        Contract.Drafted,
        Contract.Signed,
        Contract.Cancelled,
        Contract.Completed,
        Contract.DocumentsAttached,
    )
    schema = (
        CONTRACTS.create,
        SQL("CREATE INDEX IF NOT EXISTS contracts_parties_idx ON contracts USING gin (party_ids)"),
        SQL("CREATE INDEX IF NOT EXISTS contracts_position_idx ON contracts (position DESC)"),
    )

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: Contract.Drafted, rows: Rows, position: int) -> None:
        amount = str(event.amount)
        rows.put(
            "contracts",
            {
                "id": event.originator_id,
                "kind": event.kind,
                "status": "drafted",
                "parties": event.parties,
                "party_ids": [UUID(p["organization_id"]) for p in event.parties],
                "terms": event.terms,
                "amount": event.amount,
                "currency": event.currency,
                "digest": contract_digest(
                    event.kind, event.parties, event.terms, amount, event.currency
                ),
                "source": event.source,
                "exhibition_id": event.exhibition_id,
                "signatures": {},
                "signers": {},
                "drafted_at": event.timestamp,
                "signed_at": None,
                "completed_at": None,
                "cancelled_at": None,
                "version": event.originator_version,
                "position": position,
            },
        )

    @fold.register
    def _(self, event: Contract.Signed, rows: Rows, position: int) -> None:
        row = rows.get("contracts", event.originator_id)
        if row is None:
            return
        signatures = {**row["signatures"], str(event.organization_id): event.signed_at.isoformat()}
        signers = {**row["signers"], str(event.organization_id): getattr(event, "actor", None)}
        everyone = len(signatures) == len(row["parties"])
        rows.update(
            "contracts",
            event.originator_id,
            signatures=signatures,
            signers=signers,
            status="signed" if everyone else row["status"],
            signed_at=event.signed_at if everyone else None,
            version=event.originator_version,
        )

    @fold.register
    def _(self, event: Contract.DocumentsAttached, rows: Rows, position: int) -> None:
        """New terms, so a new digest; every signature made before is void."""
        row = rows.get("contracts", event.originator_id)
        if row is None:
            return
        listed = [*row["terms"].get("documents", []), *contract_documents(event.documents)]
        terms = {**row["terms"], "documents": listed}
        amount = str(row["amount"])
        digest = contract_digest(row["kind"], row["parties"], terms, amount, row["currency"])
        rows.update(
            "contracts",
            event.originator_id,
            terms=terms,
            digest=digest,
            signatures={},
            signers={},
            version=event.originator_version,
        )

    @fold.register
    def _(self, event: Contract.Cancelled, rows: Rows, position: int) -> None:
        rows.update(
            "contracts",
            event.originator_id,
            status="cancelled",
            cancelled_at=event.timestamp,
            version=event.originator_version,
        )

    @fold.register
    def _(self, event: Contract.Completed, rows: Rows, position: int) -> None:
        rows.update(
            "contracts",
            event.originator_id,
            status="completed",
            completed_at=event.timestamp,
            version=event.originator_version,
        )

    def get_contract(self, contract_id: UUID) -> dict[str, Any] | None:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row: dict[str, Any] | None = cur.execute(
                "SELECT * FROM contracts WHERE id = %s", (contract_id,)
            ).fetchone()
            return row

    def sale_contracts_of(self, party: UUID, posting_ids: list[str]) -> dict[str, str]:
        """{posting id: sale contract id} for those postings whose contract has this party."""
        if not posting_ids:
            return {}
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(
                "SELECT source->>'posting_id' AS posting_id, id FROM contracts"
                " WHERE kind = 'sale' AND %s = ANY(party_ids)"
                " AND source->>'posting_id' = ANY(%s) ORDER BY position",
                (party, posting_ids),
            )
            return {row["posting_id"]: str(row["id"]) for row in cur.fetchall()}

    def list_contracts(
        self,
        *,
        party: UUID | None,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Newest first; only a party's own unless `party` is None (operators, auditors)."""
        query: SQL | Composed = SQL("SELECT * FROM contracts WHERE true")
        params: list[Any] = []
        for clause, value in (
            (SQL(" AND %s = ANY(party_ids)"), party),
            (SQL(" AND kind = %s"), kind),
            (SQL(" AND status = %s"), status),
        ):
            if value is not None:
                query += clause
                params.append(value)
        return fetch_page(
            self.pool,
            query,
            params,
            order="position",
            cursor=cursor,
            limit=limit,
            newest_first=True,
        )
