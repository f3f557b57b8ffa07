"""Events a view could not apply: which failures are the event's, retries, and their record.

A view never stops for good on one event. When an event fails on its own (after a few retries
if the error may be transient), it is recorded in `projection_failures` (view, position,
topic, error) and skipped; `GET /status` and `market status` list it, and `market rebuild`
replays it (and clears the record) once the fold is fixed. An outage (connection lost, server
shutting down, disk full, ...) is never the event's fault: the runner reconnects and retries,
forever.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.sql import SQL

SCHEMA = (
    SQL(
        "CREATE TABLE IF NOT EXISTS projection_failures ("
        " view text NOT NULL,"
        " position bigint NOT NULL,"
        " topic text NOT NULL,"
        " error text NOT NULL,"
        " failed_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (view, position))"
    ),
)

# SQLSTATE classes (and codes) of trouble with the server, not with one event: connection
# exception, insufficient resources, operator intervention, system and internal errors,
# invalid authorization or catalog, read-only transaction, permission denied, and a table or
# column missing (the schema not migrated yet: skipping every event would not help).
OUTAGE_CLASSES = frozenset({"08", "53", "57", "58", "XX", "28", "3D"})
OUTAGE_STATES = frozenset({"25006", "42501", "42P01", "42703"})
NOT_OUTAGE_STATES = frozenset({"57014"})  # query cancelled (statement timeout): retry it
# Failures that may pass if tried again: serialization failures and deadlocks (class 40), lock
# and statement timeouts, objects in use. Any other failure of one event is its own, for good.
TRANSIENT_CLASSES = frozenset({"40"})
TRANSIENT_STATES = frozenset({"55P03", "57014", "55006"})
ERROR_LIMIT = 2000  # characters of an error message kept
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UndecodableEventError(Exception):
    """The stored event could not be turned back into a domain event."""


@dataclass(frozen=True)
class Retry:
    """How often an event that fails alone with a transient error is tried again, and the
    pause before each retry (doubling from `backoff` seconds), before it is recorded as failed.
    Any other error is recorded at once: folds are deterministic, retrying them only delays."""

    retries: int = 3
    backoff: float = 0.2
    stopping: threading.Event = field(default_factory=threading.Event)

    def pause(self, attempt: int) -> None:
        """Wait before retry number `attempt` (from 0); raise if the runner is stopping."""
        if self.stopping.wait(self.backoff * 2**attempt):
            raise StoppingError("the projections are stopping")


class StoppingError(Exception):
    """Raised out of a retry pause when the runner stops: nothing is recorded."""


def is_outage(error: BaseException, conn: psycopg.Connection[Any]) -> bool:
    """True when `error` says the database is unreachable or unwell, not that the event is bad.

    An outage is retried after reconnecting, forever; every other failure may be the event's.
    """
    return conn.closed or conn.broken or is_outage_error(error)


def is_outage_error(error: BaseException) -> bool:
    """`is_outage`, judged from the error alone."""
    if isinstance(error, StoppingError):
        return True
    if not isinstance(error, psycopg.Error):
        return False
    state = error.sqlstate
    if state is None:  # raised by psycopg itself: an OperationalError is a lost connection
        return isinstance(error, psycopg.OperationalError | psycopg.InterfaceError)
    if state in NOT_OUTAGE_STATES:
        return False
    return state in OUTAGE_STATES or state[:2] in OUTAGE_CLASSES


def is_transient(error: BaseException) -> bool:
    """True when the same event may well apply if tried again a moment later."""
    state = error.sqlstate if isinstance(error, psycopg.Error) else None
    return state is not None and (state[:2] in TRANSIENT_CLASSES or state in TRANSIENT_STATES)


def describe(error: BaseException) -> str:
    """The error as storable text: its type and message, controls removed, bounded."""
    text = f"{type(error).__name__}: {error}"
    text = _UNSTORABLE.sub("", text).encode("utf-8", "replace").decode("utf-8")
    return text[:ERROR_LIMIT]


def record(cur: psycopg.Cursor[Any], view: str, position: int, topic: str, error: str) -> None:
    """Record (or re-record) that `view` could not apply the event at `position`."""
    cur.execute(
        "INSERT INTO projection_failures (view, position, topic, error, failed_at)"
        " VALUES (%s, %s, %s, %s, now()) ON CONFLICT (view, position)"
        " DO UPDATE SET topic = excluded.topic, error = excluded.error, failed_at = now()",
        (view, position, topic, error),
    )


def failures_by_view(conn: psycopg.Connection[Any], first: int = 20) -> dict[str, dict[str, Any]]:
    """Per view with failures: their `count` and the `first` ones (by position) as dicts."""
    rows = conn.execute(
        "SELECT view, position, topic, error, failed_at, total FROM ("
        "  SELECT *, row_number() OVER (PARTITION BY view ORDER BY position) AS n,"
        "  count(*) OVER (PARTITION BY view) AS total FROM projection_failures) AS numbered"
        " WHERE n <= %s ORDER BY view, position",
        (first,),
    ).fetchall()
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        view, position, topic, error, failed_at, total = _values(row)
        entry = found.setdefault(view, {"count": int(total), "first": []})
        entry["first"].append(
            {"position": int(position), "topic": topic, "error": error, "failed_at": failed_at}
        )
    return found


def _values(row: Any) -> tuple[Any, ...]:
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)
