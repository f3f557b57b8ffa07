"""A bound on argon2 work in this process: hashing at registration, verifying at login.

Argon2 is made to cost CPU (about 0.2 s a password here). Unbounded, sixteen registrations
or logins at once take every core and every read waits (`tests/bench/login_load.py`). At
most `MARKET_LOGIN_VERIFY_CONCURRENCY` argon2 computations run at once. A login verification
that cannot start within `MARKET_LOGIN_QUEUE_SECONDS` raises `PasswordWorkBusyError` (the API
answers `503 busy` with `Retry-After`); a registration's hash waits for its turn.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class PasswordWorkBusyError(Exception):
    """Every argon2 slot stayed taken for the whole wait."""

    retry_after = 1

    def __init__(self) -> None:
        super().__init__("too much password work at once")


class PasswordWork:
    """Slots for argon2 computations, shared by every thread of the process."""

    def __init__(self, slots: int, wait: float) -> None:
        self.configure(slots, wait)

    def configure(self, slots: int, wait: float) -> None:
        self.slots = threading.BoundedSemaphore(slots)
        self.wait = wait

    @contextmanager
    def slot(self, *, patient: bool = False) -> Iterator[None]:
        """One argon2 computation; `patient` waits as long as it takes (registrations: they
        are budgeted per address, and a use case called in-process must not fail on load)."""
        slots = self.slots  # released to the semaphore it came from, even if reconfigured
        if not slots.acquire(timeout=None if patient else self.wait):
            raise PasswordWorkBusyError
        try:
            yield
        finally:
            slots.release()


PASSWORD_WORK = PasswordWork(max(1, (os.cpu_count() or 2) // 2), 5.0)
