"""Projector leadership: one process runs the projections; others wait as hot standbys.

A PostgreSQL session-level advisory lock elects the active projector. It is held as long as
its connection lives, so a crashed projector's lock is released by the server and a standby
takes over within about a second. (Correctness does not depend on it: each view's batch locks
its tracking row. The lock only keeps standbys from doing the work twice.)
"""

from __future__ import annotations

import logging
import threading

import psycopg

from marketplace.bootstrap import Services
from marketplace.workers import Worker

log = logging.getLogger(__name__)

PROJECTOR_LOCK_KEY = 0x50524F4A  # "PROJ"


class Projector(Worker):
    """Runs the services' projections while it holds the projector lock."""

    def __init__(self, services: Services, poll: float = 1.0) -> None:
        super().__init__("projector", backoff=poll)
        self.services = services
        self.poll = poll
        self.active = threading.Event()

    def session(self) -> None:
        """Stand by until the lock is ours, then lead until the connection is lost."""
        try:
            self._lead()
        finally:
            if self.active.is_set():
                self.services.stop_projections()
                self.active.clear()

    def _lead(self) -> None:
        with psycopg.connect(self.services.url, autocommit=True) as conn:
            standing_by = False
            while not self._try_lock(conn):
                if not standing_by:
                    log.info("another projector is active: standing by")
                    standing_by = True
                if self.stopping.wait(self.poll):
                    return
                self.succeeded()
            log.info("projector active")
            self.services.start_projections()
            self.active.set()
            while not self.stopping.wait(self.poll):
                conn.execute("SELECT 1")  # the lock lives as long as this connection
                self.succeeded()

    @staticmethod
    def _try_lock(conn: psycopg.Connection[tuple[bool]]) -> bool:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (PROJECTOR_LOCK_KEY,)).fetchone()
        return bool(row and row[0])
