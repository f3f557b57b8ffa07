"""Projection engine: views fed in batches, rows and tracking position in one transaction.

Each view runs in its own thread. It reads the event table after its tracked position in
batches, applies a whole batch in one transaction together with its new position, and then
announces the position with `NOTIFY market_projected` so that readers waiting for
read-your-writes wake at once instead of polling. A crash rolls back rows and position
together, so no event is ever lost or applied twice.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic
from psycopg.sql import SQL

log = logging.getLogger(__name__)

PROJECTED_CHANNEL = "market_projected"

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS projection_positions ("
        " view text PRIMARY KEY,"
        " position bigint NOT NULL,"
        " updated_at timestamptz NOT NULL DEFAULT now())"
    ),
]

Cursor = psycopg.Cursor[Any]


class View(ABC):
    """A read model: its tables, and how each event changes them."""

    name: ClassVar[str]
    schema: ClassVar[Sequence[SQL]]
    event_classes: ClassVar[Sequence[type]]

    @classmethod
    def topics(cls) -> frozenset[str]:
        return frozenset(get_topic(c) for c in cls.event_classes)

    @abstractmethod
    def process(self, event: Any, cur: Cursor, position: int) -> None:
        """Apply one event (dispatched on its type) to the view's tables."""


def tracked_position(conn: psycopg.Connection[Any], view: str) -> int:
    row = conn.execute(
        "SELECT position FROM projection_positions WHERE view = %s", (view,)
    ).fetchone()
    return int(row[0]) if row else 0


class ViewRunner(threading.Thread):
    """Keeps one view up to date with the event log."""

    def __init__(
        self, app: Application[Any], url: str, view: View, *, batch_size: int = 500
    ) -> None:
        super().__init__(name=f"view-{view.name}", daemon=True)
        self.app = app
        self.url = url
        self.view = view
        self.batch_size = batch_size
        self.topics = view.topics()
        self.stopping = threading.Event()
        self.position = 0

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._follow()
            except Exception:
                log.exception("view %s failed; restarting in 1 s", self.view.name)
                self.stopping.wait(1.0)

    def _follow(self) -> None:
        with (
            psycopg.connect(self.url, autocommit=True) as listener,
            psycopg.connect(self.url, autocommit=True) as conn,
        ):
            channel = getattr(self.app.recorder, "channel_name", "marketplace_events")
            listener.execute(SQL("LISTEN {}").format(psycopg.sql.Identifier(channel)))
            self.position = tracked_position(conn, self.view.name)
            while not self.stopping.is_set():
                if not self.catch_up(conn):
                    for _ in listener.notifies(timeout=1.0, stop_after=1):
                        pass

    def catch_up(self, conn: psycopg.Connection[Any]) -> bool:
        """Apply one batch; False when there was nothing to do."""
        batch = self.app.recorder.select_notifications(
            start=self.position, limit=self.batch_size, inclusive_of_start=False
        )
        if not batch:
            return False
        self.apply(conn, batch)
        return True

    def apply(self, conn: psycopg.Connection[Any], batch: Sequence[Notification]) -> None:
        last = batch[-1].id
        with conn.transaction(), conn.cursor() as cur:
            for notification in batch:
                if notification.topic in self.topics:
                    event = self.app.mapper.to_domain_event(notification)
                    self.view.process(event, cur, notification.id)
            cur.execute(
                "INSERT INTO projection_positions (view, position) VALUES (%s, %s)"
                " ON CONFLICT (view) DO UPDATE SET position = excluded.position,"
                " updated_at = now()",
                (self.view.name, last),
            )
            cur.execute("SELECT pg_notify(%s, %s)", (PROJECTED_CHANNEL, f"{self.view.name}:{last}"))
        self.position = last
