"""Reads of policy items (public), "policies for me" with read marks (each enterprise its
own), and the targeting match (which enterprises a policy in force concerns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from aggregates.errors import NotFoundError
from aggregates.financing import CHINA_STANDARD_TIME
from marketplace.queries.viewer import Viewer
from marketplace.stores.policy_reads import PolicyReads
from projections.organizations import OrganizationsView
from projections.pages import Page
from projections.policies import PoliciesView

Row = dict[str, Any]


@dataclass(frozen=True)
class PolicyQueries:
    policies: PoliciesView
    organizations: OrganizationsView
    reads: PolicyReads
    clock: Callable[[], datetime]

    def today(self) -> date:
        """Validity dates are calendar dates in China Standard Time."""
        return self.clock().astimezone(CHINA_STANDARD_TIME).date()

    def list_policies(self, **filters: Any) -> Page:
        """Public: newest first; by default only those in force today."""
        return self.policies.list_policies(**filters, today=self.today())

    def policy(self, viewer: Viewer, policy_id: UUID) -> Row:
        """Public; an enterprise that reads it gets it marked read."""
        row = self.policies.get_policy(policy_id)
        if row is None:
            raise NotFoundError("policy not found", "未找到该政策")
        if viewer.id is not None and viewer.kind == "enterprise":
            self.reads.mark(viewer.id, policy_id)
        return row

    def for_me(self, viewer: Viewer, limit: int, cursor: str | None) -> Page:
        """Policies in force that target the enterprise, newest first, each with `read`."""
        if viewer.id is None:
            return Page([], None)
        org = self.organizations.get_organization(viewer.id)
        if org is None:  # registered a moment ago: nothing folded yet
            return Page([], None)
        page = self.policies.for_enterprise(
            org["region"], org["industry"], self.today(), limit, cursor
        )
        read = self.reads.read_of(viewer.id, (row["id"] for row in page.items))
        for row in page.items:
            row["read"] = row["id"] in read
        return page

    def preview_targets(self, regions: list[str], industries: list[str]) -> int:
        """How many registered enterprises a policy with this targeting would concern."""
        return self.policies.count_targets(regions, industries)

    def targeted_enterprises(self, policy_id: UUID) -> list[UUID]:
        """The registered enterprises the policy concerns while it is in force (for the
        workbench's `policy_published` notifications)."""
        return self.policies.targeted_enterprises(policy_id, self.today())
