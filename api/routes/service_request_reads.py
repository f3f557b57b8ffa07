"""Service requests, read: seen only by their parties and staff (the list is *exportable*).
The commands that move a request along are in `service_requests.py`."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.deps import DocumentQueriesDep, ServiceRequestQueriesDep, SignedIn, fresh
from api.exports import EXPORTABLE, FormatQuery, every_page, export
from api.schemas.common import ListOf, RegionPrefixIn
from api.schemas.mapping import answer, party
from api.schemas.service_requests import (
    RequestStatusName,
    ServiceRequestPublic,
    ServiceRequestRead,
    Step,
    StepBy,
    Urgency,
)
from api.schemas.services import ServiceCategoryName
from projections.organizations import OrganizationsView
from projections.rows import Row
from projections.service_requests import ServiceRequestsView

router = APIRouter(prefix="/service-requests", tags=["service requests"])
READS = fresh(ServiceRequestsView, OrganizationsView)


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
