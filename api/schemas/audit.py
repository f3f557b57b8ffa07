"""The audit log as auditors read it: events with their leaves, signed heads, Merkle proofs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditSchema(BaseModel):
    """Built from the dataclasses of `marketplace.audit.results`."""

    model_config = ConfigDict(from_attributes=True)


class AuditEventPublic(AuditSchema):
    position: int = Field(description="global position (the event's notification id)")
    leaf_index: int | None = Field(description="its Merkle leaf; null if it has none (altered)")
    stream_id: str
    stream_version: int
    type: str = Field(description="the stored event's topic")
    recorded_at: str | None = Field(description="when its leaf was written (leaf record)")
    data: dict[str, Any] | None = Field(description="the decoded event; null if it won't decode")
    payload_sha256: str = Field(description="hex SHA-256 of the state bytes as stored now")
    leaf_hash: str | None = Field(description="hex leaf hash as stored in the audit log")
    payload_b64: str = Field(
        description="the stored state bytes, base64: what payload_sha256 is the hash of"
    )


class AuditEventPage(AuditSchema):
    items: list[AuditEventPublic]
    next_after: int | None = Field(description="pass as `after` for the next page; null at end")


class StreamHistoryPublic(AuditSchema):
    stream_id: str
    items: list[AuditEventPublic]
    state: dict[str, Any] | None = Field(
        description="the aggregate as it was at `version` or `at`; null unless one is given"
    )


class CheckpointPublic(AuditSchema):
    origin: str
    tree_size: int
    root_hash: str = Field(description="hex root hash of the first tree_size leaves")
    signed_at: datetime
    signature: str = Field(description="base64(key id ‖ Ed25519 signature) from the note")
    public_key: str = Field(description="the log's verifier key <name>+<key id>+<key>")
    note: str = Field(description="the complete C2SP signed-note checkpoint")


class InclusionProofPublic(AuditSchema):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]


class ConsistencyProofPublic(AuditSchema):
    first: int
    second: int
    proof: list[str]
