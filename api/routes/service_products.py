"""Service products (服务产品): published by verified providers, public to read."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from aggregates.service_product import ServiceProduct
from api.deps import (
    IfMatch,
    MarketplaceDep,
    MaybeSignedIn,
    Operator,
    Provider,
    ServiceQueriesDep,
    fresh,
)
from api.schemas.common import ListOf, Moderation, RegionPrefixIn
from api.schemas.mapping import answer, party, written
from api.schemas.services import (
    Pricing,
    Satisfaction,
    ServiceCategoryName,
    ServiceProductCreate,
    ServiceProductPublic,
    ServiceProductUpdate,
    ServiceProductWritten,
)
from marketplace.commands import Outcome
from marketplace.queries.viewer import ANONYMOUS
from projections.organizations import OrganizationsView
from projections.rows import Row
from projections.service_products import ServiceProductsView
from projections.service_requests import ServiceRequestsView

router = APIRouter(prefix="/service-products", tags=["services"])


def _written(outcome: Outcome[ServiceProduct], provider_name: str | None) -> ServiceProductWritten:
    product = outcome.aggregate
    return written(
        ServiceProductWritten,
        outcome,
        provider=party(product.provider_id, provider_name),
        published_at=product.created_on,
    )


def _public(row: Row) -> ServiceProductPublic:
    satisfaction = Satisfaction(count=row["satisfaction_count"], mean=row["satisfaction_mean"])
    return answer(
        ServiceProductPublic, row, regions=list(row["regions"]), satisfaction=satisfaction
    )


@router.post("", status_code=201)
def create_service_product(
    body: ServiceProductCreate, provider: Provider, app: MarketplaceDep
) -> ServiceProductWritten:
    """A verified provider publishes a product in one of its service categories."""
    outcome = app.publish_service_product(provider.id, **body.model_dump())
    return _written(outcome, provider.name)


@router.patch("/{product_id}")
def update_service_product(
    product_id: UUID,
    body: ServiceProductUpdate,
    provider: Provider,
    app: MarketplaceDep,
    expected_version: IfMatch,
) -> ServiceProductWritten:
    """Its provider revises some terms of an active product."""
    changes = body.model_dump(exclude_unset=True)
    outcome = app.revise_service_product(product_id, provider.id, changes, expected_version)
    return _written(outcome, provider.name)


@router.post("/{product_id}/retire")
def retire_service_product(
    product_id: UUID, provider: Provider, app: MarketplaceDep
) -> ServiceProductWritten:
    """Its provider takes the product out of the catalogue."""
    return _written(app.retire_service_product(product_id, provider.id), provider.name)


@router.post("/{product_id}/remove")
def remove_service_product(
    product_id: UUID, body: Moderation, operator: Operator, app: MarketplaceDep
) -> ServiceProductWritten:
    """Operators take a product down (status `removed`): it leaves the catalogue; its provider
    and staff still read it with the reason."""
    return _written(app.remove_service_product(product_id, body.reason), None)


@router.get("", dependencies=[fresh(ServiceProductsView, OrganizationsView, ServiceRequestsView)])
def read_service_products(
    catalogue: ServiceQueriesDep,
    category: ServiceCategoryName | None = None,
    region: Annotated[RegionPrefixIn | None, Query(description="the product serves it")] = None,
    pricing: Pricing | None = None,
    provider: UUID | None = None,
    q: Annotated[str | None, Query(max_length=200, description="full text, zh/en")] = None,
    status: Literal["active", "retired", "all"] = "active",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[ServiceProductPublic]:
    """The service catalogue, newest first (anyone may read it)."""
    page = catalogue.list_products(
        category=category,
        region=region,
        pricing=pricing,
        provider=provider,
        q=q,
        status=status,
        limit=limit,
        cursor=cursor,
    )
    return ListOf[ServiceProductPublic](
        items=[_public(row) for row in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/{product_id}",
    dependencies=[fresh(ServiceProductsView, OrganizationsView, ServiceRequestsView)],
)
def read_service_product(
    product_id: UUID, caller: MaybeSignedIn, catalogue: ServiceQueriesDep
) -> ServiceProductPublic:
    """One service product (retired ones too; a removed one only for its provider and staff,
    with `removal_reason`)."""
    return _public(catalogue.product(caller or ANONYMOUS, product_id))
