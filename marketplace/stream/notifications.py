"""`notification` messages: a signed-in socket receives its organization's new notifications.

The notifications view announces each position it has folded (`NOTIFY market_projected,
'notifications:<position>'`); this thread, one per API process, LISTENs for that, reads the
notifications created since the last announcement for the organizations with sockets open
in this process, and sends each as `{"type": "notification", "position", "notification"}`
(the notification as `GET /notifications` answers it) to every socket of its organization.
Like a match, it carries its event's position but is not part of the resumable event
sequence: a client that was away reads `GET /notifications`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import psycopg

from marketplace.stream.hub import StreamHub
from marketplace.workers import Worker
from projections.engine import PROJECTED_CHANNEL
from projections.notifications import NotificationsView


def _time(value: datetime | None) -> str | None:
    """As the API writes times (pydantic): UTC with a `Z`."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def message(row: dict[str, Any]) -> str:
    """The `notification` message of a notification row."""
    notification = {
        "id": str(row["id"]),
        "kind": row["kind"],
        "position": row["position"],
        "created_at": _time(row["created_at"]),
        "read_at": _time(row["read_at"]),
        "action_required": row["action_required"],
        "done_at": _time(row["done_at"]),
        "due_at": _time(row["due_at"]),
        "subject": {"type": row["subject_type"], "id": str(row["subject_id"])},
        "title": {"zh": row["title_zh"], "en": row["title_en"]},
    }
    return json.dumps(
        {"type": "notification", "position": row["position"], "notification": notification},
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
                    view, _, position = notify.payload.rpartition(":")
                    if view == self.view.name:
                        self._deliver(int(position))
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
