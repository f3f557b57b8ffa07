"""Reads of service requests (诉求): only the parties and staff see a request, on every route."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aggregates.errors import ForbiddenError, NotFoundError
from marketplace.queries.viewer import Viewer
from projections.pages import Page
from projections.rows import Row
from projections.service_requests import ServiceRequestsView


@dataclass(frozen=True)
class ServiceRequestQueries:
    requests: ServiceRequestsView

    def list_requests(self, viewer: Viewer, **filters: Any) -> Page:
        """An enterprise its own, a provider those dispatched to it now, staff all."""
        if viewer.kind == "enterprise":
            return self.requests.list_requests(enterprise=viewer.id, **filters)
        if viewer.kind == "provider":
            return self.requests.list_requests(assigned=viewer.id, **filters)
        if viewer.is_staff:
            return self.requests.list_requests(**filters)
        raise ForbiddenError(
            "only enterprises, providers and staff read service requests",
            "只有企业、服务机构和平台人员可以查看服务诉求",
        )

    def request(self, viewer: Viewer, request_id: UUID) -> tuple[Row, list[Row]]:
        """The request and its timeline, for its enterprise, its provider now, and staff."""
        row = self.requests.get_request(request_id)
        if row is None:
            raise NotFoundError("service request not found", "未找到该服务诉求")
        if not viewer.sees_as_party((row["enterprise_id"], row["provider_id"])):
            raise ForbiddenError(
                "only the parties and staff may read this request", "只有诉求双方和平台人员可以查看"
            )
        return row, self.requests.timeline(request_id)
