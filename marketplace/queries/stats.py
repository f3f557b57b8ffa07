"""Reads of the statistics: public totals and groups (of deals, financing and services);
figures per bank for staff only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aggregates.errors import ForbiddenError
from marketplace.queries.viewer import Viewer
from projections.stats import StatsView
from projections.stats_queries import DealKey, FinancingKey, Period, ServiceKey

Row = dict[str, Any]


@dataclass(frozen=True)
class StatsQueries:
    stats: StatsView
    clock: Callable[[], datetime]
    response_days: int

    def totals(self) -> Row:
        return self.stats.totals(now=self.clock(), response_days=self.response_days)

    def deal_groups(self, group_by: DealKey, period: Period) -> tuple[list[Row], int]:
        return self.stats.deal_groups(group_by, period)

    def financing_groups(
        self, viewer: Viewer, group_by: FinancingKey, period: Period
    ) -> tuple[list[Row], int]:
        """Grouped financing figures; per bank only for staff (the route answers an
        anonymous caller 401 first)."""
        if group_by == "bank" and not viewer.is_staff:
            raise ForbiddenError(
                "only operator or auditor accounts may see figures per bank",
                "只有运营方或审计方可以查看按银行的统计",
            )
        return self.stats.financing_groups(
            group_by, period, now=self.clock(), response_days=self.response_days
        )

    def service_groups(self, group_by: ServiceKey, period: Period) -> tuple[list[Row], int]:
        return self.stats.service_groups(group_by, period)

    def programme(self, period: Period) -> Row:
        """The programme report's figures for the period (staff: the router checks)."""
        return self.stats.programme(period, now=self.clock())

    def sale_contracts_after(self, after: int, limit: int) -> list[Row]:
        """Signed sale contracts in log order, for OCDS releases (staff: the router checks)."""
        return self.stats.sale_contracts_after(after, limit)
