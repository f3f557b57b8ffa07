"""Reads of contracts: their parties read their own; staff read all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aggregates.errors import ForbiddenError, NotFoundError
from marketplace.queries.viewer import Viewer
from projections.contracts import ContractsView
from projections.pages import Page

Row = dict[str, Any]


@dataclass(frozen=True)
class ContractQueries:
    contracts: ContractsView

    def list_contracts(self, viewer: Viewer, **filters: Any) -> Page:
        """Newest first: a party's own, or every contract for staff."""
        party = None if viewer.is_staff else viewer.id
        return self.contracts.list_contracts(party=party, **filters)

    def contract(self, viewer: Viewer, contract_id: UUID) -> Row:
        row = self.contracts.get_contract(contract_id)
        if row is None:
            raise NotFoundError("contract not found", "未找到该合同")
        if not viewer.sees_as_party(row["party_ids"]):
            raise ForbiddenError(
                "only the parties may read this contract", "只有合同当事方可以查看"
            )
        return row
