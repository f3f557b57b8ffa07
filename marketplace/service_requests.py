"""Use cases of service requests (诉求): submit or order a product, dispatch (派单), accept (签收),
return (退单), notes, resolve (办结), feedback (回访), withdraw; the scheduler's overdue marks and
closing without feedback. Deadlines are computed here from the settings and stored in events."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from aggregates.errors import DomainError, ForbiddenError, InvalidValueError
from aggregates.organization import Organization, OrganizationKind
from aggregates.service_product import ServiceProduct
from aggregates.service_product_terms import ACTIVE
from aggregates.service_request import ServiceRequest
from marketplace.attachments import AttachmentGate, linked
from marketplace.commands import Outcome
from marketplace.organizations import ORGANIZATION, VerificationGate

SERVICE_REQUEST = ("service request", "服务诉求")
RESOLVE_HOURS = {"urgent": 24.0, "timely": 72.0, "general": 168.0, "complex": 360.0}


@dataclass(frozen=True)
class ServiceDeadlines:
    """The settings' hours and days (decimals allowed): `MARKET_SERVICE_*`."""

    accept_hours: float = 24.0
    resolve_hours: Mapping[str, float] = field(default_factory=lambda: dict(RESOLVE_HOURS))
    feedback_days: float = 7.0

    def resolve_by(self, urgency: str, start: datetime) -> datetime:
        return start + timedelta(hours=self.resolve_hours[urgency])


