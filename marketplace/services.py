"""Use cases of the service hall (issue 18): providers' service products."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aggregates.errors import ForbiddenError, InvalidValueError
from aggregates.organization import Organization, OrganizationKind
from aggregates.service_product import ServiceProduct
from marketplace.commands import MarketplaceBase, Outcome
from marketplace.organizations import ORGANIZATION

SERVICE_PRODUCT = ("service product", "服务产品")


class ServiceUseCases(MarketplaceBase):
    def require_verified_provider(self, provider_id: UUID) -> Organization:
        """Only providers an operator has verified may act (403 otherwise)."""
        provider = self.load(Organization, provider_id, ORGANIZATION)
        if provider.kind != OrganizationKind.PROVIDER:
            raise ForbiddenError("only service providers may do this", "只有服务机构可以执行此操作")
        provider.require_verified()
        return provider

    def publish_service_product(self, provider_id: UUID, **terms: Any) -> Outcome[ServiceProduct]:
        """A verified provider publishes a product in one of its service categories."""
        provider = self.require_verified_provider(provider_id)
        _require_offered(provider, terms["category"])
        product = ServiceProduct.publish(provider_id, **terms)
        return Outcome(product, product.version, self.record(product))

    def revise_service_product(
        self, product_id: UUID, by: UUID, changes: dict[str, Any], if_match: int | None = None
    ) -> Outcome[ServiceProduct]:
        """Its provider changes some terms (a new category must be one of its own)."""
        provider = self.require_verified_provider(by)
        if "category" in changes:
            _require_offered(provider, changes["category"])
        return self.change(
            ServiceProduct,
            product_id,
            SERVICE_PRODUCT,
            lambda product: product.revise(changes),
            if_match,
            lambda product: product.require_provider(by),
        )

    def retire_service_product(self, product_id: UUID, by: UUID) -> Outcome[ServiceProduct]:
        """Its provider takes it out of the catalogue."""
        return self.change(
            ServiceProduct,
            product_id,
            SERVICE_PRODUCT,
            lambda product: product.retire(),
            None,
            lambda product: product.require_provider(by),
        )

    def remove_service_product(
        self, product_id: UUID, reason: str | None
    ) -> Outcome[ServiceProduct]:
        """An operator takes a product down (status `removed`), saying why."""
        return self.change(
            ServiceProduct, product_id, SERVICE_PRODUCT, lambda product: product.remove(reason)
        )

    def get_service_product(self, product_id: UUID) -> ServiceProduct:
        return self.load(ServiceProduct, product_id, SERVICE_PRODUCT)


def _require_offered(provider: Organization, category: str) -> None:
    if not provider.offers(category):
        raise InvalidValueError(
            "the category is not one of the provider's service categories",
            "该类别不在本机构的服务类别之内",
            field="category",
        )
