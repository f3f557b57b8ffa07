"""Policy items (政策信息): publishing, revising, and the public and "for me" answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from api.schemas.common import CategoryIn, DateIn, Party, RegionPrefixIn, Strict, refusal

Topic = Literal[
    "fiscal_tax",
    "finance",
    "social_security",
    "employment",
    "innovation",
    "digitalization",
    "market",
    "other",
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
Issuer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
DocumentNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
REQUIRED = ("title", "body", "issuer", "topics", "regions", "industries")


class PolicyCreate(Strict):
    title: Title
    body: Body = Field(description="plain text")
    issuer: Issuer = Field(description="e.g. 工业和信息化部办公厅")
    document_number: DocumentNumber | None = Field(None, examples=["工信厅企业函〔2020〕72号"])
    topics: list[Topic] = Field(min_length=1, max_length=8)
    regions: list[RegionPrefixIn] = Field(
        default_factory=list, max_length=100, description="codes or prefixes; empty: everywhere"
    )
    industries: list[CategoryIn] = Field(
        default_factory=list, max_length=100, description="GB/T 4754 divisions; empty: all"
    )
    effective_from: DateIn | None = None
    effective_until: DateIn | None = None
    url: Url | None = Field(None, description="http(s) link to the official text")


class PolicyRevise(Strict):
    """The fields to change; those left out keep their values."""

    title: Title | None = None
    body: Body | None = None
    issuer: Issuer | None = None
    document_number: DocumentNumber | None = None
    topics: list[Topic] | None = Field(None, min_length=1, max_length=8)
    regions: list[RegionPrefixIn] | None = Field(None, max_length=100)
    industries: list[CategoryIn] | None = Field(None, max_length=100)
    effective_from: DateIn | None = None
    effective_until: DateIn | None = None
    url: Url | None = None

    @field_validator(*REQUIRED)
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:  # sent as null: these fields can change, never be cleared
            raise refusal("required", "may not be null", "不能为空")
        return value

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class PolicyPublic(BaseModel):
    id: str
    title: str
    body: str
    issuer: str
    document_number: str | None
    topics: list[str]
    regions: list[str]
    industries: list[str]
    effective_from: date | None
    effective_until: date | None
    url: str | None
    status: str = Field(description="published or withdrawn")
    publisher: Party
    published_at: datetime
    version: int


class PolicyWritten(PolicyPublic):
    position: int | None


class PolicyForMe(PolicyPublic):
    read: bool = Field(description="true once this enterprise has read GET /policies/{id}")


class PolicyTargets(BaseModel):
    enterprises: int = Field(description="registered enterprises the targeting concerns")
