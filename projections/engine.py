"""Projection engine: views folded in batches, rows and tracking position in one transaction.

Each view runs in its own thread. It reads the event table after its tracked position in
batches, folds a whole batch into rows in memory (`projections.rows`), writes them in bulk
and records the new position in the same transaction, then announces the position with
`NOTIFY market_projected` so that readers waiting for read-your-writes wake at once.

A crash rolls back rows and position together, so no event is lost or applied twice. The
tracking row is locked (`FOR UPDATE`) while a batch is applied: a second runner of the same
view, a standby projector, or a rebuild's swap can never apply the same events again.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Identifier

from projections.rows import Rows, Table

log = logging.getLogger(__name__)

PROJECTED_CHANNEL = "market_projected"
POSITION_SAVE_INTERVAL = 0.5  # seconds a view may go without storing its position

SCHEMA = (
    SQL(
        "CREATE TABLE IF NOT EXISTS projection_positions ("
        " view text PRIMARY KEY,"
        " position bigint NOT NULL,"
        " version int NOT NULL DEFAULT 1,"
        " updated_at timestamptz NOT NULL DEFAULT now())"
    ),
    SQL("ALTER TABLE projection_positions ADD COLUMN IF NOT EXISTS version int NOT NULL DEFAULT 1"),
)

Connection = psycopg.Connection[Any]


class View(ABC):
    """A read model: its tables, and how each event changes their rows."""

    name: ClassVar[str]
    version: ClassVar[int] = 1  # raise it when the tables or the folding change: rebuilds
    tables: ClassVar[tuple[Table, ...]]
    schema: ClassVar[tuple[SQL, ...]]
    event_classes: ClassVar[tuple[type, ...]]

    @classmethod
    def topics(cls) -> frozenset[str]:
        cached: frozenset[str] | None = cls.__dict__.get("_topics")
        if cached is None:
            cached = frozenset(get_topic(c) for c in cls.event_classes)
            cls._topics = cached  # type: ignore[attr-defined]
        return cached

    @abstractmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Apply one event (dispatched on its type) to the rows."""


def tracked_position(conn: Connection, view: str) -> int:
    row = conn.execute(
        "SELECT position FROM projection_positions WHERE view = %s", (view,)
    ).fetchone()
    return int(_value(row)) if row else 0


def lock_position(cur: psycopg.Cursor[Any], view: View) -> int:
    """The view's position, locked for the rest of the transaction."""
    cur.execute(
        "INSERT INTO projection_positions (view, position, version) VALUES (%s, 0, %s)"
        " ON CONFLICT (view) DO NOTHING",
        (view.name, view.version),
    )
    row = cur.execute(
        "SELECT position FROM projection_positions WHERE view = %s FOR UPDATE", (view.name,)
    ).fetchone()
    return int(_value(row))


def save_position(cur: psycopg.Cursor[Any], view: View, position: int) -> None:
    cur.execute(
        "UPDATE projection_positions SET position = %s, version = %s, updated_at = now()"
        " WHERE view = %s",
        (position, view.version, view.name),
    )
    announce(cur, view, position)


def _value(row: Any) -> Any:
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


Decoded = tuple[int, str, Any]  # position, topic, domain event


def decode(
    app: Application[Any], batch: Sequence[Notification], topics: frozenset[str]
) -> list[Decoded]:
    """The events of `batch` whose topic is in `topics`, each decoded once."""
    return [(n.id, n.topic, app.mapper.to_domain_event(n)) for n in batch if n.topic in topics]


def fold_events(view: View, rows: Rows, events: Sequence[Decoded], after: int) -> None:
    """Fold the decoded events past position `after` that the view cares about."""
    topics = view.topics()
    for position, topic, event in events:
        if position > after and topic in topics:
            view.fold(event, rows, position)


def announce(cur: psycopg.Cursor[Any], view: View, position: int) -> None:
    cur.execute("SELECT pg_notify(%s, %s)", (PROJECTED_CHANNEL, f"{view.name}:{position}"))


