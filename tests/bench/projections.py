"""Projection engine figures, each printed beside a baseline measured in the same run.

    .venv/bin/python tests/bench/projections.py [--events 200000] [--rate 200] [--seconds 15]
        [--reads 500] [--projector thread|process] [--breakdown]

Starts a private PostgreSQL (or uses `MARKET_BENCH_DATABASE_URL`, which should name a
throwaway database: the run leaves its events there) and writes a log of at least `--events`
events through the aggregates (organizations, postings in Chinese and English, bids, awards,
withdrawals), many aggregates per transaction. Then:

1. rebuild rate: `projections.rebuild.rebuild` of every view over the whole log, in events/s,
   against the baseline of a raw scan of the same event table (`SELECT … ORDER BY
   notification_id` in pages of 5,000, each row deserialised by the application's mapper).
   Target: ratio ≥ 0.5.
2. live lag: with the projections running (in this process, as in `market serve`), commands
   (publish a posting, place a bid) at a steady `--rate` per second for `--seconds`; for each,
   the time from its commit (the use case returned) to the `market_projected` notification
   that the listings view has applied it (rows and position are committed together, so it is
   visible then). Baseline: a raw NOTIFY round trip on the same server, at the same pace, from
   sending an autocommitted NOTIFY on one connection to its arrival on a LISTENing one.
   Target: p99 ≤ 20 ms. Also printed: the rate the same load reaches with no projections
   running (can this machine issue it at all?), and database commits and `market_projected`
   notifications per command. `--projector process` runs the views in `market project`.
3. read-your-writes: through the ASGI app (`fastapi.testclient`), `POST /postings` then `GET
   /postings?owner=…&min_position=P`, from the POST's return to the GET answering with the new
   item, one after the other. Baseline: the same GET without `min_position`, once visible.

`--breakdown` also times the rebuild's steps one at a time (read, deserialise, fold, write).
Everything shares this machine's cores: the load generator, the view runners and PostgreSQL;
the CPU each used in each phase is printed, with the machine's total (other users included).
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import itertools
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import psycopg  # noqa: E402
from eventsourcing.persistence import Notification  # noqa: E402

from aggregates.organization import Organization  # noqa: E402
from aggregates.posting import Posting  # noqa: E402
from marketplace.application import Marketplace  # noqa: E402
from marketplace.bootstrap import Services, head_position, open_services  # noqa: E402
from marketplace.embedded_pg.server import EmbeddedPostgres  # noqa: E402
from marketplace.postings import draft_sale_contract  # noqa: E402
from marketplace.settings import Settings  # noqa: E402
from projections.batches import projected_views  # noqa: E402
from projections.engine import PROJECTED_CHANNEL, View  # noqa: E402
from projections.rebuild import rebuild  # noqa: E402
from projections.rows import Rows  # noqa: E402
from projections.text import document_terms, warm_up  # noqa: E402
from tests.budgets import GENEROUS_BUDGETS  # noqa: E402
from tests.support import new_credit_code, organization_body, posting_body  # noqa: E402

API = "/api/v1"
SCAN_PAGE = 5000
TARGET_REBUILD_RATIO = 0.5
TARGET_LAG_P99 = 0.020

TITLES = [
    ("采购不锈钢板材 500 吨", "Need 304 stainless steel plates, 2mm, delivered to Hangzhou."),
    ("供应新能源汽车电池模组", "磷酸铁锂电池模组，48V，支持定制，长三角地区两日达。"),
    ("Industrial sewing machines wanted", "Second-hand machines in good condition, Ningbo."),
    ("Organic green tea, bulk supply", "西湖龙井 2024 春茶，真空包装，可开增值税发票。"),
    ("求购食品级包装袋", "复合包装袋，印刷四色，月需求十万只，长期合作。"),
    ("CNC machining services, aluminium and steel", "ISO 9001 certified shop in Dongguan."),
]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = math.ceil(fraction * len(ordered)) - 1
    return ordered[min(len(ordered) - 1, max(0, rank))]


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.2f} ms"


def terms(index: int, now: datetime) -> dict[str, Any]:
    title, description = TITLES[index % len(TITLES)]
    return {
        "side": "demand" if index % 2 else "supply",
        "title": f"{title} {index}",
        "description": description,
        "category": ["C31", "C39", "A01", "C18"][index % 4],
        "quantity": Decimal(100 + index % 900),
        "unit": "吨",
        "price_min": Decimal("1000.00") if index % 3 else None,
        "price_max": Decimal("2000.00"),
        "currency": "CNY",
        "region": ["330106", "310101", "440305", "110105"][index % 4],
        "expires_at": now + timedelta(days=60),
    }


# CPU ------------------------------------------------------------------------------------


def postmaster(url: str) -> psutil.Process | None:
    """The local PostgreSQL server listening on the URL's port (None if not on this machine)."""
    port = urlsplit(url).port or 5432
    with contextlib.suppress(psutil.Error):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                process = psutil.Process(conn.pid)
                parent = process.parent()
                return parent if parent and parent.name() == "postgres" else process
    return None


