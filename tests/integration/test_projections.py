"""Projections end to end: live views equal a rebuild from scratch, through crashes and swaps.

Every test gets a database of its own. "Equal" always means: every table of every view, read
row by row in key order, is the same after a clean rebuild (`projections.rebuild.rebuild`,
which replays the whole log into fresh tables and swaps them in) as it was before it. A
fold that applied an event twice, lost one, or wrote rows without their position (or the
other way round) shows up as a difference.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from psycopg.rows import dict_row
from psycopg.sql import SQL, Identifier

from aggregates.errors import DomainError
from aggregates.policy import Policy, checked
from aggregates.posting import Posting
from api.main import create_app
from marketplace.application import Marketplace
from marketplace.bootstrap import Services, head_position
from marketplace.postings import draft_sale_contract
from marketplace.stores import security
from projections.engine import View
from projections.rebuild import rebuild, shadow_schema
from tests.budgets import GENEROUS_BUDGETS
from tests.conftest import fresh_database
from tests.services import opened_services
from tests.support import new_enterprise, organization_body, posting_body

ROOT = Path(__file__).resolve().parents[2]
Snapshot = dict[str, list[dict[str, Any]]]

TITLES = [
    ("采购不锈钢板材 500 吨", "Need 304 stainless steel plates, 2mm, delivered to Hangzhou."),
    ("供应新能源汽车电池模组", "Lithium battery modules for electric vehicles, 48V."),
    ("Industrial sewing machines wanted", "Second-hand machines in good condition, Ningbo."),
    ("Organic green tea, bulk supply", "西湖龙井 2024 spring harvest, vacuum packed."),
    ("求购食品级包装袋", "复合包装袋，印刷四色，月需求十万只。"),
]


# Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Registrations hash a password (≈ 0.2 s of CPU each at the defaults); not tested here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        yield


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
        scheduler_interval_seconds=0.3,
        checkpoint_interval_seconds=0.3,
        command_retries=30,
        **GENEROUS_BUDGETS,
    ) as opened:
        yield opened


# Helpers ----------------------------------------------------------------------------------


def snapshot(url: str, views: list[View]) -> Snapshot:
    """Every row of every table of the views, in key order."""
    tables: Snapshot = {}
    with psycopg.connect(url, row_factory=dict_row) as conn:
        for view in views:
            for table in view.tables:
                query = SQL("SELECT {} FROM {} ORDER BY {}").format(
                    SQL(", ").join(Identifier(c) for c in table.columns),
                    Identifier("public", table.name),
                    Identifier(table.key),
                )
                tables[table.name] = conn.execute(query).fetchall()
    return tables


def assert_same(expected: Snapshot, actual: Snapshot) -> None:
    """Equal snapshots; otherwise name the first rows that differ in each table."""
    assert expected.keys() == actual.keys()
    problems = []
    for name, rows in expected.items():
        others = actual[name]
        if rows == others:
            continue
        missing = [r for r in rows if r not in others][:3]
        extra = [r for r in others if r not in rows][:3]
        problems.append(
            f"{name}: {len(rows)} rows expected, {len(others)} found;"
            f"\n  expected, not found: {missing}\n  found, not expected: {extra}"
        )
    assert not problems, "\n".join(problems)


def clean_rebuild(services: Services) -> Snapshot:
    """Rebuild every view from the whole log (fresh tables, swapped in), then snapshot it."""
    views = services.views.all()
    rebuild(services.app, services.url, views)
    return snapshot(services.url, views)


def positions(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT view, position FROM projection_positions").fetchall()
    return {str(view): int(position) for view, position in rows}


def shadow_positions(url: str, views: list[View]) -> dict[str, int]:
    """The position each view's interrupted rebuild has flushed (views with a shadow only)."""
    found = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for view in views:
            table = f"{shadow_schema(view)}.projection_positions"
            exists = conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()
            if exists and exists[0] is not None:
                row = conn.execute(
                    SQL("SELECT position FROM {}.projection_positions WHERE view = %s").format(
                        Identifier(shadow_schema(view))
                    ),
                    (view.name,),
                ).fetchone()
                found[view.name] = int(row[0]) if row else 0
    return found