class ViewState:
    """How far one view has got, and how it applies a batch."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.position = 0
        self.stored = 0  # the position last written to projection_positions
        self.stored_at = 0.0
        self.failed_at = 0.0

    def store(self, conn: Connection) -> None:
        """Store a position that moved past irrelevant events only (see `apply`)."""
        if self.position > self.stored:
            self.apply(conn, [], self.position, force=True)

    def apply(
        self, conn: Connection, events: Sequence[Decoded], last: int, *, force: bool = False
    ) -> None:
        """Fold the decoded events past this view's position; `last` is the batch's end."""
        mine = [e for e in events if e[0] > self.position and e[1] in self.view.topics()]
        stale = time.monotonic() - self.stored_at >= POSITION_SAVE_INTERVAL
        if not mine and not (force or stale):
            # Nothing for this view: move on and only say so. The stored position lags by at
            # most the interval; after a restart the same irrelevant events are skipped again.
            with conn.cursor() as cur:
                announce(cur, self.view, last)
            self.position = last
            return
        with conn.transaction(), conn.cursor() as cur:
            # A view can always be rebuilt from the log, and rows and position are lost or
            # kept together, so it need not wait for its commit to reach the disk.
            cur.execute("SET LOCAL synchronous_commit = off")
            tracked = lock_position(cur, self.view)
            if tracked > self.position:  # another runner or a rebuild moved on: re-read
                self.position = tracked
                return
            rows = Rows(conn, self.view.tables)
            fold_events(self.view, rows, mine, self.position)
            rows.flush(cur)
            save_position(cur, self.view, last)
        self.position, self.stored, self.stored_at = last, last, time.monotonic()


class ProjectionRunner(threading.Thread):
    """Keeps views up to date: reads each batch of the log once, decodes each event once,
    and applies it to every view in its own transaction. A view whose fold fails is retried
    after a pause while the others go on."""

    def __init__(
        self, app: Application[Any], url: str, views: Sequence[View], *, batch_size: int = 500
    ) -> None:
        super().__init__(name="projections", daemon=True)
        self.app = app
        self.url = url
        self.states = [ViewState(view) for view in views]
        self.topics = frozenset().union(*(view.topics() for view in views))
        self.batch_size = batch_size
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._follow()
            except Exception:
                log.exception("projections failed; restarting in 1 s")
                self.stopping.wait(1.0)

    def _follow(self) -> None:
        with (
            psycopg.connect(self.url, autocommit=True) as listener,
            psycopg.connect(self.url, autocommit=True) as conn,
        ):
            channel = getattr(self.app.recorder, "channel_name", "marketplace_events")
            listener.execute(SQL("LISTEN {}").format(Identifier(channel)))
            for state in self.states:
                state.position = state.stored = tracked_position(conn, state.view.name)
            while not self.stopping.is_set():
                if not self.catch_up(conn):
                    self._each(conn, lambda state: state.store(conn))
                    for _ in listener.notifies(timeout=POSITION_SAVE_INTERVAL, stop_after=1):
                        pass

    def catch_up(self, conn: Connection) -> bool:
        """Apply one batch to every view; False when there was nothing to do."""
        start = min(state.position for state in self.states)
        batch = self.app.recorder.select_notifications(
            start=start, limit=self.batch_size, inclusive_of_start=False
        )
        if not batch:
            return False
        events = decode(self.app, batch, self.topics)
        last = batch[-1].id
        self._each(conn, lambda state: state.apply(conn, events, last))
        return True

    def _each(self, conn: Connection, action: Any) -> None:
        now = time.monotonic()
        for state in self.states:
            if now - state.failed_at < 1.0:
                continue
            try:
                action(state)
            except psycopg.OperationalError:
                raise  # the connection is gone: reconnect
            except Exception:
                log.exception("view %s failed; retrying in 1 s", state.view.name)
                state.failed_at = time.monotonic()


def ViewRunner(
    app: Application[Any], url: str, view: View, *, batch_size: int = 500
) -> ProjectionRunner:
    return ProjectionRunner(app, url, [view], batch_size=batch_size)
