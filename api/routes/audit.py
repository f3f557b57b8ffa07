"""The audit log, for operators and auditors: events, histories, signed heads and proofs."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import AuditLogDep, StaffOnly, fresh
from api.schemas.audit import (
    AuditEventPage,
    CheckpointPublic,
    ConsistencyProofPublic,
    InclusionProofPublic,
    StreamHistoryPublic,
)
from api.schemas.common import TimeIn

# Operators and auditors only (anonymous 401, other roles 403), before any read-your-writes wait.
router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[StaffOnly, fresh()])


@router.get("/events")
def read_audit_events(
    audit: AuditLogDep,
    after: Annotated[int, Query(ge=0, description="position to start after")] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditEventPage:
    """The global event log in order, each event with its Merkle leaf."""
    return AuditEventPage.model_validate(audit.list_events(after, limit))


@router.get("/streams/{stream_id}")
def read_audit_stream(
    stream_id: UUID,
    audit: AuditLogDep,
    version: Annotated[int | None, Query(ge=1, description="add the state at this version")] = None,
    at: Annotated[TimeIn | None, Query(description="add the state at this time")] = None,
) -> StreamHistoryPublic:
    """Every event of one aggregate; with `version` or `at`, also its state as it was then."""
    return StreamHistoryPublic.model_validate(audit.stream_history(stream_id, version, at))


@router.get("/checkpoint")
def read_audit_checkpoint(audit: AuditLogDep) -> CheckpointPublic:
    """The latest Ed25519-signed tree head (C2SP checkpoint) over all events."""
    return CheckpointPublic.model_validate(audit.signed_head())


@router.get("/proofs/inclusion")
def read_inclusion_proof(
    audit: AuditLogDep,
    leaf_index: Annotated[int, Query(ge=0)],
    tree_size: Annotated[int, Query(ge=1)],
) -> InclusionProofPublic:
    """RFC 6962 audit path of one leaf in the tree of the first `tree_size` leaves."""
    return InclusionProofPublic.model_validate(audit.inclusion(leaf_index, tree_size))


@router.get("/proofs/consistency")
def read_consistency_proof(
    audit: AuditLogDep,
    first: Annotated[int, Query(ge=1)],
    second: Annotated[int, Query(ge=1)],
) -> ConsistencyProofPublic:
    """RFC 6962 proof that the tree of `second` leaves extends the tree of `first` leaves."""
    return ConsistencyProofPublic.model_validate(audit.consistency(first, second))
