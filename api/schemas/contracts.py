"""Contracts and their online signing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)

from api.schemas.common import DecimalOut, ReauthPassword, Strict
from api.schemas.documents import DocumentRef

Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ContractSign(Strict):
    digest: Digest
    password: ReauthPassword | None = None


class ContractCancel(Strict):
    reason: Reason


class ContractParty(BaseModel):
    organization_id: str
    role: str
    signed_at: datetime | None
    actor: str | None = Field(
        default=None,
        description="the member who signed for the party (its `actor` in the audit log); "
        "only on a party's signature made by a signed-in member",
    )

    # No return annotation on purpose: with one, pydantic would publish the return type's
    # schema (a bare object) in OpenAPI instead of this model's fields.
    @model_serializer(mode="wrap")
    def _without_absent_actor(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        """A party not signed (or signed by no member) keeps the contract's original shape."""
        data: dict[str, Any] = handler(self)
        if data.get("actor") is None:
            data.pop("actor", None)
        return data


class ContractPublic(BaseModel):
    id: str
    kind: str
    status: str
    parties: list[ContractParty]
    terms: dict[str, Any]
    amount: DecimalOut
    currency: str
    digest: str
    source: dict[str, str]
    exhibition_id: str | None
    drafted_at: datetime
    version: int
    documents: list[DocumentRef] = Field(
        default_factory=list, description="attached documents; terms.documents holds their hashes"
    )


class ContractWritten(ContractPublic):
    position: int | None
