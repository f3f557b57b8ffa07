"""Zero-downtime rebuild: replay the whole log into fresh tables in a shadow schema, then swap.

The API keeps reading the old tables (and the live runner keeps them current) until the swap.
The swap locks the view's tracking row, which pauses its live runner, folds the events that
arrived meanwhile into the shadow tables, and moves them into place, all in one transaction.
Shadow tables and their position survive an interruption: running the rebuild again resumes.

An event a view cannot apply does not stop the rebuild: the events since the last flush are
applied again one batch (then one event) per transaction, the event is recorded as failed in
the shadow schema and skipped, and those records replace the view's failures at the swap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from eventsourcing.application import Application
from psycopg.sql import SQL, Identifier

from projections.batches import (
    apply_batch,
    decode,
    fold_events,
    lock_position,
    save_position,
    tracked_position,
)
from projections.engine import SCHEMA as ENGINE_SCHEMA
from projections.engine import View
from projections.failures import Retry, describe, is_outage
from projections.rows import Rows

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int, float], None]  # view names, done, total, events/s


def shadow_schema(view: View) -> str:
    return f"rebuild_{view.name}"


@dataclass
class _Shadow:
    view: View
    conn: psycopg.Connection[Any]
    position: int
    rows: Rows
    pending: int = 0
    done: bool = field(default=False)


def _is_table(statement: SQL) -> bool:
    return statement.as_string().lstrip().upper().startswith("CREATE TABLE")


def _open_shadow(url: str, view: View) -> _Shadow:
    """The shadow tables of an earlier, interrupted rebuild of the same view version, or new
    ones. Indexes come after the bulk load (`_index`), which is much faster."""
    conn = psycopg.connect(url, autocommit=True)
    schema = Identifier(shadow_schema(view))
    conn.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
    conn.execute(SQL("SET search_path TO {}, public").format(schema))
    with conn.transaction():
        for statement in ENGINE_SCHEMA:
            conn.execute(statement)
        stored = conn.execute(
            "SELECT version FROM projection_positions WHERE view = %s", (view.name,)
        ).fetchone()
        if stored is not None and stored[0] != view.version:  # made by other code: start over
            _drop(conn, view)
        for statement in view.schema:
            if _is_table(statement):
                conn.execute(statement)
    position = tracked_position(conn, view.name)
    return _Shadow(view, conn, position, Rows(conn, view.tables, empty=position == 0))


def _drop(conn: psycopg.Connection[Any], view: View) -> None:
    """Drop the view's shadow tables, position and failures."""
    for table in view.tables:
        conn.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(table.name)))
    conn.execute("DELETE FROM projection_positions WHERE view = %s", (view.name,))
    conn.execute("DELETE FROM projection_failures WHERE view = %s", (view.name,))


def _index(app: Application[Any], shadow: _Shadow, page: int, retry: Retry) -> None:
    """Index the bulk-loaded tables. If a row cannot be indexed (too long for a btree, say),
    build the view again with its indexes first, with care, so that row's event is recorded."""
    view, conn = shadow.view, shadow.conn
    try:
        with conn.transaction():
            for statement in view.schema:
                if not _is_table(statement):
                    conn.execute(statement)
    except Exception as error:
        if is_outage(error, conn):
            raise
        with conn.transaction():
            _drop(conn, view)
            for statement in view.schema:
                conn.execute(statement)
        shadow.position = 0
        _recover(app, shadow, head(app), page, retry, error)


def head(app: Application[Any]) -> int:
    return app.recorder.max_notification_id() or 0


def rebuild(
    app: Application[Any],
    url: str,
    views: Sequence[View],
    *,
    page: int = 5000,
    flush_every: int = 200_000,
    progress: Progress | None = None,
    retry: Retry | None = None,
) -> None:
    """Rebuild `views` from the whole log, one scan for all of them, then swap each in."""
    retry = retry or Retry()
    shadows = [_open_shadow(url, view) for view in views]
    try:
        _replay(app, shadows, page, flush_every, progress, retry)
        for shadow in shadows:
            _index(app, shadow, page, retry)
            _swap(app, url, shadow, page, retry)
    finally:
        for shadow in shadows:
            shadow.conn.close()


