"""Service requests (诉求 → 派单 → 签收 → 办结 → 回访), the commands: submit, dispatch, accept,
return, notes, resolve, feedback, withdraw. Reads are in `service_request_reads.py`."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from aggregates.service_request import ServiceRequest
from api.deps import (
    Enterprise,
    MarketplaceDep,
    Operator,
    OrganizationQueriesDep,
    Provider,
    SignedIn,
)
from api.schemas.documents import DocumentRef
from api.schemas.mapping import answer, party
from api.schemas.service_requests import (
    DispatchCreate,
    FeedbackCreate,
    NoteCreate,
    NoteWritten,
    ResolveCreate,
    ReturnCreate,
    ServiceRequestCreate,
    ServiceRequestWritten,
    StepBy,
    WithdrawCreate,
)
from marketplace.commands import Outcome

router = APIRouter(prefix="/service-requests", tags=["service requests"])


def _written(
    outcome: Outcome[ServiceRequest], names: OrganizationQueriesDep
) -> ServiceRequestWritten:
    request = outcome.aggregate
    provider = request.provider_id
    return answer(
        ServiceRequestWritten,
        request,
        enterprise=party(request.enterprise_id, names.name_of(request.enterprise_id)),
        provider=None if provider is None else party(provider, names.name_of(provider)),
        overdue=dict(request.overdue),
        version=outcome.version,
        position=outcome.position,
    )


@router.post("", status_code=201)
def create_service_request(
    body: ServiceRequestCreate,
    enterprise: Enterprise,
    app: MarketplaceDep,
    names: OrganizationQueriesDep,
) -> ServiceRequestWritten:
    """An enterprise asks for a service; with `product_id` the product's provider gets it."""
    outcome = app.submit_service_request(enterprise.id, **body.model_dump())
    return _written(outcome, names)


@router.post("/{request_id}/dispatch")
def dispatch_service_request(
    request_id: UUID,
    body: DispatchCreate,
    operator: Operator,
    app: MarketplaceDep,
    names: OrganizationQueriesDep,
) -> ServiceRequestWritten:
    """An operator dispatches (派单) or re-dispatches it to a provider of its category."""
    outcome = app.dispatch_service_request(request_id, operator.id, body.provider_id, body.note)
    return _written(outcome, names)


@router.post("/{request_id}/accept")
def accept_service_request(
    request_id: UUID, provider: Provider, app: MarketplaceDep, names: OrganizationQueriesDep
) -> ServiceRequestWritten:
    """The dispatched provider signs for it (签收)."""
    return _written(app.accept_service_request(request_id, provider.id), names)


@router.post("/{request_id}/return")
def return_service_request(
    request_id: UUID,
    body: ReturnCreate,
    provider: Provider,
    app: MarketplaceDep,
    names: OrganizationQueriesDep,
) -> ServiceRequestWritten:
    """The dispatched provider hands it back to the operator (退单), before resolving."""
    return _written(app.return_service_request(request_id, provider.id, body.reason), names)


@router.post("/{request_id}/notes", status_code=201)
def create_service_request_note(
    request_id: UUID, body: NoteCreate, caller: SignedIn, app: MarketplaceDep
) -> NoteWritten:
    """The enterprise, the provider or an operator adds a note, with up to ten of its
    documents."""
    assert caller.kind is not None
    outcome = app.add_service_request_note(
        request_id, caller.id, caller.kind, body.text, body.documents
    )
    request = outcome.aggregate
    added = {str(d) for d in body.documents}
    return NoteWritten(
        request_id=str(request_id),
        at=request.noted_at,
        by=StepBy(id=str(caller.id), name=caller.name, kind=caller.kind),
        text=body.text,
        documents=[
            DocumentRef.model_validate(d) for d in request.documents if d["document_id"] in added
        ],
        version=outcome.version,
        position=outcome.position,
    )


@router.post("/{request_id}/resolve")
def resolve_service_request(
    request_id: UUID,
    body: ResolveCreate,
    provider: Provider,
    app: MarketplaceDep,
    names: OrganizationQueriesDep,
) -> ServiceRequestWritten:
    """The provider that accepted it reports it resolved (办结)."""
    return _written(app.resolve_service_request(request_id, provider.id, body.summary), names)


@router.post("/{request_id}/feedback")
def give_service_feedback(
    request_id: UUID,
    body: FeedbackCreate,
    enterprise: Enterprise,
    app: MarketplaceDep,
    names: OrganizationQueriesDep,
) -> ServiceRequestWritten:
    """The enterprise's follow-up (回访): closed, or reopened when unresolved or rated ≤ 2."""
    outcome = app.give_service_feedback(
        request_id, enterprise.id, body.satisfaction, body.resolved, body.comment
    )
    return _written(outcome, names)


@router.post("/{request_id}/withdraw")
def withdraw_service_request(
    request_id: UUID,
    enterprise: Enterprise,
    app: MarketplaceDep,
    names: OrganizationQueriesDep,
    body: WithdrawCreate | None = None,
) -> ServiceRequestWritten:
    """The enterprise withdraws it before it is resolved."""
    reason = None if body is None else body.reason
    return _written(app.withdraw_service_request(request_id, enterprise.id, reason), names)
