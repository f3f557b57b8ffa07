"""Applying a batch of events to one view: rows and position in one transaction.

A batch that fails is applied again one event per transaction: an event that still fails
(after a few retries, if the error may be transient) is recorded in `projection_failures` and
skipped (`projections.failures`), so one bad event never stops a view. An outage (connection
lost) is raised to the caller, which reconnects and retries; it never skips anything.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from projections import failures
from projections.failures import (
    Retry,
    UndecodableEventError,
    describe,
    is_outage,
    is_transient,
)
from projections.rows import Rows

if TYPE_CHECKING:
    from projections.engine import View

log = logging.getLogger(__name__)

PROJECTED_CHANNEL = "market_projected"

Connection = psycopg.Connection[Any]


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


def save_position(
    cur: psycopg.Cursor[Any], view: View, position: int, *, announce: bool = True
) -> None:
    cur.execute(
        "UPDATE projection_positions SET position = %s, version = %s, updated_at = now()"
        " WHERE view = %s",
        (position, view.version, view.name),
    )
    if announce:
        announce_position(cur, view, position)


def _value(row: Any) -> Any:
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


@dataclass(frozen=True)
class Undecodable:
    """Stands for a stored event that could not be decoded; folding it fails."""

    error: str


Decoded = tuple[int, str, Any]  # position, topic, domain event (or Undecodable)


def decode(
    app: Application[Any], batch: Sequence[Notification], topics: frozenset[str]
) -> list[Decoded]:
    """The events of `batch` whose topic is in `topics`, each decoded once."""
    decoded: list[Decoded] = []
    for n in batch:
        if n.topic in topics:
            try:
                decoded.append((n.id, n.topic, app.mapper.to_domain_event(n)))
            except Exception as error:  # only the views that care about it will fail on it
                decoded.append((n.id, n.topic, Undecodable(describe(error))))
    return decoded


def fold_events(view: View, rows: Rows, events: Sequence[Decoded], after: int) -> None:
    """Fold the decoded events past position `after` that the view cares about."""
    topics = view.topics()
    for position, topic, event in events:
        if position > after and topic in topics:
            if isinstance(event, Undecodable):
                raise UndecodableEventError(event.error)
            view.fold(event, rows, position)


def announce_position(cur: psycopg.Cursor[Any], view: View, position: int) -> None:
    announce_positions(cur, [view.name], position)


def announce_positions(cur: psycopg.Cursor[Any], views: Sequence[str], position: int) -> None:
    """Tell listeners that these views reached `position`: one NOTIFY on PROJECTED_CHANNEL
    whose payload is `name,name,…:position` (`projected_views` reads it)."""
    payload = f"{','.join(views)}:{position}"
    cur.execute("SELECT pg_notify(%s, %s)", (PROJECTED_CHANNEL, payload))


def projected_views(payload: str) -> tuple[list[str], int]:
    """The views and the position of a PROJECTED_CHANNEL payload."""
    names, _, position = payload.rpartition(":")
    return names.split(","), int(position)


def apply_batch(
    conn: Connection,
    view: View,
    events: Sequence[Decoded],
    after: int,
    last: int,
    *,
    retry: Retry,
    announce: bool = True,
    live: bool = True,
) -> int:
    """Fold the view's events past `after` and store `last` as its position, in one
    transaction (a savepoint, inside one); when `live` (not a rebuild), with what the view's
    `committing` adds. If that fails, one event per transaction: an event
    that fails alone (and, if the error is transient, `retry.retries` more times) is recorded
    and skipped. Outages are raised.
    Returns the view's position: `last`, or a later one another runner or rebuild stored."""
    topics = view.topics()
    mine = [e for e in events if e[0] > after and e[1] in topics]
    try:
        return _commit(conn, view, mine, after, last, announce, live)
    except Exception as error:
        if not mine or is_outage(error, conn):
            raise
        log.warning("view %s: events up to %s failed (%s); one by one now", view.name, last,
                    describe(error))  # fmt: skip
    position = after
    for event in mine:
        if event[0] > position:
            position = _apply_one(conn, view, event, position, retry, announce, live)
    return _commit(conn, view, [], position, max(last, position), announce, live)


def _commit(
    conn: Connection,
    view: View,
    events: Sequence[Decoded],
    after: int,
    last: int,
    announce: bool,
    live: bool,
) -> int:
    with conn.transaction(), conn.cursor() as cur:
        # A view can always be rebuilt from the log, and rows and position are lost or
        # kept together, so it need not wait for its commit to reach the disk.
        cur.execute("SET LOCAL synchronous_commit = off")
        tracked = lock_position(cur, view)
        if tracked > after:  # another runner or a rebuild moved on: re-read from there
            return tracked
        rows = Rows(conn, view.tables)
        fold_events(view, rows, events, after)
        rows.flush(cur)
        if live:
            view.committing(cur, after, last)
        save_position(cur, view, last, announce=announce)
    return last


def _apply_one(
    conn: Connection,
    view: View,
    event: Decoded,
    after: int,
    retry: Retry,
    announce: bool,
    live: bool,
) -> int:
    position, topic, _ = event
    attempt = 0
    while True:
        try:
            return _commit(conn, view, [event], after, position, announce, live)
        except Exception as failure:
            if is_outage(failure, conn):
                raise
            if not is_transient(failure) or attempt >= retry.retries:
                error = failure
                break
        retry.pause(attempt)
        attempt += 1
    log.error("view %s: event %s (%s) cannot be applied; recorded and skipped", view.name,
              position, topic, exc_info=error)  # fmt: skip
    with conn.transaction(), conn.cursor() as cur:
        tracked = lock_position(cur, view)
        if tracked > after:
            return tracked
        failures.record(cur, view.name, position, topic, describe(error))
        save_position(cur, view, position, announce=announce)
    return position
