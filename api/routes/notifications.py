"""The workbench inbox (待办/消息): each organization's own notifications, derived from the log."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from aggregates.errors import InvalidValueError
from api.deps import NotificationQueriesDep, SignedIn, SignedInEvenSuspended, fresh
from api.schemas.common import ListOf
from api.schemas.mapping import answer
from api.schemas.notifications import (
    Marked,
    NotificationPublic,
    NotificationSummary,
    ReadAll,
    Subject,
    Title,
)
from projections.inbox import KINDS
from projections.notifications import NotificationsView
from projections.rows import Row

router = APIRouter(prefix="/notifications", tags=["workbench"])
Fresh = [fresh(NotificationsView)]


def _public(row: Row) -> NotificationPublic:
    return answer(
        NotificationPublic,
        row,
        subject=Subject(type=row["subject_type"], id=str(row["subject_id"])),
        title=Title(zh=row["title_zh"], en=row["title_en"]),
    )


@router.get("", dependencies=Fresh)
def read_notifications(
    caller: SignedIn,
    inbox: NotificationQueriesDep,
    unread: bool | None = None,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    action_required: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[NotificationPublic]:
    """The caller's notifications, newest first."""
    if kind is not None and kind not in KINDS:
        raise InvalidValueError(
            f"kind must be one of: {', '.join(KINDS)}", "通知类型不在可选范围内", field="kind"
        )
    page = inbox.list(
        caller,
        unread=unread,
        kind=kind,
        action_required=action_required,
        limit=limit,
        cursor=cursor,
    )
    return ListOf(items=[_public(row) for row in page.items], next_cursor=page.next_cursor)


@router.get("/summary", dependencies=Fresh)
def read_notification_summary(
    caller: SignedIn, inbox: NotificationQueriesDep
) -> NotificationSummary:
    """How many of the caller's notifications are unread, and its action items not done yet."""
    return NotificationSummary(**inbox.summary(caller))


@router.post("/read-all", dependencies=Fresh)
def mark_all_notifications_read(
    body: ReadAll, caller: SignedInEvenSuspended, inbox: NotificationQueriesDep
) -> Marked:
    """Mark the caller's notifications at or before `before_position` read (a read mark is
    reading, not a market write: a suspended organization may make it)."""
    return Marked(marked=inbox.mark_all_read(caller, body.before_position))


@router.post("/{notification_id}/read", dependencies=Fresh)
def mark_notification_read(
    notification_id: UUID, caller: SignedInEvenSuspended, inbox: NotificationQueriesDep
) -> NotificationPublic:
    """Its organization marks a notification read (suspended or not)."""
    return _public(inbox.mark_read(caller, notification_id))
