"""A view never stops for good on one event: it records the event, skips it, and goes on.

The organizations view stands in for any view: a subclass whose fold raises for chosen
organizations plays a fold with a bug (the real view is the fixed version of it), and one
that blocks or fails a few times plays the database going away or a transient error.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient
from psycopg.sql import SQL

from aggregates.organization import Organization
from api.main import create_app
from cli.main import main as market
from marketplace.bootstrap import Services
from projections.engine import APPLICATION_NAME, ProjectionRunner, View
from projections.failures import Retry
from projections.organizations import OrganizationsView
from projections.rebuild import rebuild
from projections.rows import Rows
from projections.table import Table
from tests.conftest import fresh_database
from tests.services import opened_services
from tests.support import new_enterprise, organization_body

RETRY = Retry(retries=2, backoff=0.01)  # as the settings of `services` say
TOPIC = "aggregates.organization:Organization.Registered"


class FaultyOrganizationsView(OrganizationsView):
    """The organizations view, with a fold that raises for the organizations in `poison`,
    takes a share lock on table `busy` (waiting 50 ms at most) for those in `locking`, and
    at try n of a name in `hold` sets its first event and waits for its second."""

    def __init__(self, pool: Any, poison: set[str] | None = None) -> None:
        super().__init__(pool)
        self.poison = poison or set()
        self.locking: set[str] = set()
        self.hold: dict[str, tuple[int, threading.Event, threading.Event]] = {}
        self.tries: Counter[str] = Counter()

    def fold(self, event: Any, rows: Rows, position: int) -> None:
        if isinstance(event, Organization.Registered):
            name = event.name
            self.tries[name] += 1
            if name in self.poison:
                raise ValueError(f"cannot fold {name}")
            if name in self.hold and self.hold[name][0] == self.tries[name]:
                _, entered, release = self.hold[name]
                entered.set()
                release.wait(10)
            if name in self.locking:
                rows.conn.execute("SET LOCAL lock_timeout = '50ms'")
                rows.conn.execute("LOCK TABLE busy IN SHARE MODE")
        super().fold(event, rows, position)


@pytest.fixture
def url(pg_server_url: str) -> Iterator[str]:
    """A new, empty database for one test, dropped afterwards."""
    with fresh_database(pg_server_url) as created:
        yield created


@pytest.fixture
def services(url: str, tmp_path: Path) -> Iterator[Services]:
    """Migrated services on the test's database; the projections are not started."""
    with opened_services(
        url,
        tmp_path / "data",
        projection_retries=RETRY.retries,
        projection_retry_seconds=RETRY.backoff,
        projection_reconnect_seconds=0.1,
    ) as opened:
        yield opened


@pytest.fixture
def runners() -> Iterator[list[ProjectionRunner]]:
    """Runners a test starts; stopped at its end."""
    started: list[ProjectionRunner] = []
    yield started
    for runner in started:
        runner.stop()
        runner.join(timeout=10)


def run(services: Services, view: OrganizationsView, runners: list[ProjectionRunner]) -> None:
    runner = ProjectionRunner(services.app, services.url, [view], retry=RETRY, reconnect=0.1)
    runners.append(runner)
    runner.start()


def record(services: Services, name: str) -> int:
    """Register an organization straight through the aggregate; the event's position."""
    org = new_enterprise(name)
    position = services.app.record(org)
    assert position is not None
    return position


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def position(url: str) -> int:
    rows = query(url, "SELECT position FROM projection_positions WHERE view = 'organizations'")
    return int(rows[0][0]) if rows else 0


def names(url: str) -> set[str]:
    return {row[0] for row in query(url, "SELECT name FROM organizations")}


def failed(url: str) -> list[tuple[Any, ...]]:
    return query(
        url, "SELECT view, position, topic, error FROM projection_failures ORDER BY position, view"
    )


