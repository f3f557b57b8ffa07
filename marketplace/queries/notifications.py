"""Reads of the workbench inbox: each organization sees its own notifications only, and marks
them read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from aggregates.errors import ForbiddenError, NotFoundError
from marketplace.queries.viewer import Viewer
from marketplace.stores.notification_reads import NotificationReads
from projections.notifications import NotificationsView
from projections.pages import Page


def _own(viewer: Viewer) -> UUID:
    assert viewer.id is not None  # routes ask for a signed-in caller
    return viewer.id


@dataclass(frozen=True)
class NotificationQueries:
    view: NotificationsView
    reads: NotificationReads
    clock: Callable[[], datetime]

    def list(self, viewer: Viewer, **filters: Any) -> Page:
        """The caller's notifications, newest first."""
        return self.view.list_notifications(_own(viewer), **filters)

    def summary(self, viewer: Viewer) -> dict[str, int]:
        return self.view.summary(_own(viewer))

    def mark_read(self, viewer: Viewer, notification_id: UUID) -> dict[str, Any]:
        """Its organization marks one read (again: no change); another's is `403`."""
        row = self.view.get_notification(notification_id)
        if row is None:
            raise NotFoundError("notification not found", "未找到该通知")
        if row["organization_id"] != _own(viewer):
            raise ForbiddenError(
                "only its organization may mark a notification read", "只有通知的接收方可以标记已读"
            )
        if row["read_at"] is None:
            self.reads.mark(row["organization_id"], notification_id, self.clock())
            row = self.view.get_notification(notification_id) or row
        return row

    def mark_all_read(self, viewer: Viewer, before_position: int) -> int:
        """Mark the caller's notifications at or before the position read; how many were not."""
        return self.reads.mark_all(_own(viewer), before_position, self.clock())
