"""`notification` messages: a signed-in socket receives its organization's new notifications.

The notifications view announces each position it has folded (`NOTIFY market_projected,
'notifications:<position>'`, or a list of views that includes it); this thread, one per API
process, LISTENs for that, reads the notifications created since the last announcement for
the organizations with sockets open in this process, and sends each as `{"type":
"notification", "position", "notification"}` (the notification as `GET /notifications`
answers it) to every socket of its organization.
Like a match, it carries its event's position but is not part of the resumable event
sequence: a client that was away reads `GET /notifications`.
"""

from __future__ import annotations

import json
from typing import Any

import psycopg

from marketplace.stream.hub import StreamHub
from marketplace.workers import Worker
from projections.batches import projected_views
from projections.engine import PROJECTED_CHANNEL
from projections.notification_queries import notification_document
from projections.notifications import NotificationsView


def message(row: dict[str, Any]) -> str:
    """The `notification` message of a notification row."""
    return json.dumps(
        {
            "type": "notification",
            "position": row["position"],
            "notification": notification_document(row),
        },
        ensure_ascii=False,
    )


class NotificationFeed(Worker):
    def __init__(self, url: str, view: NotificationsView, hub: StreamHub) -> None:
        super().__init__("stream-notifications", backoff=0.5)
        self.url, self.view, self.hub = url, view, hub
        self.position: int | None = None  # the view's, when this feed started listening

    def session(self) -> None:
        """Listen on one connection until it is lost."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"LISTEN {PROJECTED_CHANNEL}")
            if self.position is None:  # after a reconnection: go on where it was
                row = conn.execute(
                    "SELECT position FROM projection_positions WHERE view = %s",
                    (self.view.name,),
                ).fetchone()
                self.position = int(row[0]) if row else 0
            self.ready.set()
            while not self.stopping.is_set():
                for notify in conn.notifies(timeout=0.5):
                    views, position = projected_views(notify.payload)
                    if self.view.name in views:
                        self._deliver(position)
                self.succeeded()

    def _deliver(self, until: int) -> None:
        after = self.position or 0
        if until <= after:
            return
        organizations = self.hub.signed_in_ids()
        rows = self.view.new_for(after, until, organizations) if organizations else []
        for row in rows:
            self.hub.send_to(row["organization_id"], row["position"], message(row))
        self.position = until
