"""Bank products: published by verified banks, public to read."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.deps import FinancingQueriesDep, MarketplaceDep, Principal, fresh, role
from api.schemas.common import ListOf, RegionPrefixIn
from api.schemas.financing import ProductCreate, ProductPublic, ProductTypeName, ProductWritten
from api.schemas.mapping import answer, party, written
from projections.bank_products import BankProductsView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/bank-products", tags=["financing"])

Bank = Annotated[Principal, Depends(role("bank"))]


@router.post("", status_code=201)
def create_product(body: ProductCreate, bank: Bank, app: MarketplaceDep) -> ProductWritten:
    """A verified bank publishes a financing product."""
    outcome = app.publish_bank_product(bank.id, **body.model_dump())
    return written(
        ProductWritten,
        outcome,
        bank=party(bank.id, bank.name),
        published_at=outcome.aggregate.created_on,
    )


@router.get("", dependencies=[fresh(BankProductsView, OrganizationsView)])
def read_products(
    financing: FinancingQueriesDep,
    product_type: ProductTypeName | None = None,
    region: Annotated[
        RegionPrefixIn | None, Query(description="serving this region or a part of it")
    ] = None,
    bank: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[ProductPublic]:
    """Bank products, newest first, by type and region (anyone may read them)."""
    page = financing.list_products(
        product_type=product_type, region=region, bank=bank, limit=limit, cursor=cursor
    )
    return ListOf[ProductPublic](
        items=[answer(ProductPublic, r, regions=list(r["regions"])) for r in page.items],
        next_cursor=page.next_cursor,
    )
