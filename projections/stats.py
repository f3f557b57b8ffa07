"""Statistics view: the platform's figures, deal totals, financing totals and service figures.

One view with several small tables, so that every figure is read at one position: a deal's
region and category are copied from its posting's row when the contract is drafted, which is
always there because the same view folded the posting first. The queries are in
`projections.stats_queries` (the service figures' SQL in `projections.stats_service_queries`),
the service hall's folds in `projections.stats_services`, the programme report's in
`projections.stats_report` (its SQL in `projections.stats_report_queries`).
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from aggregates.contract import Contract
from aggregates.exhibition import Exhibition
from aggregates.exhibition_terms import SignupStatus
from aggregates.financing_need import FinancingNeed
from aggregates.organization import Organization
from aggregates.posting import Posting
from projections.engine import View
from projections.rows import Rows
from projections.stats_changes import STATUSES, change_contract, count_signups, origin
from projections.stats_report import REPORT_FOLDS, act
from projections.stats_report_queries import ReportQueries
from projections.stats_services import SERVICE_FOLDS
from projections.stats_tables import CONTRACTS, NEEDS, SCHEMA, TABLES

# Revisable terms kept here: whether a posting is still open, and what its OCDS tender says.
REVISED = frozenset({"title", "description", "quantity", "unit", "expires_at"})


class StatsView(ReportQueries, View):
    name = "stats"
    version = 6  # 3: service hall; 4: removed products; 5: activities by kind; 6: the report
    tables = TABLES
    event_classes = (
        Organization.Registered,
        Organization.ProfileChanged,
        Posting.Published,
        Posting.Revised,
        Posting.BidPlaced,
        Contract.Drafted,
        Contract.Signed,
        Contract.Cancelled,
        Contract.Completed,
        FinancingNeed.Posted,
        FinancingNeed.OfferMade,
        FinancingNeed.OfferAccepted,
        FinancingNeed.Disbursed,
        Exhibition.Scheduled,
        Exhibition.SignedUp,
        Exhibition.SignupCancelled,
        Exhibition.CheckedIn,
        *STATUSES,
        *SERVICE_FOLDS,
        *REPORT_FOLDS,
    )
    schema = SCHEMA

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    # Organizations and postings ----------------------------------------------------------

    @fold.register
    def _(self, event: Organization.Registered, rows: Rows, position: int) -> None:
        rows.put(
            "stats_organizations",
            {
                "id": event.originator_id,
                "kind": event.kind,
                "name": event.name,
                "verified": event.starts_verified,
            },
        )

    @fold.register
    def _(self, event: Organization.ProfileChanged, rows: Rows, position: int) -> None:
        if "name" in event.changes:
            rows.update("stats_organizations", event.originator_id, name=event.changes["name"])

    @fold.register
    def _(self, event: Posting.Published, rows: Rows, position: int) -> None:
        rows.put(
            "stats_postings",
            {
                "id": event.originator_id,
                "side": event.side,
                "title": event.title,
                "description": event.description,
                "region": event.region,
                "category": event.category,
                "quantity": event.quantity,
                "unit": event.unit,
                "status": "open",
                "expires_at": event.expires_at,
                "published_at": event.timestamp,
                "bids": 0,
            },
        )
        act(rows, event, event.owner_id, event.timestamp)

    @fold.register
    def _(self, event: Posting.Revised, rows: Rows, position: int) -> None:
        changes = {k: v for k, v in event.changes.items() if k in REVISED}
        rows.update("stats_postings", event.originator_id, **changes)

    @fold.register
    def _(self, event: Posting.BidPlaced, rows: Rows, position: int) -> None:
        row = rows.get("stats_postings", event.originator_id)
        if row is not None:
            rows.update("stats_postings", event.originator_id, bids=row["bids"] + 1)
        act(rows, event, event.bidder_id, event.placed_at)

    # Contracts -----------------------------------------------------------------------------

    @fold.register
    def _(self, event: Contract.Drafted, rows: Rows, position: int) -> None:
        row = CONTRACTS.row(
            id=event.originator_id,
            kind=event.kind,
            status="drafted",
            amount=event.amount,
            currency=event.currency,
            parties=[
                {"organization_id": p["organization_id"], "role": p["role"]} for p in event.parties
            ],
            signatures=0,
            exhibition_id=event.exhibition_id,
            drafted_at=event.timestamp,
            version=event.originator_version,
            position=position,
        )
        row.update(origin(event.source, rows))
        rows.put("stats_contracts", row)

    @fold.register
    def _(self, event: Contract.Signed, rows: Rows, position: int) -> None:
        row = rows.get("stats_contracts", event.originator_id)
        if row is None:
            return
        signatures = row["signatures"] + 1
        if signatures == len(row["parties"]):  # the last signature makes the contract signed
            change_contract(
                rows,
                event,
                position,
                signatures=signatures,
                status="signed",
                signed_at=event.signed_at,
            )
        else:
            change_contract(rows, event, position, signatures=signatures)

    @fold.register
    def _(self, event: Contract.Cancelled, rows: Rows, position: int) -> None:
        change_contract(rows, event, position, status="cancelled", cancelled_at=event.timestamp)

    @fold.register
    def _(self, event: Contract.Completed, rows: Rows, position: int) -> None:
        change_contract(rows, event, position, status="completed", completed_at=event.timestamp)

    # Financing needs -------------------------------------------------------------------------

    @fold.register
    def _(self, event: FinancingNeed.Posted, rows: Rows, position: int) -> None:
        row = NEEDS.row(
            id=event.originator_id,
            product_type=event.product_type,
            region=event.region,
            amount=event.amount,
            status="open",
            posted_at=event.timestamp,
            owner_id=event.owner_id,
        )
        rows.put("stats_needs", row)
        act(rows, event, event.owner_id, event.timestamp)

    @fold.register
    def _(self, event: FinancingNeed.OfferMade, rows: Rows, position: int) -> None:
        row = rows.get("stats_needs", event.originator_id)
        if row is not None and row["first_offer_at"] is None:
            rows.update("stats_needs", event.originator_id, first_offer_at=event.made_at)

    @fold.register
    def _(self, event: FinancingNeed.OfferAccepted, rows: Rows, position: int) -> None:
        rows.update(
            "stats_needs",
            event.originator_id,
            status="matched",
            bank_id=event.bank_id,
            amount_matched=event.amount,
            matched_at=event.timestamp,
        )

    @fold.register
    def _(self, event: FinancingNeed.Disbursed, rows: Rows, position: int) -> None:
        rows.update(
            "stats_needs",
            event.originator_id,
            status="disbursed",
            amount_disbursed=event.amount,
            disbursed_at=event.disbursed_at,
        )

    # Exhibitions -----------------------------------------------------------------------------

    @fold.register
    def _(self, event: Exhibition.Scheduled, rows: Rows, position: int) -> None:
        rows.put(
            "stats_exhibitions",
            {
                "id": event.originator_id,
                "status": "scheduled",
                "starts_at": event.starts_at,
                "ends_at": event.ends_at,
                "confirmed": 0,
                "waitlisted": 0,
                "checked_in": 0,
                "kind": event.kind,
                "attended": 0,
            },
        )

    @fold.register
    def _(self, event: Exhibition.SignedUp, rows: Rows, position: int) -> None:
        if event.status == SignupStatus.CONFIRMED:
            count_signups(rows, event, confirmed=+1)
        else:
            count_signups(rows, event, waitlisted=+1)
        act(rows, event, event.organization_id, event.signed_up_at)

    @fold.register
    def _(self, event: Exhibition.SignupCancelled, rows: Rows, position: int) -> None:
        confirmed = -1 if event.previous_status == SignupStatus.CONFIRMED else 0
        waitlisted = -1 if event.previous_status == SignupStatus.WAITLISTED else 0
        promoted = len(event.promoted_ids)  # waitlisted signups that took the freed seats
        confirmed, waitlisted = confirmed + promoted, waitlisted - promoted
        count_signups(rows, event, confirmed=confirmed, waitlisted=waitlisted)

    @fold.register
    def _(self, event: Exhibition.CheckedIn, rows: Rows, position: int) -> None:
        count_signups(rows, event, checked_in=+1, attended=event.attended)

    def _status(self, event: Any, rows: Rows, position: int) -> None:
        """An event that only changes a status (`stats_changes.STATUSES`, registered below)."""
        table, status = STATUSES[type(event)]
        rows.update(table, event.originator_id, status=status)

    def _service(self, event: Any, rows: Rows, position: int) -> None:
        """An event of the service hall or the report (`SERVICE_FOLDS`, `REPORT_FOLDS`)."""
        (SERVICE_FOLDS.get(type(event)) or REPORT_FOLDS[type(event)])(event, rows)

    for _cls in STATUSES:
        fold.register(_cls, _status)
    for _cls in (*SERVICE_FOLDS, *REPORT_FOLDS):
        fold.register(_cls, _service)
    del _cls
