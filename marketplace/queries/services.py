"""Reads of the service hall: the catalogue of service products (public)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aggregates.errors import NotFoundError
from marketplace.queries.viewer import Viewer
from projections.pages import Page
from projections.rows import Row
from projections.service_products import ServiceProductsView


@dataclass(frozen=True)
class ServiceQueries:
    products: ServiceProductsView

    def list_products(self, **filters: Any) -> Page:
        """Anyone reads the catalogue: active products by default, newest first."""
        return self.products.list_products(**filters)

    def product(self, viewer: Viewer, product_id: UUID) -> Row:
        """One product; a removed one only for its provider and staff (404 for others)."""
        row = self.products.get_product(product_id)
        if row is None or (
            row["status"] == "removed" and not viewer.sees_as_party({row["provider_id"]})
        ):
            raise NotFoundError("service product not found", "未找到该服务产品")
        return row
