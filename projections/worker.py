"""`Worker`: the one shape of every background loop (start, stop, join, reconnect with back-off).

A worker is a daemon thread that runs `session()` again and again until `stop()`: a session
either does one step and returns (a periodic worker, `period` seconds apart) or opens its
connection and loops until the connection fails (a listening worker, which calls `succeeded()`
after each step that worked). An exception out of a session never ends the thread: the worker
logs it (once per outage, with its traceback; the repeats only at debug level), waits
`backoff` seconds, doubling after each further failure up to `max_backoff`, and runs a new
session. A success resets the pause to `backoff` and logs the recovery. `stop()` wakes every
pause at once, so a worker stops within one step of its session.

It lives here, at the bottom of the layers that run threads, because `projections/` (the view
runner, the position watcher) may not import `marketplace/`; `marketplace.workers` re-exports
it for the workers above.
"""

from __future__ import annotations

import logging
import threading

MAX_BACKOFF = 5.0  # seconds: the longest pause between attempts during an outage


class Worker(threading.Thread):
    """A background loop; subclasses implement `session` (see the module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        backoff: float,
        period: float = 0.0,
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.backoff = backoff  # the first pause after a failure
        self.period = period  # the pause before the first session and after each one
        self.max_backoff = max(max_backoff, backoff)
        self.delay = backoff  # the pause after the next failure
        self.failures = 0  # in a row, since the last success
        self.stopping = threading.Event()
        self.ready = threading.Event()  # set by a session once it serves (if it says so)
        self.log = logging.getLogger(type(self).__module__)

    def session(self) -> None:
        """One step, or one connection's life; raise to be run again after a pause."""
        raise NotImplementedError

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        pause = self.period
        while not self.stopping.wait(pause):
            try:
                self.session()
            except Exception as error:
                if self.stopping.is_set():
                    break
                pause = self.failed(error)
            else:
                self.succeeded()
                pause = self.period

    def succeeded(self) -> None:
        """A step worked: the next failure starts a new outage, paused `backoff` seconds."""
        if self.failures:
            self.log.info("%s works again after %d failure(s)", self.name, self.failures)
            self.failures = 0
            self.delay = self.backoff

    def failed(self, error: Exception) -> float:
        """Log the failure (the first of an outage in full); the pause before the next try."""
        pause = self.delay
        if self.failures == 0:
            self.log.error("%s failed; trying again in %s s", self.name, pause, exc_info=error)
        else:
            self.log.debug("%s failed again (%s); next try in %s s", self.name, error, pause)
        self.failures += 1
        self.delay = min(self.delay * 2, self.max_backoff)
        return pause
