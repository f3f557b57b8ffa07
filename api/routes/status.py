"""Operational status of the projections."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from api.deps import ServicesDep, role
from marketplace.status import projection_status

router = APIRouter(prefix="/status", tags=["status"])


class ViewStatus(BaseModel):
    name: str
    version: int
    position: int
    lag_events: int
    lag_seconds: float
    updated_at: datetime | None


class Status(BaseModel):
    head: int
    checked_at: datetime
    views: list[ViewStatus]


@router.get("", dependencies=[Depends(role("operator", "auditor"))])
def read_status(services: ServicesDep) -> Status:
    """Per view: position, the log's head, lag in events and seconds (operators, auditors)."""
    return Status.model_validate(projection_status(services))
