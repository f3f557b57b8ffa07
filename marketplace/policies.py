"""Use cases of policy information: operators publish, revise and withdraw policy items."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aggregates.policy import Policy, checked
from marketplace.commands import MarketplaceBase, Outcome

POLICY = ("policy", "政策")


class PolicyUseCases(MarketplaceBase):
    def publish_policy(self, publisher_id: UUID, **fields: Any) -> Outcome[Policy]:
        """An operator publishes a policy item with its targeting and validity."""
        policy = Policy(publisher_id=publisher_id, **checked(fields))
        position = self.record(policy)
        return Outcome(policy, policy.version, position)

    def revise_policy(
        self, policy_id: UUID, by: UUID, changes: dict[str, Any], if_match: int | None = None
    ) -> Outcome[Policy]:
        """An operator changes some fields of a published policy item."""
        return self.change(
            Policy, policy_id, POLICY, lambda p: p.revise(by, **changes), if_match=if_match
        )

    def withdraw_policy(
        self, policy_id: UUID, by: UUID, if_match: int | None = None
    ) -> Outcome[Policy]:
        """An operator withdraws a policy item: it is no longer in force anywhere."""
        return self.change(Policy, policy_id, POLICY, lambda p: p.withdraw(by), if_match=if_match)

    def get_policy(self, policy_id: UUID) -> Policy:
        return self.load(Policy, policy_id, POLICY)
