"""Sealed bank offers on financing needs: only the need's owner, the offering bank and staff
(operators, auditors) see them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from aggregates.errors import ForbiddenError
from aggregates.offer import Offer
from api.deps import Enterprise, ServicesDep, fresh
from api.routes.bank_products import Bank
from api.routes.financing import NeedReader
from api.schemas.common import ListOf, Party
from api.schemas.financing import OfferAccepted, OfferCreate, OfferPublic, OfferWritten
from marketplace.financing import OfferOutcome
from projections.financing import FinancingBoardView
from projections.financing_offers import OffersView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/financing-needs/{need_id}/offers", tags=["financing"])
STAFF = frozenset({"operator", "auditor"})  # they read everything, sealed terms included


def offer_from_row(row: dict[str, Any]) -> OfferPublic:
    return OfferPublic(
        id=str(row["id"]),
        need_id=str(row["need_id"]),
        bank=Party(id=str(row["bank_id"]), name=row.get("bank_name")),
        amount=row["amount"],
        annual_rate=row["annual_rate"],
        term_months=row["term_months"],
        conditions=row["conditions"],
        valid_until=row["valid_until"],
        status=row["status"],
        made_at=row["made_at"],
    )


def offer_written(outcome: OfferOutcome, bank_name: str | None) -> OfferWritten:
    offer: Offer = outcome.offer
    return OfferWritten(
        id=str(offer.id),
        need_id=str(outcome.aggregate.id),
        bank=Party(id=str(offer.bank_id), name=bank_name),
        amount=offer.amount,
        annual_rate=offer.annual_rate,
        term_months=offer.term_months,
        conditions=offer.conditions,
        valid_until=offer.valid_until,
        status=offer.status,
        made_at=offer.made_at,
        version=outcome.version,
        position=outcome.position,
    )


@router.post("", status_code=201)
def create_offer(
    need_id: UUID, body: OfferCreate, bank: Bank, services: ServicesDep
) -> OfferWritten:
    """A verified bank makes a sealed offer on an open need (one active offer per bank)."""
    outcome = services.app.make_offer(need_id, bank.id, **body.model_dump())
    return offer_written(outcome, bank.name)


@router.get("", dependencies=[fresh(OffersView, FinancingBoardView, OrganizationsView)])
def read_offers(
    need_id: UUID,
    caller: NeedReader,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[OfferPublic]:
    """The need's owner and staff see every offer; a verified bank only its own; anyone else
    is refused."""
    need = services.app.get_financing_need(need_id)
    offers = services.views.financing_offers
    if caller.id == need.owner_id or caller.kind in STAFF:
        page = offers.list_offers(need_id, limit=limit, cursor=cursor)
    elif caller.kind == "bank":
        page = offers.list_offers(need_id, bank_id=caller.id, limit=limit, cursor=cursor)
    else:
        raise ForbiddenError(
            "offers are sealed: only the need's owner and the offering bank see them",
            "融资报价保密：仅需求发布方和报价银行可见",
        )
    return ListOf[OfferPublic](
        items=[offer_from_row(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.post("/{offer_id}/withdraw")
def withdraw_offer(
    need_id: UUID, offer_id: UUID, bank: Bank, services: ServicesDep
) -> OfferWritten:
    """The bank withdraws its offer."""
    outcome = services.app.withdraw_offer(need_id, offer_id, bank.id)
    return offer_written(outcome, bank.name)


@router.post("/{offer_id}/accept", status_code=201)
def accept_offer(
    need_id: UUID, offer_id: UUID, owner: Enterprise, services: ServicesDep
) -> OfferAccepted:
    """Match the need with this offer; a loan contract is drafted in the same transaction."""
    outcome = services.app.accept_offer(need_id, offer_id, owner.id)
    return OfferAccepted(
        contract_id=str(outcome.contract.id),
        need_id=str(need_id),
        status=outcome.aggregate.status,
        version=outcome.version,
        position=outcome.position,
    )
