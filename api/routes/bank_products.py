"""Bank products: published by verified banks, public to read."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from aggregates.bank_product import BankProduct
from api.deps import Principal, ServicesDep, fresh, role
from api.schemas.common import ListOf, Party, RegionPrefixIn
from api.schemas.financing import ProductCreate, ProductPublic, ProductTypeName, ProductWritten
from projections.bank_products import BankProductsView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/bank-products", tags=["financing"])

Bank = Annotated[Principal, Depends(role("bank"))]


def product_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The fields of a product as the view holds them (shared with the matches)."""
    return {
        "id": str(row["id"]),
        "bank": Party(id=str(row["bank_id"]), name=row.get("bank_name")),
        "name": row["name"],
        "product_type": row["product_type"],
        "amount_min": row["amount_min"],
        "amount_max": row["amount_max"],
        "term_min": row["term_min"],
        "term_max": row["term_max"],
        "rate_min": row["rate_min"],
        "rate_max": row["rate_max"],
        "regions": list(row["regions"]),
        "published_at": row["published_at"],
    }


@router.post("", status_code=201)
def create_product(body: ProductCreate, bank: Bank, services: ServicesDep) -> ProductWritten:
    """A verified bank publishes a financing product."""
    outcome = services.app.publish_bank_product(bank.id, **body.model_dump())
    product: BankProduct = outcome.aggregate
    return ProductWritten(
        id=str(product.id),
        bank=Party(id=str(bank.id), name=bank.name),
        name=product.name,
        product_type=product.product_type,
        amount_min=product.amount_min,
        amount_max=product.amount_max,
        term_min=product.term_min,
        term_max=product.term_max,
        rate_min=product.rate_min,
        rate_max=product.rate_max,
        regions=product.regions,
        published_at=product.created_on,
        version=outcome.version,
        position=outcome.position,
    )


@router.get("", dependencies=[fresh(BankProductsView, OrganizationsView)])
def read_products(
    services: ServicesDep,
    product_type: ProductTypeName | None = None,
    region: Annotated[
        RegionPrefixIn | None, Query(description="serving this region or a part of it")
    ] = None,
    bank: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[ProductPublic]:
    """Bank products, newest first, by type and region (anyone may read them)."""
    page = services.views.bank_products.list_products(
        product_type=product_type, region=region, bank=bank, limit=limit, cursor=cursor
    )
    return ListOf[ProductPublic](
        items=[ProductPublic(**product_fields(r)) for r in page.items],
        next_cursor=page.next_cursor,
    )