def status_of_organizations(client: TestClient, services: Services) -> dict[str, Any]:
    body = organization_body("operator")
    services.app.register_organization(
        kind="operator", name=body["name"], credit_code=body["credit_code"],
        region=body["region"], industry=None, contact=None, password=body["password"],
    )  # fmt: skip
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    token = client.post("/api/v1/sessions", json=login).json()["token"]
    answer = client.get("/api/v1/status", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    views = {v["name"]: v for v in answer.json()["views"]}
    organizations: dict[str, Any] = views["organizations"]
    return organizations


def test_an_event_the_view_cannot_apply_is_recorded_and_skipped_and_later_ones_apply(
    services: Services,
    runners: list[ProjectionRunner],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    view = FaultyOrganizationsView(services.db.pool, poison={"毒企业"})
    record(services, "甲企业")
    bad = record(services, "毒企业")
    record(services, "乙企业")
    run(services, view, runners)
    wait_until(lambda: position(services.url) >= bad + 1, "the view to pass the bad event")

    later = record(services, "丙企业")  # the view keeps going
    wait_until(lambda: position(services.url) >= later, "the view to apply a later event")
    assert names(services.url) == {"甲企业", "乙企业", "丙企业"}
    [(view_name, at, topic, error)] = failed(services.url)
    assert (view_name, at, topic) == ("organizations", bad, TOPIC)
    assert error == "ValueError: cannot fold 毒企业"
    assert view.tries["毒企业"] == 2  # in its batch, then alone; a ValueError is not retried

    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        shown = status_of_organizations(client, services)
    assert shown["position"] >= later and shown["failed_count"] == 1
    [listed] = shown["failed_events"]
    assert (listed["position"], listed["topic"], listed["error"]) == (bad, TOPIC, error)
    assert listed["failed_at"]

    monkeypatch.setenv("MARKET_DATABASE_URL", services.url)
    assert market(["status", "--data-dir", str(services.settings.data_dir)]) == 0
    text = capsys.readouterr().out
    assert "organizations: 1 event(s) could not be applied" in text
    assert f"position {bad}  {TOPIC}" in text and "ValueError: cannot fold 毒企业" in text
    assert market(["status", "--json", "--data-dir", str(services.settings.data_dir)]) == 0
    views = {v["name"]: v for v in json.loads(capsys.readouterr().out)["views"]}
    assert views["organizations"]["failed_events"][0]["position"] == bad
    assert views["listings"]["failed_count"] == 0


def test_rebuild_records_what_it_cannot_apply_and_replays_it_once_the_fold_is_fixed(
    services: Services,
    runners: list[ProjectionRunner],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = FaultyOrganizationsView(services.db.pool, poison={"毒企业", "后来的毒企业"})
    good = [record(services, f"企业 {i}") for i in range(5)]
    bad = record(services, "毒企业")
    good += [record(services, f"企业 {i}") for i in range(5, 9)]
    run(services, view, runners)
    wait_until(lambda: position(services.url) >= good[-1], "the live view to catch up")
    live = runners.pop()
    live.stop()
    live.join(timeout=10)

    # Rebuilt with the faulty fold: small pages and flushes, so the bad event is met while
    # replaying; another one arrives during the replay and is met by the swap.
    arrived: list[int] = []

    def progress(names: str, done: int, total: int, rate: float) -> None:
        if not arrived:
            arrived.append(record(services, "后来的毒企业"))

    rebuild(services.app, services.url, [view], page=2, flush_every=3, progress=progress,
            retry=RETRY)  # fmt: skip
    assert [row[1] for row in failed(services.url)] == [bad, arrived[0]]
    assert position(services.url) == arrived[0]
    assert names(services.url) == {f"企业 {i}" for i in range(9)}
    assert query(services.url, "SELECT nspname FROM pg_namespace WHERE nspname ~ '^rebuild_'") == []

    # The real view is the fixed fold: `market rebuild organizations` applies both, clears both.
    monkeypatch.setenv("MARKET_DATABASE_URL", services.url)
    assert market(["rebuild", "organizations", "--data-dir", str(services.settings.data_dir)]) == 0
    assert failed(services.url) == []
    assert names(services.url) == {f"企业 {i}" for i in range(9)} | {"毒企业", "后来的毒企业"}
    assert position(services.url) == arrived[0]


def test_a_lock_timeout_is_retried_with_back_off_not_recorded(
    services: Services, runners: list[ProjectionRunner]
) -> None:
    view = FaultyOrganizationsView(services.db.pool)
    view.locking.add("忙企业")
    asked, released = threading.Event(), threading.Event()
    view.hold["忙企业"] = (3, asked, released)  # the second retry waits for the lock's release
    record(services, "甲企业")
    busy = record(services, "忙企业")
    with psycopg.connect(services.url) as holder:
        holder.execute("CREATE TABLE busy ()")
        holder.commit()
        holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        run(services, view, runners)
        assert asked.wait(10)  # its batch and its first try alone timed out on the lock
    released.set()
    wait_until(lambda: position(services.url) >= busy, "the view to apply the event")
    assert names(services.url) == {"甲企业", "忙企业"}
    assert failed(services.url) == []
    assert view.tries["忙企业"] == 3


def test_a_lost_connection_is_retried_after_reconnecting_never_recorded(
    services: Services, runners: list[ProjectionRunner]
) -> None:
    view = FaultyOrganizationsView(services.db.pool)
    entered, release = threading.Event(), threading.Event()
    view.hold["慢企业"] = (1, entered, release)
    slow = record(services, "慢企业")
    run(services, view, runners)
    assert entered.wait(10)
    # The runner is inside its transaction: the server ends its connections under it.
    ended = query(
        services.url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
        APPLICATION_NAME,
    )
    assert ended and all(row[0] for row in ended)
    release.set()
    wait_until(lambda: position(services.url) >= slow, "the view to apply the event")
    assert names(services.url) == {"慢企业"}
    assert failed(services.url) == []
    assert view.tries["慢企业"] == 2  # once when the connection was lost, once after


def test_an_event_that_cannot_be_decoded_is_recorded_by_every_view_that_reads_it(
    services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    services.start_projections()
    record(services, "甲企业")
    broken = StoredEvent(uuid.uuid4(), 1, TOPIC, b"{not json")
    [bad] = services.app.recorder.insert_events([broken]) or [0]
    later = record(services, "乙企业")
    assert services.watcher.wait_sync(later, timeout=20), services.watcher.positions
    readers = {view.name for view in services.views.all() if TOPIC in view.topics()}
    assert "organizations" in readers
    found = failed(services.url)
    assert {row[0] for row in found} == readers
    assert all(row[1:3] == (bad, TOPIC) for row in found)
    assert all(row[3].startswith("UndecodableEventError: ") for row in found), found
    assert names(services.url) == {"甲企业", "乙企业"}

    # A rebuild cannot decode it either: it records it again, goes on, and says so.
    monkeypatch.setenv("MARKET_DATABASE_URL", services.url)
    assert market(["rebuild", "organizations", "--data-dir", str(services.settings.data_dir)]) == 0
    assert "organizations: 1 event(s) still cannot be applied" in capsys.readouterr().err
    assert failed(services.url) == found
    assert names(services.url) == {"甲企业", "乙企业"}


class NamesView(View):
    """A test view that indexes organization names, and gives "巨企业" a name far longer than
    a btree index entry may be: PostgreSQL refuses that row (program_limit_exceeded, which
    psycopg raises as an OperationalError although the connection is fine)."""

    name = "names"
    tables = (Table("names", ("id uuid PRIMARY KEY", "name text NOT NULL")),)
    event_classes = (Organization.Registered,)
    schema = (
        tables[0].create,
        SQL("CREATE INDEX IF NOT EXISTS names_name_idx ON names (name)"),
    )

    def fold(self, event: Any, rows: Rows, position: int) -> None:
        name = event.name
        if name == "巨企业":  # about 24 kB that do not compress
            name = "".join(uuid.uuid5(uuid.NAMESPACE_URL, str(i)).hex for i in range(750))
        rows.put("names", {"id": event.originator_id, "name": name})


def test_a_row_postgresql_refuses_is_recorded_and_the_rest_of_its_batch_applies(
    services: Services, runners: list[ProjectionRunner]
) -> None:
    view = NamesView(services.db.pool)
    with psycopg.connect(services.url, autocommit=True) as conn:
        for statement in view.schema:
            conn.execute(statement)
    record(services, "甲企业")
    bad = record(services, "巨企业")
    later = record(services, "乙企业")
    runner = ProjectionRunner(services.app, services.url, [view], retry=RETRY, reconnect=0.1)
    runners.append(runner)
    runner.start()

    def names_position() -> int:
        rows = query(services.url, "SELECT position FROM projection_positions WHERE view = 'names'")
        return int(rows[0][0]) if rows else 0

    wait_until(lambda: names_position() >= later, "the view to pass the refused row")
    assert {r[0] for r in query(services.url, "SELECT name FROM names")} == {"甲企业", "乙企业"}
    [(view_name, at, topic, error)] = failed(services.url)
    assert (view_name, at, topic) == ("names", bad, TOPIC)
    assert error.startswith("ProgramLimitExceeded: index row "), error
    runners.pop().stop()

    # A rebuild loads the rows first and indexes them after: the index is refused then, and
    # the view is built again with its index first, the same event recorded.
    rebuild(services.app, services.url, [view], retry=RETRY)
    assert {r[0] for r in query(services.url, "SELECT name FROM names")} == {"甲企业", "乙企业"}
    assert [row[:3] for row in failed(services.url)] == [("names", bad, TOPIC)]
    assert query(services.url, "SELECT to_regclass('public.names_name_idx') IS NOT NULL") == [
        (True,)
    ]
    assert names_position() == later
