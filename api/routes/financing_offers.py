"""Sealed bank offers on financing needs: only the need's owner, the offering bank and staff
(operators, auditors) see them (the rule: `FinancingQueries.list_offers`)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import Enterprise, FinancingQueriesDep, MarketplaceDep, fresh
from api.routes.bank_products import Bank
from api.routes.financing import NeedReader
from api.schemas.common import ListOf
from api.schemas.financing import OfferAccepted, OfferCreate, OfferPublic, OfferWritten
from api.schemas.mapping import answer, party, written
from marketplace.financing import OfferOutcome
from projections.financing import FinancingBoardView
from projections.financing_offers import OffersView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/financing-needs/{need_id}/offers", tags=["financing"])


def offer_written(outcome: OfferOutcome, bank_name: str | None) -> OfferWritten:
    return written(
        OfferWritten,
        outcome,
        outcome.offer,
        need_id=str(outcome.aggregate.id),
        bank=party(outcome.offer.bank_id, bank_name),
    )


@router.post("", status_code=201)
def create_offer(need_id: UUID, body: OfferCreate, bank: Bank, app: MarketplaceDep) -> OfferWritten:
    """A verified bank makes a sealed offer on an open need (one active offer per bank)."""
    outcome = app.make_offer(need_id, bank.id, **body.model_dump())
    return offer_written(outcome, bank.name)


@router.get("", dependencies=[fresh(OffersView, FinancingBoardView, OrganizationsView)])
def read_offers(
    need_id: UUID,
    caller: NeedReader,
    financing: FinancingQueriesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[OfferPublic]:
    """The need's owner and staff see every offer; a verified bank only its own; anyone else
    is refused."""
    page = financing.list_offers(caller, need_id, limit=limit, cursor=cursor)
    return ListOf[OfferPublic](
        items=[answer(OfferPublic, r) for r in page.items], next_cursor=page.next_cursor
    )


@router.post("/{offer_id}/withdraw")
def withdraw_offer(need_id: UUID, offer_id: UUID, bank: Bank, app: MarketplaceDep) -> OfferWritten:
    """The bank withdraws its offer."""
    outcome = app.withdraw_offer(need_id, offer_id, bank.id)
    return offer_written(outcome, bank.name)


@router.post("/{offer_id}/accept", status_code=201)
def accept_offer(
    need_id: UUID, offer_id: UUID, owner: Enterprise, app: MarketplaceDep
) -> OfferAccepted:
    """Match the need with this offer; a loan contract is drafted in the same transaction."""
    outcome = app.accept_offer(need_id, offer_id, owner.id)
    return written(
        OfferAccepted,
        outcome,
        contract_id=str(outcome.contract.id),
        need_id=str(need_id),
        status=outcome.aggregate.status,
    )
