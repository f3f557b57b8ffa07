"""How the statistics view's folds change its rows: the status-only events, and the steps
several folds share (`projections.stats` holds the folds themselves)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aggregates.exhibition import Exhibition
from aggregates.financing_need import FinancingNeed
from aggregates.posting import Posting
from aggregates.service_product import ServiceProduct
from projections.rows import Row, Rows

# Events that only change a status: (event class, (table, new status)).
STATUSES: dict[type, tuple[str, str]] = {  # event class → (table, the status it sets)
    Posting.Withdrawn: ("stats_postings", "withdrawn"),
    Posting.Expired: ("stats_postings", "expired"),
    Posting.BidAccepted: ("stats_postings", "awarded"),
    Posting.Removed: ("stats_postings", "removed"),
    FinancingNeed.Withdrawn: ("stats_needs", "withdrawn"),
    FinancingNeed.Expired: ("stats_needs", "expired"),
    Exhibition.Cancelled: ("stats_exhibitions", "cancelled"),
    Exhibition.Closed: ("stats_exhibitions", "closed"),
    ServiceProduct.Retired: ("stats_service_products", "retired"),
    ServiceProduct.Removed: ("stats_service_products", "removed"),
}


def origin(source: dict[str, str], rows: Rows) -> Row:
    """Where the deal came from, with the region and category it is counted under."""
    if "posting_id" in source:
        posting_id = UUID(source["posting_id"])
        posting = rows.get("stats_postings", posting_id) or {}
        return {
            "posting_id": posting_id,
            "bid_id": UUID(source["bid_id"]),
            "region": posting.get("region"),
            "category": posting.get("category"),
        }
    need_id = UUID(source["need_id"])
    need = rows.get("stats_needs", need_id) or {}
    return {"need_id": need_id, "region": need.get("region")}


def change_contract(rows: Rows, event: Any, position: int, **changes: Any) -> Row | None:
    """Change a contract's row, and the version and position it was last changed at."""
    return rows.update(
        "stats_contracts",
        event.originator_id,
        version=event.originator_version,
        position=position,
        **changes,
    )


def count_signups(rows: Rows, event: Any, **deltas: int) -> None:
    """Add to an exhibition's signup counts."""
    row = rows.get("stats_exhibitions", event.originator_id)
    if row is not None:
        changes = {column: row[column] + delta for column, delta in deltas.items()}
        rows.update("stats_exhibitions", event.originator_id, **changes)
