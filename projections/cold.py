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
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from eventsourcing.application import Application

from projections.batches import Connection, decode, fold_events, lock_position, save_position
from projections.failures import describe, is_outage
from projections.rows import Rows

if TYPE_CHECKING:
    from projections.engine import View

log = logging.getLogger(__name__)

PAGE = 10_000  # events read per query
PROGRESS_SECONDS = 2.0  # between progress lines

Progress = Callable[[int, int, float], None]  # done, total, events/s


def log_progress(done: int, total: int, rate: float) -> None:
    eta = (total - done) / rate if rate > 0 else float("inf")
    log.info("cold catch-up: %s / %s events, %s/s, %.0f s to go", f"{done:,}", f"{total:,}",
             f"{rate:,.0f}", eta)  # fmt: skip


def cold_catch_up(
    app: Application[Any],
    conn: Connection,
    views: Sequence[View],
    *,
    progress: Progress = log_progress,
    stopping: threading.Event | None = None,
) -> dict[str, int]:
    """Fold the whole log into the (empty) tables of `views`; the position each view that
    made it now has (views missing from the answer are still at 0)."""
    head = app.recorder.max_notification_id() or 0
    folding = {view.name: (view, Rows(conn, view.tables, empty=True)) for view in views}
    topics = frozenset().union(*(view.topics() for view in views))
    position, started, shown = 0, time.monotonic(), 0.0
    while position < head and folding and not (stopping and stopping.is_set()):
        batch = app.recorder.select_notifications(
            start=position, limit=PAGE, inclusive_of_start=False, stop=head
        )
        if not batch:
            break
        events = decode(app, batch, topics)
        position = batch[-1].id
        for name, (view, rows) in list(folding.items()):
            try:
                fold_events(view, rows, events, 0)
            except Exception as error:
                log.warning("cold catch-up of %s stopped at %s (%s): it goes on batch by batch",
                            name, position, describe(error))  # fmt: skip
                del folding[name]
        if time.monotonic() - shown >= PROGRESS_SECONDS or position >= head:
            progress(position, head, position / max(time.monotonic() - started, 1e-9))
            shown = time.monotonic()
    if position < head:
        return {}  # stopped: nothing written, the batches take over
    written = [name for name, (view, rows) in folding.items() if _write(conn, view, rows, position)]
    return dict.fromkeys(written, position)


def _write(conn: Connection, view: View, rows: Rows, position: int) -> bool:
    """COPY the view's rows and store its position, unless another runner moved it on."""
    try:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit = off")
            if lock_position(cur, view) != 0:
                return False
            rows.flush(cur)
            save_position(cur, view, position)
    except Exception as error:
        if is_outage(error, conn):
            raise
        log.warning("cold catch-up of %s could not write its rows (%s): it goes on batch by "
                    "batch", view.name, describe(error))  # fmt: skip
        return False
    return True
