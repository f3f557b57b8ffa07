"""Notifications view: one inbox per organization, derived from the log (API.md, "Workbench").

Each kind comes from the event that should produce it (`notify_trade.py`, `notify_services.py`,
`notify_community.py`, `notify_subscriptions.py`); an action item is marked done by the later
event that answers it. Ids follow from (position, organization, kind), so a rebuild gives the
same ids, and read marks (`notification_reads`, a store beside the view) survive it. The live
runner queues webhook deliveries of new notifications in the same transaction (`committing`);
a rebuild queues none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.sql import SQL

from aggregates.posting import Posting
from projections.engine import View
from projections.inbox import Inbox
from projections.notification_queries import (
    NOTIFICATION_SUBJECTS,
    NOTIFICATIONS,
    NotificationsQueries,
)
from projections.notify_community import COMMUNITY
from projections.notify_services import SERVICES
from projections.notify_subscriptions import (
    MATCH_PUBLISHED,
    NOTIFICATION_SEARCHES,
    SUBSCRIPTIONS,
)
from projections.notify_trade import TRADE
from projections.rows import Rows
from projections.webhook_outbox import queue_deliveries

HANDLERS: dict[type, Callable[[Inbox, Any], None]] = {
    **TRADE,
    **SERVICES,
    **COMMUNITY,
    **SUBSCRIPTIONS,
}


def _published(inbox: Inbox, event: Posting.Published) -> None:
    TRADE[Posting.Published](inbox, event)
    MATCH_PUBLISHED(inbox, event)


HANDLERS[Posting.Published] = _published


class NotificationsView(NotificationsQueries, View):
    name = "notifications"
    version = 2  # 2: saved searches (`notify_subscriptions.py`)
    tables = (NOTIFICATIONS, NOTIFICATION_SUBJECTS, NOTIFICATION_SEARCHES)
    event_classes = tuple(HANDLERS)
    schema = (
        NOTIFICATIONS.create,
        NOTIFICATION_SUBJECTS.create,
        NOTIFICATION_SEARCHES.create,
        SQL(
            "CREATE INDEX IF NOT EXISTS notification_searches_key_idx"
            " ON notification_searches (match_key)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS notifications_inbox_idx"
            " ON notifications (organization_id, seq DESC)"
        ),
        SQL(
            "CREATE INDEX IF NOT EXISTS notifications_action_idx"
            " ON notifications (action_key) WHERE action_key IS NOT NULL"
        ),
        SQL("CREATE INDEX IF NOT EXISTS notifications_subject_idx ON notifications (subject_id)"),
        SQL(
            "CREATE INDEX IF NOT EXISTS notification_subjects_type_idx"
            " ON notification_subjects (type)"
        ),
    )

    def fold(self, event: Any, rows: Rows, position: int) -> None:
        HANDLERS[type(event)](Inbox(rows, position, event), event)

    def committing(self, cur: psycopg.Cursor[Any], after: int, last: int) -> None:
        """The webhook outbox: a delivery of each new notification, in the same transaction
        (`projections.webhook_outbox`)."""
        queue_deliveries(cur, after, last)
