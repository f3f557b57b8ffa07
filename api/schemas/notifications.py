"""The workbench inbox: notifications, their summary, and marking them read."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.common import Strict


class Subject(BaseModel):
    type: str = Field(description="posting, contract, financing_need, …")
    id: str


class Title(BaseModel):
    zh: str
    en: str


class NotificationPublic(BaseModel):
    id: str = Field(description="derived from (position, organization, kind): a rebuild keeps it")
    kind: str
    position: int
    created_at: datetime
    read_at: datetime | None
    action_required: bool
    done_at: datetime | None
    due_at: datetime | None
    subject: Subject
    title: Title


class NotificationSummary(BaseModel):
    unread: int
    action_required: int = Field(description="action items not done yet")


class ReadAll(Strict):
    before_position: int = Field(ge=0, description="those at or before this position")


class Marked(BaseModel):
    marked: int
