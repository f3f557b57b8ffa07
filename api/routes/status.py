"""Operational status of the projections."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from api.deps import ProjectionStatusDep, role

router = APIRouter(prefix="/status", tags=["status"])


class FailedEvent(BaseModel):
    """An event the view could not apply: recorded, skipped, replayed by `market rebuild`."""

    position: int
    topic: str
    error: str
    failed_at: datetime


class ViewStatus(BaseModel):
    name: str
    version: int
    position: int
    lag_events: int
    lag_seconds: float
    updated_at: datetime | None
    failed_count: int
    failed_events: list[FailedEvent]


class Status(BaseModel):
    head: int
    checked_at: datetime
    views: list[ViewStatus]


@router.get("", dependencies=[Depends(role("operator", "auditor"))])
def read_status(status: ProjectionStatusDep) -> Status:
    """Per view: position, lag, events it could not apply (operators, auditors)."""
    return Status.model_validate(status)