def _replay(
    app: Application[Any],
    shadows: list[_Shadow],
    page: int,
    flush_every: int,
    progress: Progress | None,
    retry: Retry,
) -> None:
    target = head(app)
    position = min(s.position for s in shadows)
    start, started = position, time.monotonic()
    names = ", ".join(s.view.name for s in shadows)
    topics = frozenset().union(*(s.view.topics() for s in shadows))
    while position < target:
        batch = app.recorder.select_notifications(
            start=position, limit=page, inclusive_of_start=False, stop=target
        )
        if not batch:
            break
        events = decode(app, batch, topics)
        position = batch[-1].id
        for shadow in shadows:
            try:
                fold_events(shadow.view, shadow.rows, events, shadow.position)
                shadow.pending += len(batch)
                if shadow.pending >= flush_every:
                    _flush(shadow, position)
            except Exception as error:
                _recover(app, shadow, position, page, retry, error)
        if progress is not None:
            rate = (position - start) / max(time.monotonic() - started, 1e-9)
            progress(names, position, target, rate)
    for shadow in shadows:
        end = max(position, shadow.position)
        try:
            _flush(shadow, end)
        except Exception as error:
            _recover(app, shadow, end, page, retry, error)


def _flush(shadow: _Shadow, position: int) -> None:
    with shadow.conn.transaction(), shadow.conn.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        lock_position(cur, shadow.view)
        shadow.rows.flush(cur)
        cur.execute(
            "UPDATE projection_positions SET position = %s, version = %s WHERE view = %s",
            (position, shadow.view.version, shadow.view.name),
        )
    shadow.position, shadow.pending = position, 0
    shadow.rows.forget()


def _recover(
    app: Application[Any], shadow: _Shadow, until: int, page: int, retry: Retry, error: Exception
) -> None:
    """Fold or flush failed: drop what was folded since the last flush and apply those events
    again up to `until` with the live runner's care (a failing event is recorded, skipped)."""
    if is_outage(error, shadow.conn):
        raise error
    view = shadow.view
    log.warning("rebuild of %s: events up to %s failed (%s); applying them with care",
                view.name, until, describe(error))  # fmt: skip
    shadow.rows, shadow.pending = Rows(shadow.conn, view.tables), 0
    position = shadow.position
    while batch := app.recorder.select_notifications(
        start=position, limit=page, inclusive_of_start=False, stop=until
    ):
        events = decode(app, batch, view.topics())
        last = batch[-1].id
        position = apply_batch(shadow.conn, view, events, position, last, retry=retry,
                               announce=False, live=False)  # fmt: skip
    shadow.position = max(position, until)


def _swap(app: Application[Any], url: str, shadow: _Shadow, page: int, retry: Retry) -> None:
    view, schema = shadow.view, Identifier(shadow_schema(shadow.view))
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction(), conn.cursor() as cur:
        live = lock_position(cur, view)  # the live runner of this view waits from here on
        cur.execute(SQL("SET LOCAL search_path TO {}, public").format(schema))
        position = shadow.position  # the events since: into the shadow, in savepoints
        while batch := app.recorder.select_notifications(
            start=position, limit=page, inclusive_of_start=False
        ):
            events = decode(app, batch, view.topics())
            position = apply_batch(conn, view, events, position, batch[-1].id, retry=retry,
                                   announce=False, live=False)  # fmt: skip
        cur.execute("SET LOCAL search_path TO public")
        for table in view.tables:
            cur.execute(SQL("DROP TABLE IF EXISTS public.{}").format(Identifier(table.name)))
            cur.execute(
                SQL("ALTER TABLE {}.{} SET SCHEMA public").format(schema, Identifier(table.name))
            )
        cur.execute("DELETE FROM projection_failures WHERE view = %s", (view.name,))
        columns = SQL("view, position, topic, error, failed_at")
        cur.execute(
            SQL("INSERT INTO projection_failures ({0}) SELECT {0} FROM {1}.projection_failures"
                " WHERE view = %s").format(columns, schema),
            (view.name,),
        )  # fmt: skip
        cur.execute(SQL("DROP SCHEMA {} CASCADE").format(schema))
        # Events past the live runner's position were folded here, never there: what they
        # entail live (a webhook delivery) is done once, now; what came before, never again.
        view.committing(cur, live, position)
        save_position(cur, view, position)


def outdated_views(conn: psycopg.Connection[Any], views: Sequence[View]) -> list[View]:
    """Views whose stored version differs from the code's: their tables need a rebuild."""
    rows = conn.execute("SELECT view, version FROM projection_positions").fetchall()
    stored = {r[0]: r[1] for r in rows} if rows and not isinstance(rows[0], dict) else {}
    if rows and isinstance(rows[0], dict):
        stored = {r["view"]: r["version"] for r in rows}
    return [v for v in views if v.name in stored and stored[v.name] != v.version]
