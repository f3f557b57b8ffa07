"""Service requests (诉求 → 派单 → 签收 → 办结 → 回访): seen only by their parties and staff."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from aggregates.service_request import ServiceRequest
from api.deps import (
    DocumentQueriesDep,
    Enterprise,
    MarketplaceDep,
    Operator,
    OrganizationQueriesDep,
    Provider,
    ServiceRequestQueriesDep,
    SignedIn,
    fresh,
)
from api.exports import EXPORTABLE, FormatQuery, every_page, export
from api.schemas.common import ListOf, RegionPrefixIn
from api.schemas.documents import DocumentRef
from api.schemas.mapping import answer, party
from api.schemas.service_requests import (
    DispatchCreate,
    FeedbackCreate,
    NoteCreate,
    NoteWritten,
    RequestStatusName,
    ResolveCreate,
    ReturnCreate,
    ServiceRequestCreate,
    ServiceRequestPublic,
    ServiceRequestRead,
    ServiceRequestWritten,
    Step,
    StepBy,
    Urgency,
    WithdrawCreate,
)
from api.schemas.services import ServiceCategoryName
from marketplace.commands import Outcome
from projections.organizations import OrganizationsView
from projections.rows import Row
from projections.service_requests import ServiceRequestsView

router = APIRouter(prefix="/service-requests", tags=["service requests"])
READS = fresh(ServiceRequestsView, OrganizationsView)


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


def _public(row: Row, model: type[Any] = ServiceRequestPublic, **given: Any) -> Any:
    provider = row["provider_id"]
    return answer(
        model,
        row,
        enterprise=party(row["enterprise_id"], row["enterprise_name"]),
        provider=None if provider is None else party(provider, row["provider_name"]),
        overdue={"accept": row["overdue_accept"], "resolve": row["overdue_resolve"]},
        **given,
    )


def _step(row: Row) -> Step:
    by = row["by_id"]
    who = None if by is None else StepBy(id=str(by), name=row["by_name"], kind=row["by_kind"])
    return Step(type=row["type"], at=row["at"], by=who, text=row["text"], details=row["details"])


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


@router.get(
    "", dependencies=[READS], response_model=ListOf[ServiceRequestPublic], responses=EXPORTABLE
)
def read_service_requests(
    caller: SignedIn,
    requests: ServiceRequestQueriesDep,
    documents: DocumentQueriesDep,
    status: RequestStatusName | None = None,
    category: ServiceCategoryName | None = None,
    provider: UUID | None = None,
    urgency: Urgency | None = None,
    overdue: bool | None = None,
    region: Annotated[RegionPrefixIn | None, Query(description="code or prefix")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    fmt: FormatQuery = None,
) -> ListOf[ServiceRequestPublic] | Response:
    """Newest first: an enterprise its own, a provider those dispatched to it now, staff all.
    *Exportable* (`format=csv|xlsx`: every page)."""

    def read(cursor: str | None, limit: int = limit) -> ListOf[ServiceRequestPublic]:
        page = requests.list_requests(
            caller,
            status=status,
            category=category,
            provider=provider,
            urgency=urgency,
            overdue=overdue,
            region=region,
            limit=limit,
            cursor=cursor,
        )
        rows = documents.with_documents(page.items)
        return ListOf[ServiceRequestPublic](
            items=[_public(row) for row in rows], next_cursor=page.next_cursor
        )

    if fmt is not None:
        items = every_page(read, cursor)
        return export(fmt, "service-requests", ServiceRequestPublic, items)
    return read(cursor)


@router.get("/{request_id}", dependencies=[READS])
def read_service_request(
    request_id: UUID,
    caller: SignedIn,
    requests: ServiceRequestQueriesDep,
    documents: DocumentQueriesDep,
) -> ServiceRequestRead:
    """One request with its timeline and documents, for its enterprise, its provider and
    staff."""
    row, steps = requests.request(caller, request_id)
    documents.with_documents([row])
    result: ServiceRequestRead = _public(
        row, ServiceRequestRead, timeline=[_step(s) for s in steps]
    )
    return result


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
