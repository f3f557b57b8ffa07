"""Documents: upload (multipart), and download by those who may read what they are attached to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from aggregates.errors import NotFoundError
from api.deps import DocumentQueriesDep, DocumentsDep, MaybeSignedIn, SignedIn, fresh
from api.schemas.documents import DocumentPublic
from api.schemas.mapping import answer
from marketplace.documents.names import content_disposition
from marketplace.queries.viewer import ANONYMOUS
from projections.contracts import ContractsView
from projections.financing import FinancingBoardView
from projections.listings import ListingsView
from projections.organizations import OrganizationsView
from projections.service_requests import ServiceRequestsView

router = APIRouter(prefix="/documents", tags=["documents"])

DocumentKind = Annotated[
    str | None,
    Form(description="business_licence, product, financial_statement, invoice or other"),
]


@router.post("", status_code=201)
async def upload_document(
    caller: SignedIn,
    documents: DocumentsDep,
    file: Annotated[UploadFile, File(description="PDF, PNG, JPEG, WebP, XLSX or DOCX")],
    kind: DocumentKind = None,
) -> DocumentPublic:
    """Upload a document (up to `MARKET_DOCUMENT_MAX_BYTES`, 20 MiB by default; its type is
    judged by its content); attach it within a day, or it is deleted."""
    try:
        record = await run_in_threadpool(
            documents.upload, caller.id, file.file, file.filename, kind
        )
    finally:
        await file.close()
    return answer(DocumentPublic, record)


@router.get(
    "/{document_id}",
    dependencies=[
        fresh(
            ListingsView,
            FinancingBoardView,
            ServiceRequestsView,
            ContractsView,
            OrganizationsView,
        )
    ],
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_document(
    document_id: UUID,
    caller: MaybeSignedIn,
    queries: DocumentQueriesDep,
    documents: DocumentsDep,
) -> StreamingResponse:
    """The document's bytes, for its uploader and whoever may read what it is attached to
    (an organization's own documents: that organization and staff); others 404."""
    record = queries.readable(caller or ANONYMOUS, document_id)
    chunks = documents.chunks(record["sha256"])
    try:
        first = next(chunks, b"")
    except FileNotFoundError:
        raise NotFoundError("the document's content is missing", "该文件内容已丢失") from None
    return StreamingResponse(
        _bytes(first, chunks),
        media_type=record["media_type"],
        headers={
            "Content-Disposition": content_disposition(record["filename"]),
            "Content-Length": str(record["size"]),
            "X-Content-Type-Options": "nosniff",
        },
    )


def _bytes(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
