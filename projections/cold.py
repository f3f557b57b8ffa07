"""Cold catch-up: views whose read side is empty folded from the whole log in one pass.

A view that has never applied an event (position 0: its rows and position are committed
together, so its tables are empty) and is far behind the log would otherwise catch up 500
events per transaction, looking up every row it touches. Here the log is read once in large
pages and each event decoded once; every cold view folds all of it in memory (`Rows(empty=True)`:
no row is ever looked up in the tables, since none exists), then writes its rows with COPY and
its position in one transaction. Progress (events, rate, ETA) goes to the log.

The folding is the views' own, event by event in log order, so the rows are those the batches
would have written. A view that fails to fold an event or to write its rows keeps position 0
and catches up batch by batch afterwards, where a bad event is recorded and skipped
(`projections.batches`); an outage is raised, as everywhere.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.process
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from psycopg.sql import SQL, Identifier

from projections.batches import (
    Connection,
    decode,
    fold_events,
    lock_position,
    save_position,
    tracked_position,
)
from projections.failures import describe, is_outage
from projections.rows import Rows

if TYPE_CHECKING:
    from projections.engine import View

log = logging.getLogger(__name__)

PAGE = 10_000  # events read per query
PROGRESS_SECONDS = 2.0  # between progress lines
# Folding plus writing time per view, in seconds, on the generated 973,289-event store (the
# log line "cold catch-up folded …" gives them); views not named cost about 1. Reading and
# decoding the log (~35-55 s) is paid by every process whatever its views.
FOLD_COST = {"notifications": 92.0, "listings": 46.0, "stats": 37.0, "bids": 22.0,
             "contracts": 5.5}  # fmt: skip

Progress = Callable[[int, int, float], None]  # done, total, events/s


def log_progress(done: int, total: int, rate: float) -> None:
    eta = (total - done) / rate if rate > 0 else float("inf")
    log.info("cold catch-up: %s / %s events, %s/s, %.0f s to go", f"{done:,}", f"{total:,}",
             f"{rate:,.0f}", eta)  # fmt: skip


def cold_catch_up(
    app: Application[Any],
    url: str,
    views: Sequence[View],
    *,
    processes: int = 1,
    progress: Progress | None = None,
    stopping: threading.Event | None = None,
) -> dict[str, int]:
    """Fold the whole log into the (empty) tables of `views`, split among up to `processes`
    forked processes (each reads and decodes the log itself and folds its share of the views);
    the position each view that made it now has (views missing are still at 0)."""
    head = app.recorder.max_notification_id() or 0
    groups = _balanced(views, processes)
    if len(groups) <= 1:
        with psycopg.connect(url, autocommit=True) as conn:
            return _one_pass(app, conn, views, head, progress, stopping)
    children = [_fork(app, url, group, head, progress) for group in groups]
    while any(child.is_alive() for child in children):
        if stopping is not None and stopping.wait(0.2):
            for child in children:
                child.terminate()  # its transaction, if any, is rolled back
        for child in children:
            child.join(0 if stopping is not None else None)
    with psycopg.connect(url, autocommit=True) as conn:
        return {view.name: head for view in views if tracked_position(conn, view.name) == head}


def _balanced(views: Sequence[View], processes: int) -> list[list[View]]:
    """At most `processes` groups of views with about equal folding work each."""
    count = max(1, min(processes, len(views)))
    costs: list[float] = [0.0] * count
    groups: list[list[View]] = [[] for _ in range(count)]
    for view in sorted(views, key=lambda v: -FOLD_COST.get(v.name, 1.0)):
        lightest = costs.index(min(costs))  # the heaviest view left goes to the lightest group
        costs[lightest] += FOLD_COST.get(view.name, 1.0)
        groups[lightest].append(view)
    return [group for group in groups if group]


def _fork(
    app: Application[Any], url: str, views: list[View], head: int, progress: Progress | None
) -> multiprocessing.process.BaseProcess:
    def work() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            _one_pass(app, conn, views, head, progress, None)

    child = multiprocessing.get_context("fork").Process(target=work, daemon=True)
    child.start()
    return child


def _one_pass(
    app: Application[Any],
    conn: Connection,
    views: Sequence[View],
    head: int,
    progress: Progress | None,
    stopping: threading.Event | None,
) -> dict[str, int]:
    folding = {view.name: (view, Rows(conn, view.tables, empty=True)) for view in views}
    topics = frozenset().union(*(view.topics() for view in views))
    position, started, shown = 0, time.monotonic(), 0.0
    spent: dict[str, float] = {}  # time reading, decoding and folding per view: for the log
    while position < head and folding and not (stopping and stopping.is_set()):
        began = time.perf_counter()
        batch = _page(app, conn, position, head)
        if not batch:
            break
        read = time.perf_counter()
        events = decode(app, batch, topics)
        spent["(reading)"] = spent.get("(reading)", 0.0) + read - began
        spent["(decoding)"] = spent.get("(decoding)", 0.0) + time.perf_counter() - read
        position = batch[-1].id
        for name, (view, rows) in list(folding.items()):
            folded = time.perf_counter()
            try:
                fold_events(view, rows, events, 0)
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - folded
            except Exception as error:
                log.warning("cold catch-up of %s stopped at %s (%s): it goes on batch by batch",
                            name, position, describe(error))  # fmt: skip
                del folding[name]
        if time.monotonic() - shown >= PROGRESS_SECONDS or position >= head:
            rate = position / max(time.monotonic() - started, 1e-9)
            (progress or log_progress)(position, head, rate)
            shown = time.monotonic()
    if position < head:
        return {}  # stopped: nothing written, the batches take over
    log.info("cold catch-up folded %s events: %s", f"{position:,}",
             ", ".join(f"{name} {seconds:.1f} s" for name, seconds in spent.items()))  # fmt: skip
    written = [name for name, (view, rows) in folding.items() if _write(conn, view, rows, position)]
    return dict.fromkeys(written, position)


def _page(app: Application[Any], conn: Connection, after: int, head: int) -> list[Notification]:
    """The next PAGE events after `after` up to `head`, on this connection (a forked process
    must not use the application's pool)."""
    table = Identifier(getattr(app.recorder, "events_table_name", "marketplace_events"))
    rows = conn.execute(
        SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {}"
            " WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id"
            " LIMIT %s").format(table),
        (after, head, PAGE),
        binary=True,  # the states as they are stored, not hex text to parse
    ).fetchall()  # fmt: skip
    return [Notification(id=r[0], originator_id=r[1], originator_version=r[2], topic=r[3],
                         state=bytes(r[4])) for r in rows]  # fmt: skip


