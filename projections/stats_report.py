"""What the statistics view folds for the programme report (API.md, "Contract document and
programme report") beyond the other figures: one row per act of an organization that makes an
enterprise "served" (it posted, bid, asked for financing or a service, or signed up), and one
per policy published. The report's SQL is in `projections.stats_report_queries`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from aggregates.policy import Policy
from projections.rows import Rows


def act(rows: Rows, event: Any, organization_id: UUID, at: datetime) -> None:
    """One act of an organization (counted when the organization is an enterprise)."""
    key = f"{event.originator_id}:{event.originator_version}"
    rows.put("stats_acts", {"id": key, "organization_id": organization_id, "at": at})


def _policy_published(event: Policy.Published, rows: Rows) -> None:
    rows.put("stats_policies", {"id": event.originator_id, "published_at": event.timestamp})


# Event class → how it changes the rows (registered on `StatsView.fold`).
REPORT_FOLDS: dict[type, Callable[[Any, Rows], None]] = {
    Policy.Published: _policy_published,
}