def shadow_schemas(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%' ORDER BY 1"
        ).fetchall()
    return [str(r[0]) for r in rows]


def count_events(url: str, topic_suffix: str, up_to: int) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM marketplace_events WHERE topic LIKE %s AND notification_id <= %s",
            ("%" + topic_suffix, up_to),
        ).fetchone()
    return int(row[0]) if row else 0


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


def terms(index: int, expires_at: datetime) -> dict[str, Any]:
    title, description = TITLES[index % len(TITLES)]
    return {
        "side": "demand" if index % 2 else "supply",
        "title": f"{title} #{index}",
        "description": description,
        "category": "C31",
        "quantity": Decimal(100 + index % 50),
        "unit": "吨",
        "price_min": Decimal("1000.00") if index % 3 else None,
        "price_max": Decimal("2000.00"),
        "currency": "CNY",
        "region": ["330106", "310101", "440305"][index % 3],
        "expires_at": expires_at,
    }


def write_history(app: Marketplace, postings: int, bids: int, organizations: int = 40) -> int:
    """A log written straight through aggregates, many per transaction; its head position.

    Postings get `bids` bids each; then, by turns, one is accepted (with its contract), one
    withdrawn, one rejected, the posting withdrawn, or (with no bids) revised then expired."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    orgs = [new_enterprise(f"历史企业 {i}") for i in range(organizations)]
    head = app.record(*orgs) or 0
    ids = [org.id for org in orgs]
    pending: list[Any] = []
    for i in range(postings):
        owner = ids[i % len(ids)]
        posting = Posting(owner_id=owner, **terms(i, now + timedelta(days=30)))
        fate = i % 6
        placed = []
        for bidder in rng.sample([b for b in ids if b != owner], bids if fate != 5 else 0):
            bid_id = uuid.uuid4()
            price = Decimal(rng.randint(1000, 2000))
            posting.place_bid(bid_id, bidder, price, Decimal(100), 10, "可按期交货", now)
            placed.append((bid_id, bidder))
        pending.append(posting)
        if fate == 0 and placed:
            bid_id = placed[0][0]
            source = {"posting_id": str(posting.id), "bid_id": str(bid_id)}
            bid = posting.accept_bid(bid_id, uuid.uuid4(), None, now)
            pending.append(draft_sale_contract(posting, bid, source))
        elif fate == 1 and placed:
            posting.withdraw_bid(*placed[0])
        elif fate == 2 and placed:
            posting.reject_bid(placed[0][0], "价格过高")
        elif fate == 3:
            posting.withdraw()
        elif fate == 5:
            posting.revise({"title": f"修订：{posting.title}", "quantity": Decimal(7)}, now)
            posting.expire(now + timedelta(days=31))  # as the scheduler would, a month on
        if len(pending) >= 40:
            head = app.record(*pending) or head
            pending.clear()
    pending.extend(policies(ids[0]))
    if pending:
        head = app.record(*pending) or head
    return head


def policies(publisher: UUID) -> list[Policy]:
    """Policy items: one as published, one revised, one withdrawn."""
    items = []
    for i, regions in enumerate([[], ["33"], ["4403", "310101"]]):
        fields = {
            "title": f"中小企业纾困政策 {i}",
            "body": "减免租金与社保缓缴。Rent relief and deferred social insurance.",
            "issuer": "市中小企业服务中心",
            "document_number": None,
            "topics": ["fiscal_tax", "social_security"],
            "regions": regions,
            "industries": ["C39"] if i else [],
            "effective_from": date(2026, 1, 1),
            "effective_until": None,
            "url": None,
        }
        items.append(Policy(publisher_id=publisher, **checked(fields)))
    items[1].revise(publisher, title="修订：中小企业纾困政策", effective_until=date(2027, 6, 30))
    items[2].withdraw(publisher)
    return items


def projector(url: str, data_dir: Path, batch_size: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MARKET_DATABASE_URL": url,
        "MARKET_DATA_DIR": str(data_dir),
        "MARKET_PROJECTION_BATCH_SIZE": str(batch_size),
    }
    command = [sys.executable, "-m", "cli", "--log-level", "warning", "project"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def finish(process: subprocess.Popen[bytes], sig: int | None = signal.SIGTERM) -> str:
    """Its output once it has exited (after `sig`, if any, and a kill if it takes 30 s)."""
    if process.poll() is None and sig is not None:
        process.send_signal(sig)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate(timeout=10)
    return out.decode(errors="replace") if out else ""


# The rebuild, run in a process of its own so that it can be killed: `market rebuild` with
# small pages and frequent flushes, and an optional pause per page so it can be caught.
REBUILD_SCRIPT = """
import sys, time
from marketplace.bootstrap import open_services
from marketplace.settings import Settings
from projections.rebuild import rebuild

