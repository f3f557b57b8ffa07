"""Bank products: published by verified banks, public to read."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from aggregates.bank_product import BankProduct
from api.deps import FinancingQueriesDep, IfMatch, MarketplaceDep, Principal, fresh, role
from api.schemas.common import ListOf, RegionPrefixIn
from api.schemas.financing import (
    ProductCreate,
    ProductPublic,
    ProductTypeName,
    ProductUpdate,
    ProductWritten,
)
from api.schemas.mapping import answer, party, written
from marketplace.commands import Outcome
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
        status="active",
        published_at=outcome.aggregate.created_on,
    )


def product_written(outcome: Outcome[BankProduct], bank: Principal) -> ProductWritten:
    product = outcome.aggregate
    return written(
        ProductWritten,
        outcome,
        bank=party(bank.id, bank.name),
        status="retired" if product.retired else "active",
        published_at=product.created_on,
    )


@router.patch("/{product_id}")
def revise_product(
    product_id: UUID, body: ProductUpdate, bank: Bank, app: MarketplaceDep, expected: IfMatch
) -> ProductWritten:
    """Its bank changes some terms of a product still offered (`If-Match` optional)."""
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    return product_written(app.revise_bank_product(product_id, bank.id, changes, expected), bank)


@router.post("/{product_id}/retire")
def retire_product(product_id: UUID, bank: Bank, app: MarketplaceDep) -> ProductWritten:
    """Its bank stops offering the product: no longer listed nor matched."""
    return product_written(app.retire_bank_product(product_id, bank.id), bank)


@router.get("", dependencies=[fresh(BankProductsView, OrganizationsView)])
def read_products(
    financing: FinancingQueriesDep,
    product_type: ProductTypeName | None = None,
    region: Annotated[
        RegionPrefixIn | None, Query(description="serving this region or a part of it")
    ] = None,
    bank: UUID | None = None,
    status: Literal["active", "retired"] = "active",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[ProductPublic]:
    """Bank products, newest first, by type and region (anyone may read them)."""
    page = financing.list_products(
        product_type=product_type,
        region=region,
        bank=bank,
        status=status,
        limit=limit,
        cursor=cursor,
    )
    return ListOf[ProductPublic](
        items=[answer(ProductPublic, r, regions=list(r["regions"])) for r in page.items],
        next_cursor=page.next_cursor,
    )
