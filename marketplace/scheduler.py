"""Deadline scheduler: appends `Expired` events as deadlines pass (like ProZorro's chronograph)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from psycopg_pool import ConnectionPool

from aggregates.errors import DomainError
from marketplace.postings import PostingUseCases
from projections.listings import overdue_postings

log = logging.getLogger(__name__)


class DeadlineScheduler(threading.Thread):
    """Finds overdue postings in the listings view and expires them through the use case."""

    def __init__(self, app: PostingUseCases, pool: ConnectionPool[Any], interval: float) -> None:
        super().__init__(name="deadline-scheduler", daemon=True)
        self.app = app
        self.pool = pool
        self.interval = interval
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.tick()
            except Exception:
                log.exception("deadline scan failed")

    def tick(self) -> int:
        """Expire every overdue posting; the number expired."""
        expired = 0
        for posting_id in overdue_postings(self.pool, self.app.clock()):
            try:
                self.app.expire_posting(posting_id)
                expired += 1
            except DomainError:
                continue  # already closed by someone else in the meantime
        return expired