def _cpu_of(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


class Cpu:
    """CPU used during a phase, in % of one core: this process (load and views), PostgreSQL,
    a projector process if any, and the machine as a whole (other users included)."""

    server: psutil.Process | None = None  # the postmaster, set in main()

    def __init__(self, others: dict[str, psutil.Process] | None = None) -> None:
        self.others = others or {}

    def _sample(self) -> dict[str, Any]:
        machine = psutil.cpu_times()._asdict()
        busy = sum(machine.get(k, 0.0) for k in ("user", "nice", "system", "irq", "softirq"))
        idle = sum(machine.get(k, 0.0) for k in ("idle", "iowait", "steal"))
        postgres: dict[int, float] = {}
        if Cpu.server is not None:
            with contextlib.suppress(psutil.Error):
                for process in [Cpu.server, *Cpu.server.children()]:
                    with contextlib.suppress(psutil.Error):
                        postgres[process.pid] = _cpu_of(process)
        others = {}
        for name, process in self.others.items():
            with contextlib.suppress(psutil.Error):
                others[name] = _cpu_of(process)
        return {
            "time": time.perf_counter(),
            "busy": busy,
            "total": busy + idle,
            "me": _cpu_of(psutil.Process()),
            "postgres": postgres,
            "others": others,
        }

    def __enter__(self) -> Cpu:
        self.before = self._sample()
        return self

    def __exit__(self, *exc: object) -> None:
        after = self._sample()
        before = self.before
        wall = after["time"] - before["time"]
        cores = psutil.cpu_count() or 1
        postgres = sum(t - before["postgres"].get(pid, 0.0) for pid, t in after["postgres"].items())
        busy = (after["busy"] - before["busy"]) / max(after["total"] - before["total"], 1e-9)
        self.shares = {"this process": (after["me"] - before["me"]) / wall}
        for name, t in after["others"].items():
            self.shares[name] = (t - before["others"].get(name, t)) / wall
        self.shares["PostgreSQL"] = postgres / wall
        self.shares["machine (all users)"] = busy * cores

    def summary(self) -> str:
        return ", ".join(f"{k} {100 * v:.0f} %" for k, v in self.shares.items())


# The log ----------------------------------------------------------------------------------


@dataclass
class History:
    head: int
    events: int
    seconds: float
    topics: Counter[str]
    organizations: list[UUID]  # ten enterprises that took no part in the history
    open_postings: list[UUID]  # open postings that no bidder of `organizations[:10]` bid on


def write_history(
    app: Marketplace, url: str, target: int, bids: int = 8, per_save: int = 50
) -> History:
    """At least `target` events, written through the aggregates, `per_save` aggregates (about
    ten events each) per transaction."""
    rng = random.Random(1)
    now = datetime.now(UTC)
    started = time.perf_counter()
    orgs = [
        Organization(
            kind="bank" if i % 50 == 0 else "enterprise",
            name=f"基准测试企业 {i}",
            credit_code=new_credit_code(),
            region="330106",
            industry=None if i % 50 == 0 else "C39",
            sealed_contact=None,
        )
        for i in range(1000)
    ]
    for org in orgs:
        if org.kind == "bank":
            org.verify()
    for i in range(0, len(orgs), 200):
        app.record(*orgs[i : i + 200])
    ids = [org.id for org in orgs]
    live_bidders, bidders = ids[:10], ids[10:]
    written = len(orgs) + sum(org.kind == "bank" for org in orgs)
    open_postings: list[UUID] = []
    pending: list[Any] = []
    index = 0
    while written < target:
        owner = bidders[index % len(bidders)]
        posting = Posting(owner_id=owner, **terms(index, now))
        placed: list[tuple[UUID, UUID]] = []
        for bidder in rng.sample(bidders, bids + 1):
            if bidder == owner or len(placed) == bids:
                continue
            bid_id = uuid.uuid4()
            price = Decimal(rng.randint(1000, 2000))
            posting.place_bid(bid_id, bidder, price, Decimal(100), 15, "可按期交货", now)
            placed.append((bid_id, bidder))
        fate = index % 8
        extra: Any = None
        if fate == 0:
            bid_id = placed[0][0]
            source = {"posting_id": str(posting.id), "bid_id": str(bid_id)}
            bid = posting.accept_bid(bid_id, uuid.uuid4(), None, now)
            extra = draft_sale_contract(posting, bid, source)
        elif fate == 1:
            posting.withdraw_bid(*placed[1])
        elif fate == 2:
            posting.reject_bid(placed[2][0], "交期太长")
        elif fate == 3:
            posting.withdraw()
        else:
            open_postings.append(posting.id)
        written += len(posting.pending_events) + (len(extra.pending_events) if extra else 0)
        pending.append(posting)
        if extra is not None:
            pending.append(extra)
        if len(pending) >= per_save:
            app.record(*pending)
            pending.clear()
        index += 1
    if pending:
        app.record(*pending)
    seconds = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT topic, count(*) FROM marketplace_events GROUP BY 1").fetchall()
        head = conn.execute("SELECT max(notification_id) FROM marketplace_events").fetchone()
    topics = Counter({str(topic).rpartition(":")[2]: int(n) for topic, n in rows})
    return History(
        head=int(head[0]) if head else 0,
        events=sum(topics.values()),
        seconds=seconds,
        topics=topics,
        organizations=live_bidders,
        open_postings=open_postings,
    )


# 1. Rebuild against a raw scan ------------------------------------------------------------


def raw_scan(url: str, app: Marketplace) -> tuple[int, float]:
    """Events read and deserialised, and the seconds it took."""
    query = (
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM marketplace_events WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
    )
    count, position = 0, 0
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        while True:
            rows = conn.execute(query, (position, SCAN_PAGE), binary=True).fetchall()
            if not rows:
                break
            for notification_id, originator_id, version, topic, state in rows:
                app.mapper.to_domain_event(
                    Notification(
                        id=notification_id,
                        originator_id=originator_id,
                        originator_version=version,
                        topic=topic,
                        state=bytes(state),
                    )
                )
            count += len(rows)
            position = rows[-1][0]
    return count, time.perf_counter() - started


def timed_rebuild(services: Services) -> float:
    started = time.perf_counter()
    rebuild(services.app, services.url, services.views.all())
    return time.perf_counter() - started


def rebuild_breakdown(services: Services) -> list[tuple[str, str]]:
    """The rebuild's work one step at a time, on the same log: wall and CPU seconds of this
    process for each (the difference is PostgreSQL, or waiting for a core)."""
    app, views = services.app, services.views.all()
    rows: list[tuple[str, str]] = []

    def step(label: str, work: Callable[[], Any]) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        result = work()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows.append((f"  {label}", f"{wall:6.2f} s wall, {cpu:6.2f} s CPU of this process"))
        return result

    def read_all() -> list[Notification]:
        found: list[Notification] = []
        position = 0
        while batch := app.recorder.select_notifications(
            start=position, limit=SCAN_PAGE, inclusive_of_start=False
        ):
            found.extend(batch)
            position = batch[-1].id
        return found

    notifications: list[Notification] = step("read (select_notifications)", read_all)
    wanted = frozenset().union(*(view.topics() for view in views))
    step(
        "deserialise, once per event",
        lambda: [app.mapper.to_domain_event(n) for n in notifications if n.topic in wanted],
    )

    def per_view() -> int:
        count = 0
        for view in views:
            topics = view.topics()
            count += len(
                [app.mapper.to_domain_event(n) for n in notifications if n.topic in topics]
            )
        return count

    decoded = step("deserialise, once per view (as fold_batch)", per_view)
    rows.append(("    events deserialised", f"{decoded:,} for {len(notifications):,} events"))
    events = [(app.mapper.to_domain_event(n), n) for n in notifications if n.topic in wanted]
    published = [e for e, _ in events if isinstance(e, Posting.Published)]
    step(f"jieba terms of {len(published):,} postings", lambda: [
        document_terms(e.title, e.description) for e in published
    ])  # fmt: skip
    with psycopg.connect(services.url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA bench_breakdown")
        conn.execute("SET search_path TO bench_breakdown, public")
        try:
            folded = []
            for view in views:
                for statement in view.schema:
                    conn.execute(statement)
                topics = view.topics()
                mine = [(e, n.id) for e, n in events if n.topic in topics]
                view_rows = Rows(conn, view.tables, empty=True)

                def fold(view: View = view, mine: Any = mine, view_rows: Rows = view_rows) -> None:
                    for event, position in mine:
                        view.fold(event, view_rows, position)

                step(f"fold {view.name} ({len(mine):,} events, in memory)", fold)
                folded.append((view, view_rows))
            for view, view_rows in folded:

                def write(view_rows: Rows = view_rows) -> int:
                    with conn.transaction(), conn.cursor() as cur:
                        return view_rows.flush(cur)

                written = step(f"write {view.name} (COPY + upsert)", write)
                rows[-1] = (rows[-1][0] + f", {written:,} rows", rows[-1][1])
        finally:
            conn.execute("DROP SCHEMA bench_breakdown CASCADE")
    return rows


# 2. Live lag ------------------------------------------------------------------------------


class Listener(threading.Thread):
    """Arrival times of the notifications on one channel (payloads optionally filtered)."""

    def __init__(self, url: str, channel: str, parse: Callable[[str], int | None]) -> None:
        super().__init__(name=f"listen-{channel}", daemon=True)
        self.url = url
        self.channel = channel
        self.parse = parse
        self.positions: list[int] = []
        self.times: list[float] = []
        self.ready = threading.Event()
        self.halt = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"LISTEN {self.channel}")
            self.ready.set()
            while not self.halt.is_set():
                for notify in conn.notifies(timeout=0.2):
                    arrived = time.perf_counter()
                    position = self.parse(notify.payload)
                    if position is not None:
                        self.positions.append(position)
                        self.times.append(arrived)

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=5)

    def first_at_or_after(self, position: int) -> float | None:
        """When a notification for `position` or later first arrived."""
        index = bisect.bisect_left(self.positions, position)
        return self.times[index] if index < len(self.times) else None


