"""Calls fired at once from many threads, and the applications the integration tests fire them on.

`at_once` releases every call together behind a barrier and gives back each result or exception;
the HTTP tests use `responses_at_once`, which raises instead. The integration tests run each
scenario on one `Marketplace` and on two `open_services` of one database, as two API workers
would be (`App`, `app_fixtures`).
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

import psycopg
import pytest
from argon2 import PasswordHasher
from eventsourcing.persistence import IntegrityError
from psycopg.sql import SQL, Identifier

from marketplace import commands
from marketplace.application import Marketplace
from marketplace.bootstrap import Services, open_services
from marketplace.commands import Outcome
from marketplace.settings import Settings
from marketplace.stores import security

T = TypeVar("T")


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, all released together; each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait(timeout=30)
        try:
            results[index] = call()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a call did not finish"
    return results


def responses_at_once(calls: list[Callable[[], T]]) -> list[T]:
    """As `at_once`, but a call that raised raises here (requests through a test client)."""
    results = at_once(calls)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def tracebacks(errors: list[Any]) -> str:
    """The first error's traceback and a count of all, for an assertion message."""
    kinds = Counter(repr(e) for e in errors)
    first = next((e for e in errors if isinstance(e, BaseException)), None)
    shown = "".join(traceback.format_exception(first)) if first else ""
    return f"{dict(kinds)}\n{shown}"


def stored(url: str, app: Marketplace, topic: str, originators: list[UUID]) -> int:
    """How many events of this topic the event table holds for these originators."""
    table = app.recorder.events_table_name  # type: ignore[attr-defined]  # marketplace_events
    query = SQL("SELECT count(*) FROM {} WHERE topic = %s AND originator_id = ANY(%s)")
    with psycopg.connect(url) as conn:
        row = conn.execute(query.format(Identifier(table)), (topic, originators)).fetchone()
    assert row is not None
    return int(row[0])


def settings(url: str) -> Settings:
    """The defaults, but with more retries on a version conflict than the default 10.

    In the two-application runs of `test_concurrency` the second application does not queue on
    the advisory lock, so its writers race the first one's queue and can lose many times in a
    row. Measured there (5,000 such bids each): with 10 retries 39 ended in "too many
    concurrent changes"; with 20 none, at most 15 conflicts; with 30 none, at most 13. Every
    real writer queues on the lock, so production needs no more than the default.
    """
    return Settings(database_url=url, command_retries=30)


@contextlib.contextmanager
def cheap_password_hashes() -> Iterator[None]:
    """Registrations hash a password (≈ 0.2 s of CPU each at the defaults); not tested here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        yield


@dataclass
class App:
    """One `Marketplace` of its own `open_services`, counting the version conflicts it met."""

    services: Services
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def app(self) -> Marketplace:
        return self.services.app

    def count_conflicts(self) -> None:
        record = self.app.record

        def counting(*args: Any, **kwargs: Any) -> int | None:
            try:
                return record(*args, **kwargs)
            except IntegrityError:
                with self.lock:
                    self.conflicts += 1
                raise

        self.app.record = counting  # type: ignore[method-assign]

    def use_own_locks(self, *, database_lock: bool = True) -> None:
        """Striped locks of this application alone, as if it ran in a process of its own.

        With `database_lock=False` it also skips the PostgreSQL advisory lock, like a writer
        that does not queue: its writes then meet the others' as version conflicts.

        `MarketplaceBase.change` takes its stripe from a module-level list, which every
        application of a process shares: without this the two applications of a test
        would still take turns, and never meet in the database.
        """
        app = self.app
        stripes = [threading.Lock() for _ in range(len(commands._STRIPES))]
        signature = inspect.signature(type(app).change)

        def change(*args: Any, **kwargs: Any) -> Outcome:
            bound = signature.bind(app, *args, **kwargs)
            bound.apply_defaults()
            arguments = {k: v for k, v in bound.arguments.items() if k != "self"}
            with stripes[hash(arguments["aggregate_id"]) % len(stripes)]:
                return app._change(**arguments)

        app.change = change  # type: ignore[method-assign]
        if not database_lock:
            app._serialized = lambda _: contextlib.nullcontext()  # type: ignore[method-assign]


@contextlib.contextmanager
def opened_app(url: str, settings: Settings, *, projections: bool = False) -> Iterator[App]:
    """An `App` on its own `open_services` of `url` (with the views running if asked), closed
    afterwards."""
    services = open_services(settings, url=url)
    try:
        if projections:
            services.start_projections()
        yield App(services)
    finally:
        services.close()


def app_fixtures(
    settings: Callable[[str], Settings], *, projections: bool = False, database_lock: bool = True
) -> tuple[Any, Any, Any]:
    """A concurrency module's `first`, `second` and `apps` fixtures (module scope), for it to
    name: two `App`s on its settings, both counting version conflicts, the second with striped
    locks of its own (and without the database lock if `database_lock=False`), the first
    running the views if `projections`; `apps` is `[first]`, then `[first, second]`: thread i
    uses apps[i % len(apps)]."""

    @pytest.fixture(scope="module")
    def first(database_url: str) -> Iterator[App]:
        with opened_app(database_url, settings(database_url), projections=projections) as app:
            app.count_conflicts()
            yield app

    @pytest.fixture(scope="module")
    def second(database_url: str, first: App) -> Iterator[App]:
        with opened_app(database_url, settings(database_url)) as app:
            app.count_conflicts()
            app.use_own_locks(database_lock=database_lock)
            yield app

    @pytest.fixture(scope="module", params=["one_app", "two_apps"])
    def apps(request: pytest.FixtureRequest, first: App, second: App) -> list[App]:
        return [first] if request.param == "one_app" else [first, second]

    return first, second, apps
