"""Reads of financing needs, sealed bank offers and bank products: who may see what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from aggregates.errors import ForbiddenError, NotFoundError
from aggregates.financing_need import FinancingNeed
from marketplace.queries.viewer import Viewer
from projections.bank_products import BankProductsView
from projections.financing import FinancingBoardView
from projections.financing_matching import Need, ProductMatch
from projections.financing_offers import OffersView
from projections.financing_queries import is_overdue
from projections.pages import Page

Row = dict[str, Any]


def may_read_needs(viewer: Viewer) -> bool:
    """Enterprises (their own needs), verified banks and staff; nobody else (unverified banks,
    service providers) reads any need."""
    return viewer.kind == "enterprise" or viewer.is_verified_bank or viewer.is_staff


def sees_disbursed_amount(viewer: Viewer, matched_bank_id: UUID | None) -> bool:
    """The amount paid out nearly tells the accepted offer's terms: other banks do not see it."""
    return viewer.kind in ("enterprise", "operator", "auditor") or matched_bank_id == viewer.id


@dataclass(frozen=True)
class FinancingQueries:
    needs: FinancingBoardView
    offers: OffersView
    products: BankProductsView
    clock: Callable[[], datetime]
    response_days: int

    def list_needs(self, viewer: Viewer, **filters: Any) -> Page:
        """Newest first: every need for verified banks and staff, its own for an enterprise."""
        return self.needs.list_needs(
            now=self.clock(),
            response_days=self.response_days,
            owner=viewer.id if viewer.kind == "enterprise" else None,
            **filters,
        )

    def need(self, viewer: Viewer, need_id: UUID) -> Row:
        """One need with its offer count and first offer time (never the offers' terms)."""
        row = self._need(need_id)
        if viewer.kind == "enterprise" and row["owner_id"] != viewer.id:
            raise ForbiddenError(
                "enterprises see only their own financing needs", "企业只能查看自己的融资需求"
            )
        return row

    def _need(self, need_id: UUID) -> Row:
        row = self.needs.get_need(need_id, now=self.clock(), response_days=self.response_days)
        if row is None:
            raise NotFoundError("financing need not found", "未找到该融资需求")
        return row

    def overdue(self, need: FinancingNeed) -> bool:
        """The board's overdue rule, for a need just written (read from its aggregate)."""
        return is_overdue(
            need.status, need.created_on, need.first_offer_at, self.clock(), self.response_days
        )

    def list_offers(self, viewer: Viewer, need_id: UUID, *, limit: int, cursor: str | None) -> Page:
        """Offers are sealed: the need's owner and staff see every offer, a bank only its own,
        anyone else is refused."""
        owner = self._need(need_id)["owner_id"]
        if viewer.sees_as_party({owner}):
            return self.offers.list_offers(need_id, limit=limit, cursor=cursor)
        if viewer.kind == "bank":
            return self.offers.list_offers(need_id, bank_id=viewer.id, limit=limit, cursor=cursor)
        raise ForbiddenError(
            "offers are sealed: only the need's owner and the offering bank see them",
            "融资报价保密：仅需求发布方和报价银行可见",
        )

    def matches(self, viewer: Viewer, need_id: UUID, limit: int) -> list[ProductMatch]:
        """Bank products that fit the need, best first: for the enterprise that posted it."""
        row = self._need(need_id)
        if row["owner_id"] != viewer.id:
            raise ForbiddenError(
                "only the enterprise that posted the need sees its matches",
                "只有需求发布方可以查看匹配",
            )
        terms = Need(row["product_type"], row["amount"], row["term_months"], row["region"])
        return self.products.matching_products(terms, limit)

    def list_products(self, **filters: Any) -> Page:
        """Public: bank products newest first."""
        return self.products.list_products(**filters)
