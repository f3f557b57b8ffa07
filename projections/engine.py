"""Projection engine: views folded in batches, rows and tracking position in one transaction.

Each view runs in its own thread. It reads the event table after its tracked position in
batches, folds a whole batch into rows in memory (`projections.rows`), writes them in bulk
and records the new position in the same transaction, then announces the position with
`NOTIFY market_projected, 'name:position'` so that readers waiting for read-your-writes wake
at once. The views a batch did not concern move on without writing and are announced
together, in one NOTIFY (`'name,name,…:position'`, see `batches.projected_views`).

A crash rolls back rows and position together, so no event is lost or applied twice. The
tracking row is locked (`FOR UPDATE`) while a batch is applied: a second runner of the same
view, a standby projector, or a rebuild's swap can never apply the same events again.

One bad event never stops a view: it is recorded and skipped (`projections.batches`,
`projections.failures`). An outage (connection lost) is retried after reconnecting.
"""

from __future__ import annotations

import logging
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, ClassVar

import psycopg
from eventsourcing.application import Application
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Identifier
from psycopg_pool import ConnectionPool

from projections import failures
from projections.batches import (
    PROJECTED_CHANNEL,
    Connection,
    Decoded,
    announce_positions,
    apply_batch,
    decode,
    tracked_position,
)
from projections.cold import cold_catch_up
from projections.failures import Retry, is_outage
from projections.rows import Rows
from projections.table import Table
from projections.worker import Worker

__all__ = ["PROJECTED_CHANNEL", "SCHEMA", "ProjectionRunner", "View", "ViewRunner"]

log = logging.getLogger(__name__)

COLD_AFTER = 20_000  # events behind with an empty read side: catch up in one pass
COLD_PROCESSES = min(4, os.cpu_count() or 1)  # processes folding views in that pass
POSITION_SAVE_INTERVAL = 0.5  # seconds a view may go without storing its position
APPLICATION_NAME = "market-projections"  # of the runner's connections (pg_stat_activity)

SCHEMA = (
    SQL(
        "CREATE TABLE IF NOT EXISTS projection_positions ("
        " view text PRIMARY KEY,"
        " position bigint NOT NULL,"
        " version int NOT NULL DEFAULT 1,"
        " updated_at timestamptz NOT NULL DEFAULT now())"
    ),
    SQL("ALTER TABLE projection_positions ADD COLUMN IF NOT EXISTS version int NOT NULL DEFAULT 1"),
    *failures.SCHEMA,
)


class View(ABC):
    """A read model: its tables, how each event changes their rows, and the pool its queries
    read through."""

    name: ClassVar[str]
    version: ClassVar[int] = 1  # raise it when the tables or the folding change: rebuilds
    tables: ClassVar[tuple[Table, ...]]
    schema: ClassVar[tuple[SQL, ...]]
    event_classes: ClassVar[tuple[type, ...]]

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool

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

    def committing(self, cur: psycopg.Cursor[Any], after: int, last: int) -> None:
        """In the live runner's transaction, once the rows of the events in (after, last] are
        written: what else those new rows entail (the notifications' webhook outbox). Never
        called by a rebuild's replay or a cold catch-up."""
        return None  # most views entail nothing more


class ViewState:
    """How far one view has got, and how it applies a batch."""

    def __init__(self, view: View, retry: Retry) -> None:
        self.view = view
        self.retry = retry
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
    ) -> bool:
        """Fold the decoded events past this view's position; `last` is the batch's end.
        False when the view only moved past events it does not care about: nothing is written,
        and the caller announces the new position (one NOTIFY for all such views)."""
        mine = [e for e in events if e[0] > self.position and e[1] in self.view.topics()]
        stale = time.monotonic() - self.stored_at >= POSITION_SAVE_INTERVAL
        if not mine and not (force or stale):
            # The stored position lags by at most the interval; after a restart the same
            # irrelevant events are skipped again.
            self.position = last
            return False
        position = apply_batch(conn, self.view, mine, self.position, last, retry=self.retry)
        self.position, self.stored, self.stored_at = position, position, time.monotonic()
        return True


