"""The `Worker` base of every background loop: prompt stop, back-off that grows during an
outage and resets after a success, and a thread that a failing step never kills."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from projections.worker import Worker

Step = Callable[[], None]


class Scripted(Worker):
    """Runs the given steps in turn, one per session; records the pause after each failure."""

    def __init__(self, steps: list[Step], **timing: float) -> None:
        super().__init__("scripted", **{"backoff": 0.01, **timing})
        self.steps = iter(steps)
        self.pauses: list[float] = []
        self.sessions = 0
        self.done = threading.Event()

    def session(self) -> None:
        self.sessions += 1
        step = next(self.steps, None)
        if step is None:
            self.done.set()
            self.stopping.wait()
            return
        step()

    def failed(self, error: Exception) -> float:
        pause = super().failed(error)
        self.pauses.append(pause)
        return pause


def fail() -> None:
    raise ConnectionError("the database is down")


def work() -> None:
    pass


@pytest.fixture
def started() -> Iterator[list[Scripted]]:
    workers: list[Scripted] = []
    yield workers
    for worker in workers:
        worker.stop()
        worker.join(timeout=5)


def run(workers: list[Scripted], worker: Scripted) -> Scripted:
    workers.append(worker)
    worker.start()
    return worker


def stop_time(worker: Worker) -> float:
    start = time.monotonic()
    worker.stop()
    worker.join(timeout=5)
    assert not worker.is_alive()
    return time.monotonic() - start


def test_stop_is_prompt_in_a_period_a_back_off_and_a_session(started: list[Scripted]) -> None:
    periodic = run(started, Scripted([work], period=60))
    backing_off = run(started, Scripted([fail], backoff=60))
    listening = run(started, Scripted([]))
    assert listening.done.wait(5)
    deadline = time.monotonic() + 5
    while not backing_off.pauses and time.monotonic() < deadline:
        time.sleep(0.01)  # until the failing one is in its pause
    assert all(stop_time(w) < 0.5 for w in (periodic, backing_off, listening))
    assert backing_off.pauses == [60]


def test_back_off_doubles_up_to_its_cap_and_resets_after_a_success(
    started: list[Scripted],
) -> None:
    steps = [fail, fail, fail, fail, work, fail, fail, work]
    worker = run(started, Scripted(steps, backoff=0.01, max_backoff=0.04))
    assert worker.done.wait(5)
    assert worker.pauses == [0.01, 0.02, 0.04, 0.04, 0.01, 0.02]
    assert worker.failures == 0
    assert worker.delay == 0.01


def test_the_cap_is_never_below_the_first_pause() -> None:
    assert Scripted([], backoff=10, max_backoff=1).max_backoff == 10


def test_a_failing_step_never_kills_the_thread_and_is_logged_once_per_outage(
    started: list[Scripted], caplog: pytest.LogCaptureFixture
) -> None:
    def crash() -> None:
        raise RuntimeError("a bug in one step")

    with caplog.at_level(logging.DEBUG, logger=__name__):
        worker = run(started, Scripted([crash, fail, fail, work, fail, work]))
        assert worker.done.wait(5)
    assert worker.is_alive()
    assert worker.sessions == 7
    records = [r for r in caplog.records if r.name == __name__]
    errors = [r for r in records if r.levelno == logging.ERROR]
    assert [r.exc_info and r.exc_info[0] for r in errors] == [RuntimeError, ConnectionError]
    recovered = [r.getMessage() for r in records if r.levelno == logging.INFO]
    assert recovered == ["scripted works again after 3 failure(s)",
                         "scripted works again after 1 failure(s)"]  # fmt: skip
    assert sum(r.levelno == logging.DEBUG for r in records) == 2