class ServiceRequestUseCases(VerificationGate, AttachmentGate):
    service_deadlines = ServiceDeadlines()

    def submit_service_request(
        self,
        enterprise_id: UUID,
        *,
        product_id: UUID | None,
        documents: list[UUID] | None = None,
        **terms: Any,
    ) -> Outcome[ServiceRequest]:
        """An enterprise asks for help; with `product_id` the product's provider gets it at once.
        `terms`: category (None: the product's), title, description, urgency, region (None:
        the enterprise's)."""
        self.require_verified_enterprise(enterprise_id)
        attached = self.own_documents(enterprise_id, documents)
        if terms.get("region") is None:
            terms["region"] = self.load(Organization, enterprise_id, ORGANIZATION).region
        product = self._orderable_product(product_id, terms.get("category"))
        if product is not None:
            terms["category"] = product.category
        elif terms.get("category") is None:
            raise InvalidValueError("choose a service category", "请选择服务类别", field="category")
        now = self.clock()
        request = ServiceRequest.submit(enterprise_id, now, product_id=product_id, **terms)
        if product is not None:
            accept_by = now + timedelta(hours=product.response_hours)
            request.dispatch(product.provider_id, accept_by, None, None, now)
        if attached:
            request.attach_documents(attached)
        position = self.record(request, side_effects=linked("service_request")(request))
        return Outcome(request, request.version, position)

    def _orderable_product(
        self, product_id: UUID | None, category: str | None
    ) -> ServiceProduct | None:
        if product_id is None:
            return None
        try:
            product = self.load(ServiceProduct, product_id, ("service product", "服务产品"))
        except DomainError:
            product = None
        if product is None or product.status != ACTIVE:
            raise _bad_product("no active service product with this id", "该服务产品不存在或已下架")
        if category is not None and category != product.category:
            raise _bad_product("the product is of another category", "该服务产品属于其他类别")
        if self._provider_refusal(product.provider_id, product.category) is not None:
            raise _bad_product("the product's provider takes no requests now", "该服务机构暂不接单")
        return product

    def _provider_refusal(self, provider_id: UUID, category: str) -> tuple[str, str] | None:
        """Why this organization cannot be given a request of `category`, or None."""
        try:
            provider = self.load(Organization, provider_id, ORGANIZATION)
        except DomainError:
            return ("no such provider", "没有该服务机构")
        if provider.kind != OrganizationKind.PROVIDER:
            return ("the organization is not a service provider", "该机构不是服务机构")
        if not provider.verified or provider.suspended:
            return ("the provider is not verified or is suspended", "该服务机构未认证或已被暂停")
        if not provider.offers(category):
            return ("the provider does not offer this category", "该服务机构不提供此类服务")
        return None

    def dispatch_service_request(
        self, request_id: UUID, operator_id: UUID, provider_id: UUID, note: str | None
    ) -> Outcome[ServiceRequest]:
        """An operator dispatches (or re-dispatches) to a verified provider of the category."""

        def dispatch(request: ServiceRequest) -> None:
            refusal = self._provider_refusal(provider_id, request.category)
            if refusal is not None:
                raise InvalidValueError(*refusal, field="provider_id")
            now = self.clock()
            request.dispatch(
                provider_id, self._accept_by(request, provider_id, now), note, operator_id, now
            )

        return self.change(ServiceRequest, request_id, SERVICE_REQUEST, dispatch)

    def _accept_by(self, request: ServiceRequest, provider_id: UUID, now: datetime) -> datetime:
        """The product's promised response time when it goes to the product's provider."""
        hours = self.service_deadlines.accept_hours
        if request.product_id is not None:
            product = self.load(ServiceProduct, request.product_id, ("service product", "服务产品"))
            if product.provider_id == provider_id:
                hours = product.response_hours
        return now + timedelta(hours=hours)

    def accept_service_request(
        self, request_id: UUID, provider_id: UUID
    ) -> Outcome[ServiceRequest]:
        """The dispatched provider signs for it (签收); the resolve deadline starts."""

        def accept(request: ServiceRequest) -> None:
            now = self.clock()
            request.accept(
                provider_id, self.service_deadlines.resolve_by(request.urgency, now), now
            )

        return self.change(ServiceRequest, request_id, SERVICE_REQUEST, accept)

    def return_service_request(
        self, request_id: UUID, provider_id: UUID, reason: str
    ) -> Outcome[ServiceRequest]:
        """The dispatched provider hands it back to the operator (退单)."""
        return self._act(request_id, lambda r, now: r.return_(provider_id, reason, now))

    def add_service_request_note(
        self,
        request_id: UUID,
        author_id: UUID,
        author_kind: str,
        text: str,
        documents: list[UUID] | None = None,
    ) -> Outcome[ServiceRequest]:
        """The enterprise, the current provider or an operator writes a note, with up to ten
        of its documents (each recorded with the note's version)."""
        attached = self.own_documents(author_id, documents)

        def authorize(request: ServiceRequest) -> None:
            if author_kind == OrganizationKind.ENTERPRISE:
                request.require_enterprise(author_id)
            elif author_kind == OrganizationKind.PROVIDER:
                request.require_provider(author_id)
            elif author_kind != OrganizationKind.OPERATOR:
                raise ForbiddenError(
                    "only the parties and operators write notes", "只有诉求双方和平台运营方可以留言"
                )

        def note(request: ServiceRequest, now: datetime) -> None:
            request.add_note(author_id, text, now)
            if attached:
                request.attach_documents(attached, note_version=request.version)

        if not attached:
            return self._act(request_id, note, authorize)
        return self.change(
            ServiceRequest,
            request_id,
            SERVICE_REQUEST,
            lambda request: note(request, self.clock()),
            None,
            authorize,
            linked("service_request"),
        )

    def resolve_service_request(
        self, request_id: UUID, provider_id: UUID, summary: str
    ) -> Outcome[ServiceRequest]:
        """The provider reports it done (办结)."""
        return self._act(request_id, lambda r, now: r.resolve(provider_id, summary, now))

    def give_service_feedback(
        self,
        request_id: UUID,
        enterprise_id: UUID,
        satisfaction: int,
        resolved: bool,
        comment: str | None,
    ) -> Outcome[ServiceRequest]:
        """The enterprise's follow-up (回访): closes it, or reopens it with a new deadline."""

        def feedback(request: ServiceRequest, now: datetime) -> None:
            resolve_by = self.service_deadlines.resolve_by(request.urgency, now)
            request.give_feedback(enterprise_id, satisfaction, resolved, comment, resolve_by, now)

        return self._act(request_id, feedback)

    def withdraw_service_request(
        self, request_id: UUID, enterprise_id: UUID, reason: str | None
    ) -> Outcome[ServiceRequest]:
        return self._act(request_id, lambda r, now: r.withdraw(enterprise_id, reason, now))

    def mark_service_request_overdue(
        self, request_id: UUID, deadline: str
    ) -> Outcome[ServiceRequest]:
        """The scheduler's mark when the accept or resolve deadline has passed."""
        return self._act(request_id, lambda r, now: r.mark_overdue(deadline, now))

    def close_service_request(self, request_id: UUID) -> Outcome[ServiceRequest]:
        """The scheduler closes a resolved request left without feedback for the feedback days."""

        def close(request: ServiceRequest, now: datetime) -> None:
            resolved_at = request.resolved_at or now  # not resolved: refused by the aggregate
            due = resolved_at + timedelta(days=self.service_deadlines.feedback_days)
            request.close_without_feedback(due, now)

        return self._act(request_id, close)

    def get_service_request(self, request_id: UUID) -> ServiceRequest:
        return self.load(ServiceRequest, request_id, SERVICE_REQUEST)

    def _act(
        self,
        request_id: UUID,
        command: Callable[[ServiceRequest, datetime], None],
        authorize: Callable[[ServiceRequest], None] | None = None,
    ) -> Outcome[ServiceRequest]:
        return self.change(
            ServiceRequest,
            request_id,
            SERVICE_REQUEST,
            lambda request: command(request, self.clock()),
            None,
            authorize,
        )


def _bad_product(en: str, zh: str) -> InvalidValueError:
    return InvalidValueError(en, zh, field="product_id")