class ProjectionRunner(Worker):
    """Keeps views up to date: reads each batch of the log once, decodes each event once,
    and applies it to every view in its own transaction. An event a view cannot apply is
    recorded and skipped; after an outage the runner reconnects (`reconnect` s later, then
    backing off)."""

    def __init__(
        self,
        app: Application[Any],
        url: str,
        views: Sequence[View],
        *,
        batch_size: int = 500,
        retry: Retry | None = None,
        reconnect: float = 1.0,
        cold_after: int = COLD_AFTER,
        cold_processes: int = COLD_PROCESSES,
    ) -> None:
        super().__init__("projections", backoff=reconnect)
        self.cold_after, self.cold_processes = cold_after, cold_processes
        self.app = app
        self.url = url
        self.retry = replace(retry or Retry(), stopping=self.stopping)
        self.reconnect = reconnect
        self.states = [ViewState(view, self.retry) for view in views]
        self.topics = frozenset().union(*(view.topics() for view in views))
        self.batch_size = batch_size

    def session(self) -> None:
        """Follow the log on one pair of connections until an outage ends them."""
        with (
            psycopg.connect(self.url, autocommit=True, application_name=APPLICATION_NAME) as lsn,
            psycopg.connect(self.url, autocommit=True, application_name=APPLICATION_NAME) as conn,
        ):
            channel = getattr(self.app.recorder, "channel_name", "marketplace_events")
            lsn.execute(SQL("LISTEN {}").format(Identifier(channel)))
            # Views are derived: a crash may lose their last ~0.6 s of commits, rows and
            # position together, and they are folded again from the log. Waiting for each
            # view's commit to reach the disk bought nothing but a flush per view per batch.
            # (Webhook deliveries queued in a lost commit are queued again, with the same id:
            # deliveries are at least once anyway.)
            conn.execute("SET synchronous_commit = off")
            for state in self.states:
                state.position = state.stored = tracked_position(conn, state.view.name)
            self._cold_start(conn)
            while not self.stopping.is_set():
                if not self.catch_up(conn):
                    self._each(conn, lambda state: state.store(conn))
                    for _ in lsn.notifies(timeout=POSITION_SAVE_INTERVAL, stop_after=1):
                        pass
                self.succeeded()

    def _cold_start(self, conn: Connection) -> None:
        """Views with an empty read side, `cold_after` events or more behind: in one pass
        (`projections.cold`) instead of batch by batch."""
        cold = [state for state in self.states if state.position == 0]
        if not cold or (self.app.recorder.max_notification_id() or 0) < self.cold_after:
            return
        done = cold_catch_up(self.app, self.url, [s.view for s in cold],
                             processes=self.cold_processes, stopping=self.stopping)  # fmt: skip
        for state in cold:
            if state.view.name in done:
                state.position = state.stored = done[state.view.name]
                state.stored_at = time.monotonic()

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
        skipped: list[str] = []

        def apply(state: ViewState) -> None:
            if not state.apply(conn, events, last):
                skipped.append(state.view.name)

        self._each(conn, apply)
        if skipped:  # one NOTIFY (one commit) instead of one per view
            with conn.cursor() as cur:
                announce_positions(cur, skipped, last)
        return True

    def _each(self, conn: Connection, action: Callable[[ViewState], None]) -> None:
        now = time.monotonic()
        for state in self.states:
            if now - state.failed_at < self.reconnect:
                continue
            try:
                action(state)
            except Exception as error:
                if is_outage(error, conn):
                    raise  # the connection is gone, or the server unwell: reconnect
                log.exception("view %s failed; retrying in %s s", state.view.name,
                              self.reconnect)  # fmt: skip
                state.failed_at = time.monotonic()


def ViewRunner(
    app: Application[Any], url: str, view: View, *, batch_size: int = 500
) -> ProjectionRunner:
    return ProjectionRunner(app, url, [view], batch_size=batch_size)