@contextmanager
def indexes_built_after(cur: psycopg.Cursor[Any], tables: Sequence[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes for the body of the `with` (a bulk load into empty
    tables) and build them again after it, in the caller's transaction: one sorted build per
    index instead of one insertion per row (a GIN index built while 145,000 rows are COPYed in
    costs several times its build afterwards). Indexes that back a constraint (the primary
    key, UNIQUE) stay, so the load is checked as before. Readers of these tables wait for the
    transaction; they are empty until it commits anyway."""
    found = cur.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = ANY(SELECT to_regclass(t) FROM unnest(%s::text[]) t)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        (list(tables),),
    ).fetchall()
    for name, _ in found:
        cur.execute(SQL("DROP INDEX {}").format(SQL(name)))
    yield
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _, definition in found:
        cur.execute(definition)


def _write(conn: Connection, view: View, rows: Rows, position: int) -> bool:
    """COPY the view's rows and store its position, unless another runner moved it on."""
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit = off")
            if lock_position(cur, view) != 0:
                return False
            started = time.monotonic()
            with indexes_built_after(cur, [table.name for table in view.tables]):
                written = rows.flush(cur)
            save_position(cur, view, position)
    except Exception as error:
        if is_outage(error, conn):
            raise
        log.warning("cold catch-up of %s could not write its rows (%s): it goes on batch by "
                    "batch", view.name, describe(error))  # fmt: skip
        return False
    log.info("cold catch-up of %s: %s rows written in %.1f s", view.name, f"{written:,}",
             time.monotonic() - started)  # fmt: skip
    return True
