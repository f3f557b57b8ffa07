"""Documents: the upload's answer, references to attached documents, and ids to attach."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AliasChoices, BaseModel, Field

from api.schemas.common import Strict

MAX_ATTACHED = 10

DocumentIds = Annotated[
    list[UUID],
    Field(max_length=MAX_ATTACHED, description="ids from POST /documents (at most 10)"),
]


class DocumentPublic(BaseModel):
    """An uploaded document."""

    id: str
    sha256: str
    size: int
    media_type: str
    filename: str
    kind: str
    uploaded_at: datetime


class DocumentRef(BaseModel):
    """A document attached to what is read (download it with GET /documents/{id})."""

    id: str = Field(validation_alias=AliasChoices("id", "document_id"))
    sha256: str
    filename: str
    size: int
    media_type: str
    kind: str = "other"


class DocumentAttach(Strict):
    document_id: UUID


class AttachedWritten(BaseModel):
    """What a subject's documents are after an attachment."""

    id: str
    documents: list[DocumentRef]
    version: int
    position: int | None
