"""What the audit queries return: log items with their leaves, pages of them, an aggregate's
history, the signed tree head, and Merkle proofs (hashes as lowercase hex)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditEvent:
    position: int
    leaf_index: int | None  # None: the event has no leaf (the log was altered)
    stream_id: str
    stream_version: int
    type: str
    recorded_at: str | None
    data: dict[str, Any] | None  # None: the stored state no longer decodes
    payload_sha256: str
    leaf_hash: str | None
    payload_b64: str  # the stored bytes themselves, so a client can hash them again


@dataclass(frozen=True)
class EventPage:
    items: list[AuditEvent]
    next_after: int | None


@dataclass(frozen=True)
class StreamHistory:
    stream_id: str
    items: list[AuditEvent]
    state: dict[str, Any] | None


@dataclass(frozen=True)
class SignedHead:
    origin: str
    tree_size: int
    root_hash: str
    signed_at: datetime
    signature: str
    public_key: str
    note: str


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]


@dataclass(frozen=True)
class ConsistencyProof:
    first: int
    second: int
    proof: list[str]
