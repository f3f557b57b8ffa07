"""Service products (服务产品): what a verified provider offers in one of its categories."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.bank_product import check_regions
from aggregates.errors import ConflictError, ForbiddenError, require_change
from aggregates.service_product_terms import ACTIVE, REMOVED, RETIRED, check_terms
from aggregates.text import moderation_reason

REVISABLE = (
    "name",
    "category",
    "description",
    "pricing",
    "price",
    "unit",
    "regions",
    "response_hours",
)


class ServiceProduct(Aggregate):
    """A product of a provider's catalogue: published, revised, retired."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Published(Aggregate.Created):
        provider_id: UUID
        name: str
        category: str
        description: str
        pricing: str
        price: Decimal | None
        unit: str
        regions: list[str]
        response_hours: int

    class Revised(Aggregate.Event):
        changes: dict[str, Any]

    class Retired(Aggregate.Event):
        pass

    class Removed(Aggregate.Event):
        reason: str

    @event(Published)
    def __init__(
        self,
        provider_id: UUID,
        name: str,
        category: str,
        description: str,
        pricing: str,
        price: Decimal | None,
        unit: str,
        regions: list[str],
        response_hours: int,
    ) -> None:
        self.provider_id = provider_id
        self.name = name
        self.category = category
        self.description = description
        self.pricing = pricing
        self.price = price
        self.unit = unit
        self.regions = list(regions)
        self.response_hours = response_hours
        self.status = ACTIVE
        self.removal_reason: str | None = None

    @classmethod
    def publish(cls, provider_id: UUID, **terms: Any) -> ServiceProduct:
        check_terms(terms)
        check_regions(terms["regions"])
        return cls(provider_id=provider_id, **terms)

    @property
    def terms(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in REVISABLE}

    def require_provider(self, provider_id: UUID) -> None:
        if provider_id != self.provider_id:
            raise ForbiddenError(
                "only the product's provider may change it", "只有该服务产品的服务机构可以修改"
            )

    def revise(self, changes: dict[str, Any]) -> None:
        """Change some terms of an active product; the whole result is checked."""
        self._require_active()
        merged = {**self.terms, **changes}
        check_terms(merged)
        check_regions(merged["regions"])
        actual = {k: v for k, v in changes.items() if getattr(self, k) != v}
        require_change({}, actual)
        self._revised(actual)

    @event(Revised)
    def _revised(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            setattr(self, name, list(value) if name == "regions" else value)

    def retire(self) -> None:
        self._require_active()
        self._retired()

    @event(Retired)
    def _retired(self) -> None:
        self.status = RETIRED

    def remove(self, reason: str | None) -> None:
        """An operator takes the product down (active or retired); its provider sees why."""
        text = moderation_reason(reason, "a removal", "下架")
        if self.status == REMOVED:
            raise ConflictError("service product is already removed", "该服务产品已被平台下架")
        self._removed(text)

    @event(Removed)
    def _removed(self, reason: str) -> None:
        self.status = REMOVED
        self.removal_reason = reason

    def _require_active(self) -> None:
        if self.status == REMOVED:
            raise ConflictError(
                "service product was removed by the platform", "该服务产品已被平台下架"
            )
        if self.status != ACTIVE:
            raise ConflictError("service product is retired", "该服务产品已下架")