pause = float(sys.argv[1])
seen = []

def progress(names, done, total, rate):
    if not seen:
        seen.append(done)
        print("first-progress-at", done, flush=True)
    time.sleep(pause)

services = open_services(Settings())
try:
    rebuild(services.app, services.url, services.views.all(), page=200, flush_every=500,
            progress=progress)
finally:
    services.close()
print("rebuilt", flush=True)
"""


def rebuild_process(url: str, data_dir: Path, pause: float) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MARKET_DATABASE_URL": url, "MARKET_DATA_DIR": str(data_dir)}
    return subprocess.Popen(
        [sys.executable, "-c", REBUILD_SCRIPT, str(pause)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


# Live views equal a rebuild ----------------------------------------------------------------


class Traffic:
    """Commands of every kind from several threads, on the use cases, with random choices
    among the postings and bids that are still open (so that most commands are accepted)."""

    def __init__(self, app: Marketplace, orgs: list[UUID]) -> None:
        self.app = app
        self.orgs = orgs
        self.owners: dict[UUID, UUID] = {}  # every posting published, and its owner
        self.bids: list[UUID] = []  # every bid placed
        self.open: list[UUID] = []  # postings neither withdrawn nor awarded
        self.active: list[tuple[UUID, UUID, UUID]] = []  # (posting, bid, bidder) submitted
        self.short_lived: list[UUID] = []
        self.last_deadline = 0.0  # time.time() when the last short-lived posting expires
        self.lock = threading.Lock()
        self.done = 0
        self.refused = 0

    def run(self, thread: int, commands: int) -> None:
        rng = random.Random(thread)
        for n in range(commands):
            try:
                self.command(rng, thread * 1000 + n)
            except DomainError:
                with self.lock:
                    self.refused += 1
            with self.lock:
                self.done += 1

    def _close(self, posting_id: UUID) -> None:
        with self.lock:
            if posting_id in self.open:
                self.open.remove(posting_id)
            self.active = [a for a in self.active if a[0] != posting_id]

    def _settle(self, bid: tuple[UUID, UUID, UUID]) -> None:
        with self.lock:
            if bid in self.active:
                self.active.remove(bid)

    def command(self, rng: random.Random, index: int) -> None:
        with self.lock:
            open_, active = list(self.open), list(self.active)
        action = rng.random()
        if action < 0.25 or not open_:
            owner = rng.choice(self.orgs)
            lifetime = timedelta(seconds=2) if rng.random() < 0.1 else timedelta(days=10)
            expires_at = datetime.now(UTC) + lifetime
            posting_id = self.app.publish_posting(owner, **terms(index, expires_at)).aggregate.id
            with self.lock:
                self.owners[posting_id] = owner
                self.open.append(posting_id)
                if lifetime.days == 0:
                    self.short_lived.append(posting_id)
                    self.last_deadline = max(self.last_deadline, expires_at.timestamp())
        elif action < 0.65 or not active:
            posting_id = rng.choice(open_)
            bidder = rng.choice([o for o in self.orgs if o != self.owners[posting_id]])
            outcome = self.app.place_bid(
                posting_id,
                bidder,
                unit_price=Decimal(rng.randint(900, 2100)),
                quantity=Decimal(rng.randint(1, 100)),
                delivery_days=rng.choice([None, 7, 30]),
                message=rng.choice([None, "可议价", "Can deliver early"]),
            )
            with self.lock:
                self.bids.append(outcome.bid.id)
                self.active.append((posting_id, outcome.bid.id, bidder))
        elif action < 0.72:
            bid = posting_id, bid_id, bidder = rng.choice(active)
            self.app.withdraw_bid(posting_id, bid_id, bidder)
            self._settle(bid)
        elif action < 0.79:
            bid = posting_id, bid_id, _ = rng.choice(active)
            reason = rng.choice([None, "价格过高"])
            self.app.reject_bid(posting_id, bid_id, self.owners[posting_id], reason)
            self._settle(bid)
        elif action < 0.86:
            posting_id, bid_id, _ = rng.choice(active)
            self.app.accept_bid(posting_id, bid_id, self.owners[posting_id])
            self._close(posting_id)
        elif action < 0.94:
            with_bids = {a[0] for a in active}
            posting_id = rng.choice([p for p in open_ if p not in with_bids] or open_)
            title = rng.choice(["修订：采购铝型材", "Revised: aluminium profiles wanted"])
            self.app.revise_posting(posting_id, self.owners[posting_id], {"title": title})
        elif action < 0.97:
            posting_id = rng.choice(open_)
            self.app.withdraw_posting(posting_id, self.owners[posting_id])
            self._close(posting_id)
        else:  # an operator takes it down
            posting_id = rng.choice(open_)
            self.app.remove_posting(posting_id, rng.choice(["违法信息", "Fraudulent posting"]))
            self._close(posting_id)


def register(app: Marketplace, kind: str = "enterprise") -> UUID:
    body = organization_body(kind)
    outcome = app.register_organization(
        kind=kind,
        name=body["name"],
        credit_code=body["credit_code"],
        region=body["region"],
        industry=body.get("industry"),
        contact={"person": "张三", "phone": "+86 571 8888 0000"} if kind == "bank" else None,
        password=body["password"],
    )
    org_id: UUID = outcome.aggregate.id
    return org_id


def test_views_built_live_under_concurrent_commands_equal_a_rebuild(services: Services) -> None:
    app = services.app
    services.start_projections()
    orgs = [register(app) for _ in range(12)]
    banks = [register(app, "bank") for _ in range(3)]
    app.verify_organization(banks[0])
    app.suspend_organization(banks[1], "冒用信用代码")
    app.suspend_organization(banks[2], "Impostor")
    app.reinstate_organization(banks[2], "Verified by phone")
    traffic = Traffic(app, orgs)
    threads = [
        threading.Thread(target=traffic.run, args=(t, 60), name=f"traffic-{t}") for t in range(6)
    ]
    for thread in threads:
        thread.start()
    # A rebuild in the middle of the traffic: its swap must fold what arrived meanwhile.
    wait_until(lambda: traffic.done >= 120, 30, "a third of the commands")
    rebuild(services.app, services.url, services.views.all(), page=100, flush_every=300)
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert traffic.done == 360
    assert traffic.refused < 90, f"{traffic.refused} of 360 commands refused"

    # Postings that lived two seconds expire, through the use case as the scheduler calls it.
    time.sleep(max(0.0, traffic.last_deadline - time.time() + 0.05))
    for posting_id in traffic.short_lived:
        with contextlib.suppress(DomainError):  # awarded or withdrawn, or the scheduler was first
            app.expire_posting(posting_id)
    head = head_position(services.db)
    assert services.watcher.wait_sync(head, timeout=10), (head, services.watcher.positions)

    views = services.views.all()
    live = snapshot(services.url, views)
    assert len(live["organizations"]) == 15
    assert len(live["listings"]) == len(traffic.owners)
    assert len(live["bids"]) == len(traffic.bids) > 50
    statuses = {row["status"] for row in live["listings"]}
    assert {"open", "awarded", "withdrawn"} <= statuses, statuses
    suspended = {row["id"]: row["suspended"] for row in live["organizations"]}
    assert (suspended[banks[1]], suspended[banks[2]]) == (True, False)
    assert {row["status"] for row in live["bids"]} >= {"submitted", "withdrawn", "rejected"}
    # The views agree with the aggregates, not only with themselves.
    for row in live["listings"]:
        posting = app.get_posting(row["id"])
        assert (row["status"], row["version"], row["title"]) == (
            posting.status,
            posting.version,
            posting.title,
        )
        assert row["bid_count"] == sum(b.status != "withdrawn" for b in posting.bids.values())
    bid_status = {
        bid.id: bid.status
        for posting_id in traffic.owners
        for bid in app.get_posting(posting_id).bids.values()
    }
    assert {row["id"]: row["status"] for row in live["bids"]} == bid_status

    assert_same(live, clean_rebuild(services))


def test_bank_product_revisions_and_retirement_fold_as_a_rebuild_does(services: Services) -> None:
    app = services.app
    services.start_projections()
    bank = register(app, "bank")
    app.verify_organization(bank)
    terms: dict[str, Any] = {
        "name": "科创信用贷", "product_type": "credit_loan",
        "amount_min": Decimal("100000"), "amount_max": Decimal("5000000"),
        "term_min": 6, "term_max": 36, "rate_min": Decimal("3.45"), "rate_max": Decimal("6.5"),
        "regions": ["33"],
    }  # fmt: skip
    kept = app.publish_bank_product(bank, **terms).aggregate.id
    gone = app.publish_bank_product(bank, **terms).aggregate.id
    changes = {"rate_max": Decimal("6.1"), "regions": ["33", "3201"]}
    app.revise_bank_product(kept, bank, changes)
    app.retire_bank_product(gone, bank)
    head = head_position(services.db)
    assert services.watcher.wait_sync(head, timeout=10), (head, services.watcher.positions)

    live = snapshot(services.url, services.views.all())
    rows = {row["id"]: row for row in live["bank_products"]}
    assert (rows[kept]["rate_max"], rows[kept]["regions"]) == (Decimal("6.1"), ["33", "3201"])
    assert (rows[kept]["status"], rows[kept]["version"]) == ("active", 2)
    assert (rows[gone]["status"], rows[gone]["version"]) == ("retired", 2)
    assert_same(live, clean_rebuild(services))


# Crashes --------------------------------------------------------------------------------


def test_projector_killed_mid_catch_up_resumes_to_what_a_rebuild_builds(
    services: Services, tmp_path: Path
) -> None:
    head = write_history(services.app, postings=600, bids=5)
    assert head >= 3500
    views = services.views.all()
    process = projector(services.url, tmp_path / "data", batch_size=50)
    try:
        # Kill it once every view has applied some batches but none has reached the head.
        def some_done() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the projector exited:\n{finish(process)}")
            found = positions(services.url)
            return len(found) == len(views) and min(found.values()) > 0

        wait_until(some_done, 60, "the first batches")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        finish(process)
    at_kill = positions(services.url)
    # Every view had applied some batches; the slowest ones (listings: jieba) were not done.
    assert all(0 < p <= head for p in at_kill.values()), (at_kill, head)
    assert at_kill["listings"] < head and at_kill["bids"] < head, (at_kill, head)
    # Rows and position are written together: the rows hold exactly the events up to it.
    with psycopg.connect(services.url) as conn:
        listed = conn.execute("SELECT count(*) FROM listings").fetchone()
        bids = conn.execute("SELECT count(*) FROM bids").fetchone()
    assert listed and listed[0] == count_events(
        services.url, "Posting.Published", at_kill["listings"]
    )
    assert bids and bids[0] == count_events(services.url, "Posting.BidPlaced", at_kill["bids"])

    process = projector(services.url, tmp_path / "data", batch_size=50)
    try:
        wait_until(
            lambda: set(positions(services.url).values()) == {head}, 60, "the catch-up to the head"
        )
    finally:
        output = finish(process)
    assert process.returncode == 0, output
    live = snapshot(services.url, views)
    assert len(live["listings"]) == 600
    assert_same(live, clean_rebuild(services))


def test_rebuild_killed_mid_way_resumes_from_its_shadow_tables(
    services: Services, tmp_path: Path
) -> None:
    head = write_history(services.app, postings=500, bids=5)
    services.start_projections()
    assert services.watcher.wait_sync(head, timeout=20)
    views = services.views.all()
    live = snapshot(services.url, views)

    process = rebuild_process(services.url, tmp_path / "data", pause=0.05)
    try:

        def flushed() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the rebuild exited:\n{finish(process)}")
            found = shadow_positions(services.url, views)
            return len(found) == len(views) and min(found.values()) > 0

        wait_until(flushed, 60, "the rebuild's first flush of every view")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        finish(process)
    at_kill = shadow_positions(services.url, views)
    assert set(at_kill) == {view.name for view in views}
    assert all(0 < p < head for p in at_kill.values()), (at_kill, head)
    assert positions(services.url) == dict.fromkeys(at_kill, head)  # the live views: untouched

    process = rebuild_process(services.url, tmp_path / "data", pause=0.0)
    output = finish(process, None)  # let it run to completion
    assert process.returncode == 0, output
    assert "rebuilt" in output
    first = int(output.split("first-progress-at", 1)[1].split()[0])
    assert first > min(at_kill.values()), f"it started over instead of resuming:\n{output}"
    assert shadow_schemas(services.url) == []
    assert positions(services.url) == dict.fromkeys(at_kill, head)
    assert_same(live, snapshot(services.url, views))


# Reads during a rebuild -------------------------------------------------------------------


def listings_oid(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT 'public.listings'::regclass::oid").fetchone()
    assert row is not None
    return int(row[0])


def test_api_answers_during_a_rebuild_and_reads_the_new_tables_after_it(
    services: Services,
) -> None:
    head = write_history(services.app, postings=60, bids=4)
    services.start_projections()
    assert services.watcher.wait_sync(head, timeout=10)
    with TestClient(create_app(services), raise_server_exceptions=False) as client:
        path = "/api/v1/postings?status=all&limit=200"
        before = client.get(path)
        assert before.status_code == 200
        items = before.json()["items"]
        assert len(items) == 60
        oid = listings_oid(services.url)

        progress_calls = []

        def slowly(names: str, done: int, total: int, rate: float) -> None:
            progress_calls.append(done)
            time.sleep(0.05)

        failures: list[BaseException] = []

        def run_rebuild() -> None:
            try:
                rebuild(services.app, services.url, services.views.all(), page=10, progress=slowly)
            except BaseException as error:
                failures.append(error)

        worker = threading.Thread(target=run_rebuild)
        started = time.monotonic()
        worker.start()
        answers = 0
        while worker.is_alive():
            during = client.get(path)
            assert during.status_code == 200, during.text
            assert during.json()["items"] == items
            answers += 1
        worker.join()
        assert not failures, failures
        assert time.monotonic() - started > 1.5 and len(progress_calls) >= 30
        assert answers >= 10

        assert listings_oid(services.url) != oid, "the rebuilt table was not swapped in"
        after = client.get(path)
        assert after.status_code == 200
        assert after.json()["items"] == items

        # The live runner goes on, on the new tables.
        account = organization_body()
        assert client.post("/api/v1/organizations", json=account).status_code == 201
        session = client.post(
            "/api/v1/sessions",
            json={"credit_code": account["credit_code"], "password": account["password"]},
        )
        token = session.json()["token"]
        created = client.post(
            "/api/v1/postings",
            json=posting_body(title="求购实验室离心机"),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        written = created.json()
        fresh = client.get(f"{path}&min_position={written['position']}")
        assert fresh.status_code == 200
        assert fresh.json()["items"][0]["id"] == written["id"]
        assert fresh.json()["items"][1:] == items
        found = client.get("/api/v1/postings", params={"q": "离心机"})
        assert [p["id"] for p in found.json()["items"]] == [written["id"]]