def listings_position(payload: str) -> int | None:
    views, position = projected_views(payload)
    return position if "listings" in views else None


@dataclass
class Paced:
    done: list[tuple[float, int]]  # (when the command returned, its position)
    late: list[float]  # how late each command started against its schedule
    elapsed: float
    errors: Counter[str]


def paced(rate: float, seconds: float, command: Callable[[int], int], workers: int) -> Paced:
    """`command(i)` at times start + i / rate from `workers` threads, so that one slow command
    does not hold back the pace."""
    total = int(rate * seconds)
    counter = itertools.count()
    done: list[tuple[float, int]] = []
    late: list[float] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def work() -> None:
        while (i := next(counter)) < total:
            due = start + i / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            began = time.perf_counter()
            try:
                position = command(i)
            except Exception as error:
                with lock:
                    errors[type(error).__name__] += 1
                continue
            returned = time.perf_counter()
            with lock:
                done.append((returned, position))
                late.append(began - due)

    threads = [threading.Thread(target=work, name=f"load-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Paced(done, late, time.perf_counter() - start, errors)


@dataclass
class Lag:
    lags: list[float]
    missing: int
    early: int  # notified before the writer thread saw its commit return (counted as 0)
    load: Paced
    commits: int  # transactions committed in the database during the phase
    notifications: int  # market_projected notifications (all views) during the phase


def commits(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


class Commands:
    """Publish a posting, place a bid, by turns, through the use cases; never the same
    (bidder, posting) pair twice across all the phases that use it."""

    def __init__(self, app: Marketplace, history: History) -> None:
        self.app = app
        self.owners = history.organizations[:5]
        self.bidders = history.organizations[5:10]  # none of them bid on anything yet
        self.postings = history.open_postings
        self.now = datetime.now(UTC)
        self.offset = 0

    def phase(self, count: int) -> Callable[[int], int]:
        """The command function of a phase of `count` commands."""
        offset = self.offset
        self.offset += count + 1

        def command(i: int) -> int:
            return self.run(offset + i)

        return command

    def run(self, i: int) -> int:
        if i % 2 == 0:
            terms_ = terms(10**6 + i, self.now)
            outcome = self.app.publish_posting(self.owners[i % len(self.owners)], **terms_)
        else:
            # Each posting first gets a bid of bidder 0, then (if there are more commands
            # than postings) one of bidder 1, and so on.
            turn, index = divmod(i // 2, len(self.postings))
            outcome = self.app.place_bid(
                self.postings[index],
                self.bidders[turn % len(self.bidders)],
                unit_price=Decimal("1500.00"),
                quantity=Decimal(50),
                delivery_days=10,
            )
        assert outcome.position is not None
        return outcome.position


def live_lag(services: Services, commands: Commands, rate: float, seconds: float) -> Lag:
    command = commands.phase(int(rate * seconds))
    notified = [0]

    def count_and_parse(payload: str) -> int | None:
        notified[0] += 1
        return listings_position(payload)

    listener = Listener(services.url, PROJECTED_CHANNEL, count_and_parse)
    listener.start()
    listener.ready.wait(10)
    committed = commits(services.url)
    try:
        load = paced(rate, seconds, command, workers=8)
        head = max(position for _, position in load.done)
        deadline = time.monotonic() + 30
        while (listener.positions[-1] if listener.positions else 0) < head:
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
    finally:
        listener.stop()
    time.sleep(1.5)  # backends report to pg_stat_database at most once a second
    committed = commits(services.url) - committed
    lags, missing, early = [], 0, 0
    for returned, position in load.done:
        seen = listener.first_at_or_after(position)
        if seen is None:
            missing += 1
            continue
        if seen < returned:
            early += 1
        lags.append(max(0.0, seen - returned))
    return Lag(lags, missing, early, load, committed, notified[0])


def notify_round_trip(url: str, rate: float, seconds: float) -> list[float]:
    """From sending a NOTIFY (committed at once: autocommit) on one connection to its arrival
    on a LISTENing one: the least a commit → NOTIFY → reader pipeline can take."""
    channel = "bench_round_trip"
    listener = Listener(url, channel, int)
    listener.start()
    listener.ready.wait(10)
    sent: dict[int, float] = {}
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            lock = threading.Lock()

            def command(i: int) -> int:
                with lock:  # one connection: one statement at a time
                    sent[i] = time.perf_counter()
                    conn.execute("SELECT pg_notify(%s, %s)", (channel, str(i)))
                return i

            paced(rate, seconds, command, workers=2)
        deadline = time.monotonic() + 10
        while len(listener.positions) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        listener.stop()
    arrived = dict(zip(listener.positions, listener.times, strict=True))
    return [arrived[i] - began for i, began in sent.items() if i in arrived]


# 3. Read-your-writes ----------------------------------------------------------------------


@dataclass
class ReadYourWrites:
    fresh: list[float]  # POST returned → GET ?min_position=P answered with the new item
    plain: list[float]  # the same GET without min_position (the item already visible)
    write: list[float]  # the POST itself


def read_your_writes(services: Services, iterations: int) -> ReadYourWrites:
    from fastapi.testclient import TestClient

    from api.main import create_app

    result = ReadYourWrites([], [], [])
    with TestClient(create_app(services), raise_server_exceptions=True) as client:
        account = organization_body()
        assert client.post(f"{API}/organizations", json=account).status_code == 201
        session = client.post(
            f"{API}/sessions",
            json={"credit_code": account["credit_code"], "password": account["password"]},
        ).json()
        auth = {"Authorization": f"Bearer {session['token']}"}
        me = session["organization"]["id"]
        for i in range(iterations + 10):  # the first ten warm up
            began = time.perf_counter()
            created = client.post(
                f"{API}/postings", json=posting_body(title=f"求购实验室离心机 {i}"), headers=auth
            )
            written = time.perf_counter()
            assert created.status_code == 201, created.text
            body = created.json()
            fresh = client.get(
                f"{API}/postings",
                params={"owner": me, "limit": 1, "min_position": body["position"]},
            )
            answered = time.perf_counter()
            assert fresh.status_code == 200, fresh.text
            assert fresh.json()["items"][0]["id"] == body["id"]
            plain = client.get(f"{API}/postings", params={"owner": me, "limit": 1})
            again = time.perf_counter()
            assert plain.json()["items"][0]["id"] == body["id"]
            if i >= 10:
                result.write.append(written - began)
                result.fresh.append(answered - written)
                result.plain.append(again - answered)
    return result


# Main -------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="size of the log (≥ 200k)")
    parser.add_argument("--rate", type=float, default=200.0, help="commands/s for the live lag")
    parser.add_argument("--seconds", type=float, default=15.0, help="live lag duration")
    parser.add_argument("--reads", type=int, default=500, help="read-your-writes round trips")
    parser.add_argument(
        "--projector",
        choices=["thread", "process"],
        default="thread",
        help="view runners in this process (as `market serve`) or in `market project`",
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="also time the rebuild's steps one by one"
    )
    return parser.parse_args()


def interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def start_projector(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MARKET_DATABASE_URL": url, "MARKET_DATA_DIR": str(data_dir)}
    command = [str(ROOT / ".venv" / "bin" / "market"), "--log-level", "warning", "project"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop_projector(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Results:
    history: History
    scanned: int = 0
    scan_seconds: float = math.nan
    rebuild_seconds: float = math.nan
    breakdown: list[tuple[str, str]] | None = None
    lag: Lag | None = None
    round_trip: list[float] | None = None
    ryw: ReadYourWrites | None = None
    cpu: dict[str, Cpu] | None = None
    load_alone: float = math.nan  # commands/s achieved with the projections stopped


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    top = Path(tempfile.mkdtemp(prefix="market-bench-projections-"))
    # As root the embedded server runs as an unprivileged user, which must traverse this.
    top.chmod(0o755)
    embedded: EmbeddedPostgres | None = None
    services: Services | None = None
    projector: subprocess.Popen[bytes] | None = None
    try:
        url = os.environ.get("MARKET_BENCH_DATABASE_URL")
        if url:
            print("PostgreSQL: MARKET_BENCH_DATABASE_URL")
        else:
            embedded = EmbeddedPostgres(top / "postgres")
            url = embedded.start().url()
            print("PostgreSQL: embedded")
        Cpu.server = postmaster(url)
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            commit = conn.execute("SHOW synchronous_commit").fetchone()
        print(
            f"  version {version[0] if version else '?'}, synchronous_commit "
            f"{commit[0] if commit else '?'}; {psutil.cpu_count()} cores, busy before the run "
            f"(other users): {psutil.cpu_percent(interval=1.0):.0f} %"
        )
        settings = Settings(database_url=url, data_dir=top / "market", **GENEROUS_BUDGETS)
        services = open_services(settings, url=url)
        if head_position(services.db):
            raise SystemExit("the database already holds events: give an empty one")

        print(f"Writing a log of at least {args.events:,} events …")
        history = write_history(services.app, url, args.events)
        print(
            f"  {history.events:,} events (head position {history.head:,}) in "
            f"{history.seconds:.1f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in history.topics.most_common())
        )
        results = Results(history, cpu={})
        cpu = results.cpu
        assert cpu is not None
        warm_up()  # jieba's dictionary, as `start_projections` and `market rebuild` load it

        print("Raw scan of the event table (a first pass warms the caches) …")
        raw_scan(url, services.app)
        with Cpu() as cpu["raw scan"]:
            results.scanned, results.scan_seconds = raw_scan(url, services.app)
        print(f"  {results.scanned:,} events in {results.scan_seconds:.2f} s")
        print("Rebuilding every view …")
        with Cpu() as cpu["rebuild"]:
            results.rebuild_seconds = timed_rebuild(services)
        print(f"  {history.events:,} events in {results.rebuild_seconds:.2f} s")
        if args.breakdown:
            print("Rebuild, step by step …")
            results.breakdown = rebuild_breakdown(services)

        commands = Commands(services.app, history)
        print(f"The same load with no projections running: {args.rate:g}/s for 5 s …")
        with Cpu() as cpu["load alone"]:
            alone = paced(args.rate, 5.0, commands.phase(int(args.rate * 5)), workers=8)
        results.load_alone = len(alone.done) / alone.elapsed
        others = {}
        if args.projector == "thread":
            services.start_projections()
        else:
            projector = start_projector(url, top / "market")
            others["projector process"] = psutil.Process(projector.pid)
        if not services.watcher.wait_sync(head_position(services.db), timeout=120):
            raise RuntimeError("the views did not catch up after the rebuild")
        print(f"Live lag: {args.rate:g} commands/s for {args.seconds:g} s …")
        with Cpu(others) as cpu["live lag"]:
            results.lag = live_lag(services, commands, args.rate, args.seconds)
        print(f"NOTIFY round trip: {args.rate:g}/s for {args.seconds:g} s …")
        with Cpu(others) as cpu["NOTIFY round trip"]:
            results.round_trip = notify_round_trip(url, args.rate, args.seconds)
        print(f"Read-your-writes: {args.reads} × (POST, GET ?min_position, GET) …")
        with Cpu(others) as cpu["read-your-writes"]:
            results.ryw = read_your_writes(services, args.reads)

        report(args, results)
        return 0
    finally:
        if projector is not None:
            stop_projector(projector)
        if services is not None:
            services.close()
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(top, ignore_errors=True)


def report(args: argparse.Namespace, results: Results) -> None:
    history, lag, round_trip, ryw = results.history, results.lag, results.round_trip, results.ryw
    assert lag is not None and round_trip is not None and ryw is not None
    assert results.cpu is not None
    scan_rate = results.scanned / results.scan_seconds
    rebuild_rate = history.events / results.rebuild_seconds
    ratio = rebuild_rate / scan_rate
    p99 = percentile(lag.lags, 0.99)
    load = lag.load
    achieved = len(load.done) / load.elapsed

    def verdict(ok: bool) -> str:
        return "meets the target" if ok else "MISSES the target"

    fresh95, plain95 = percentile(ryw.fresh, 0.95), percentile(ryw.plain, 0.95)
    rows = [
        ("log", f"{history.events:,} events, head position {history.head:,}"),
        ("rebuild, all views", f"{rebuild_rate:,.0f} events/s  ({results.rebuild_seconds:.1f} s)"),
        ("  baseline: raw scan + deserialise", f"{scan_rate:,.0f} events/s  "
                                               f"({results.scan_seconds:.1f} s)"),
        ("  ratio", f"{ratio:.2f}   target ≥ {TARGET_REBUILD_RATIO}: "
                    f"{verdict(ratio >= TARGET_REBUILD_RATIO)}"),
        ("live lag, commit → listings", f"{len(lag.lags):,} commands at {achieved:,.0f}/s "
                                        f"(asked {args.rate:g}/s), publish + place bid, "
                                        f"runners in a {args.projector}"),
        ("  p50 / p99 / max", f"{ms(percentile(lag.lags, 0.5))} / {ms(p99)} / "
                              f"{ms(max(lag.lags, default=math.nan))}"),
        ("  target p99", f"≤ {ms(TARGET_LAG_P99)}: {verdict(p99 <= TARGET_LAG_P99)}"),
        ("  baseline: NOTIFY send → received", f"p50 {ms(percentile(round_trip, 0.5))} / "
                                          f"p99 {ms(percentile(round_trip, 0.99))}"),
        ("  ratio p99 lag ÷ p99 NOTIFY", f"{p99 / percentile(round_trip, 0.99):.1f}"),
        ("  the load", f"commands started late by p50 {ms(percentile(load.late, 0.5))}, "
                       f"p99 {ms(percentile(load.late, 0.99))}; errors "
                       f"{dict(load.errors) or 'none'}; never seen {lag.missing}; "
                       f"seen before the writer returned {lag.early}"),
        ("  the same load, no projections", f"{results.load_alone:,.0f} commands/s achieved "
                                            f"(asked {args.rate:g}/s)"),
        ("  per command", f"{lag.commits / max(len(load.done), 1):.1f} database commits, "
                          f"{lag.notifications / max(len(load.done), 1):.1f} market_projected "
                          "notifications"),
        ("read-your-writes", f"{len(ryw.fresh)} × POST then GET ?min_position, ASGI in-process"),
        ("  POST → GET answered, p50 / p95", f"{ms(percentile(ryw.fresh, 0.5))} / "
                                             f"{ms(fresh95)}"),
        ("  baseline: GET, no min_position", f"{ms(percentile(ryw.plain, 0.5))} / "
                                             f"{ms(plain95)}"),
        ("  ratio p95", f"{fresh95 / plain95:.1f}"),
        ("  the POST itself, p50 / p95", f"{ms(percentile(ryw.write, 0.5))} / "
                                         f"{ms(percentile(ryw.write, 0.95))}"),
        ("CPU, % of one core", f"{psutil.cpu_count()} cores"),
    ]  # fmt: skip
    rows += [(f"  {phase}", window.summary()) for phase, window in results.cpu.items()]
    if results.breakdown:
        rows.append(("rebuild, step by step", "same log, same pages"))
        rows += results.breakdown
    width = max(len(k) for k, _ in rows) + 2
    print()
    for key, value in rows:
        print(f"{key:<{width}}{value}")


if __name__ == "__main__":
    sys.exit(main())
