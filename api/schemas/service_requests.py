"""Service requests (诉求): what enterprises, operators and providers send, and the request."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from api.schemas.common import Party, RegionIn, Strict
from api.schemas.documents import DocumentIds, DocumentRef
from api.schemas.services import ServiceCategoryName

Urgency = Literal["urgent", "timely", "general", "complex"]
RequestStatusName = Literal[
    "submitted", "dispatched", "accepted", "resolved", "reopened", "closed", "withdrawn"
]


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Details = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class ServiceRequestCreate(Strict):
    category: ServiceCategoryName | None = Field(
        default=None, description="required unless product_id is given (then the product's)"
    )
    title: Title
    description: Details
    urgency: Urgency
    region: RegionIn | None = Field(default=None, description="default: the enterprise's")
    product_id: UUID | None = Field(
        default=None, description="an active service product: its provider gets it at once"
    )
    documents: DocumentIds = Field(default_factory=list)


class DispatchCreate(Strict):
    provider_id: UUID = Field(description="a verified provider offering the request's category")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class ReturnCreate(Strict):
    reason: Reason


class NoteCreate(Strict):
    text: LongText
    documents: DocumentIds = Field(default_factory=list)


class ResolveCreate(Strict):
    summary: LongText


class FeedbackCreate(Strict):
    satisfaction: int = Field(ge=1, le=5, description="1 (very dissatisfied) to 5")
    resolved: bool
    comment: Comment | None = None


class WithdrawCreate(Strict):
    reason: Reason | None = None


class Overdue(BaseModel):
    accept: bool
    resolve: bool


class StepBy(BaseModel):
    id: str
    name: str | None
    kind: str | None


class Step(BaseModel):
    type: str
    at: datetime
    by: StepBy | None = Field(description="null: the platform (deadline marks, auto-closing)")
    text: str | None
    details: dict[str, Any] = Field(default_factory=dict)


class ServiceRequestPublic(BaseModel):
    id: str
    enterprise: Party
    category: str
    title: str
    description: str
    urgency: str
    region: str
    product_id: str | None
    provider: Party | None
    status: str
    submitted_at: datetime
    dispatched_at: datetime | None
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    accept_by: datetime | None
    resolve_by: datetime | None
    overdue: Overdue
    satisfaction: int | None
    version: int
    documents: list[DocumentRef] = Field(
        default_factory=list, description="the request's and its notes' documents"
    )


class ServiceRequestRead(ServiceRequestPublic):
    timeline: list[Step]


class ServiceRequestWritten(ServiceRequestPublic):
    position: int | None


class NoteWritten(BaseModel):
    request_id: str
    type: Literal["note"] = "note"
    at: datetime
    by: StepBy
    text: str
    documents: list[DocumentRef] = Field(default_factory=list)
    version: int
    position: int | None
