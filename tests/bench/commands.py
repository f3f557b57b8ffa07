"""Command cost: HTTP place-bid on the real server against raw PostgreSQL inserts.

    .venv/bin/python tests/bench/commands.py [--seconds 10] [--concurrency 4] [--workers 2]

Two rows of issue 20, each beside its same-run baseline:

- place-bid p50 on postings that already hold 1 / 100 / 1,000 / 3,000 bids (`--depths`), one
  client, next to the p50 of a raw one-row INSERT: the bids are written in-process in one
  transaction per posting (made-up bidders), then each sample is one HTTP place-bid of a real
  bidder (timed) and its withdrawal (not timed). Target: p50 at the deepest ≤ 1.5 × at 1.
- place-bid + withdraw throughput with C clients (each its own bidder, cycling over the
  postings: a bid, then its withdrawal, each one command), ÷ raw INSERTs/s on 1 connection
  (and on C). Target ≥ 0.25.

In detail: starts a private PostgreSQL (or uses `MARKET_BENCH_DATABASE_URL`, which should name a
throwaway database: the run leaves its events there), runs `market serve` on it as a
subprocess, registers bidders and an owner over HTTP, publishes enough postings that no
(bidder, posting) pair bids twice, then measures the two rows above for a fixed time with keep-alive
clients, spreading the bids over the postings so that no one posting's stream is the
bottleneck. In the same run and on the same server, the baseline: autocommit
INSERTs of one row (uuid + 300 random bytes) per transaction, on 1 and on C connections.

Everything (the load generator included) shares this machine's cores, so the CPU each party
used during the place-bid phase is printed as well, and how busy the machine was before the
run (other processes skew every figure). `--breakdown` adds: who holds the event table's lock
during place-bid and what it waits for, GET /healthz over HTTP (the web stack alone), and
place-bid called in-process without HTTP (time in `load` and in `record`). `--profile FILE`
records the server with py-spy (if installed) during place-bid, GIL-holding samples only.
The server, PostgreSQL and the temp directory are removed at the end, also on errors,
Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from marketplace.embedded_pg.postmaster import find_free_port  # noqa: E402
from marketplace.embedded_pg.server import EmbeddedPostgres  # noqa: E402
from tests.budgets import GENEROUS_BUDGET_ENV  # noqa: E402
from tests.support import bid_body, organization_body, posting_body  # noqa: E402

API = "/api/v1"
TARGET_RATIO = 0.25
TARGET_DEPTH_RATIO = 1.5
ROW_BYTES = 300


# HTTP ------------------------------------------------------------------------------------


class HttpError(Exception):
    def __init__(self, method: str, path: str, status: int, body: bytes) -> None:
        super().__init__(f"{method} {path}: {status} {body[:500]!r}")
        self.status = status


class Client:
    """One keep-alive HTTP/1.1 connection per thread (`http.client`: the lightest client)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.close()  # not retried: a POST may have been applied
            raise
        if response.will_close:
            self.close()
        return response.status, payload

    def json(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        status, payload = self.request(method, path, body, token)
        if status >= 300:
            raise HttpError(method, path, status, payload)
        return json.loads(payload) if payload else None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Httpx2Client(Client):
    """The same over httpx2 (heavier on the CPU that the load generator shares)."""

    def __init__(self, port: int) -> None:
        import httpx2

        super().__init__(port)
        self.client = httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.request(method, path, json=body, headers=headers)
        return response.status_code, response.content

    def close(self) -> None:
        self.client.close()


# The server ------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    projector: subprocess.Popen[bytes] | None = None  # with --workers: `market project`

    def processes(self) -> list[psutil.Process]:
        """The server, its worker processes and the projector, if any."""
        found: list[psutil.Process] = []
        for popen in (self.process, self.projector):
            if popen is None:
                continue
            with contextlib.suppress(psutil.Error):
                top = psutil.Process(popen.pid)
                found += [top, *top.children(recursive=True)]
        return found

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start_server(
    data_dir: Path, url: str, log_level: str, workers: int = 0, command: list[str] | None = None
) -> Server:
    """`market serve` (`command` instead of this checkout's `python -m cli`, if given)."""
    port = find_free_port()
    log = data_dir / "server.log"
    env = {**os.environ, **GENEROUS_BUDGET_ENV, "MARKET_DATABASE_URL": url}
    env.setdefault("MARKET_LOGIN_QUEUE_SECONDS", "120")  # sign-ups queue on a busy machine
    # This checkout's code (a worktree has no .venv of its own), with whichever Python runs us.
    market = [*(command or [sys.executable, "-m", "cli"]), "--log-level", log_level]
    serve = [*market, "serve", "--data-dir", str(data_dir / "market"), "--port", str(port)]
    if workers:
        serve += ["--workers", str(workers)]
    with log.open("wb") as out:
        # A session of its own: a Ctrl-C of the benchmark reaches it only through stop_server.
        process = subprocess.Popen(
            serve, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
        projector = None
        if workers:  # the API workers run no projections: the scale-out shape of DESIGN.md
            projector = subprocess.Popen(
                [*market, "project", "--data-dir", str(data_dir / "market")],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
    server = Server(process, port, log, projector)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{server.log_tail()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return server
            finally:
                conn.close()
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz in 120 s:\n{server.log_tail()}")


def stop_server(server: Server) -> None:
    if server.projector is not None and server.projector.poll() is None:
        server.projector.send_signal(signal.SIGINT)
        server.projector.wait(timeout=30)
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print("the server ignored SIGINT for 30 s: killing it", file=sys.stderr)
            server.process.kill()
            server.process.wait(timeout=10)
    if server.process.returncode != 0:
        print(f"the server exited with {server.process.returncode}:\n{server.log_tail()}")


# Setup over HTTP -------------------------------------------------------------------------


@dataclass
class Account:
    id: str
    token: str


@dataclass
class Setup:
    owner: Account
    bidders: list[Account]
    postings: list[str]
    position: int = 0


def sign_up(client: Client) -> Account:
    body = organization_body()
    created = client.json("POST", f"{API}/organizations", body)
    session = client.json(
        "POST",
        f"{API}/sessions",
        {"credit_code": body["credit_code"], "password": body["password"]},
    )
    return Account(created["id"], session["token"])


def parallel(port: int, workers: int, count: int, job: Callable[[Client, int], Any]) -> list[Any]:
    """`count` jobs on `workers` threads, each thread with its own keep-alive connection."""
    local = threading.local()
    clients: list[Client] = []

    def run(index: int) -> Any:
        if not hasattr(local, "client"):
            local.client = Client(port)
            clients.append(local.client)
        return job(local.client, index)

    pool = ThreadPoolExecutor(workers)
    try:
        return list(pool.map(run, range(count)))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for client in clients:
            client.close()


def set_up(port: int, bidders: int, postings: int, workers: int) -> Setup:
    started = time.perf_counter()
    accounts = parallel(port, workers, bidders + 1, lambda client, _: sign_up(client))
    owner, others = accounts[0], accounts[1:]
    print(f"  {len(accounts)} enterprises signed up in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    published = parallel(
        port,
        workers,
        postings,
        lambda client, i: client.json(
            "POST", f"{API}/postings", posting_body(title=f"采购不锈钢板材 {i}"), owner.token
        ),
    )
    elapsed = time.perf_counter() - started
    print(f"  {postings} postings published in {elapsed:.1f} s ({postings / elapsed:.0f}/s)")
    position = max(p["position"] for p in published)
    return Setup(owner, others, [p["id"] for p in published], position)


def wait_for_views(port: int, position: int, limit: float = 120) -> float:
    """Seconds until the read models have processed `position` (they run in the server)."""
    started = time.perf_counter()
    client = Client(port)
    try:
        while time.perf_counter() - started < limit:
            status, _ = client.request(
                "GET", f"{API}/postings?limit=1&min_position={position}", None
            )
            if status == 200:
                return time.perf_counter() - started
            time.sleep(0.05)
    finally:
        client.close()
    raise RuntimeError(f"the read models did not reach position {position} in {limit} s")


# Measurements ----------------------------------------------------------------------------


@dataclass
class Cpu:
    """CPU seconds used by the server, PostgreSQL, this process and the whole machine."""

    server: float = 0.0
    postgres: float = 0.0
    generator: float = 0.0
    machine_busy: float = 0.0
    machine_total: float = 0.0
    seen: dict[int, float] = field(default_factory=dict)


def _cpu_of(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _safe_cpu(process: psutil.Process) -> float:
    with contextlib.suppress(psutil.Error):
        return _cpu_of(process)
    return 0.0


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


POSTMASTER: psutil.Process | None = None  # set in main(); other servers on the box differ


def postgres_cpu() -> dict[int, float]:
    found: dict[int, float] = {}
    if POSTMASTER is None:
        return found
    with contextlib.suppress(psutil.Error):
        for process in [POSTMASTER, *POSTMASTER.children()]:
            with contextlib.suppress(psutil.Error):
                found[process.pid] = _cpu_of(process)
    return found


def machine_busy(seconds: float) -> float:
    """Percent of all cores busy over the next `seconds`."""
    return float(psutil.cpu_percent(interval=seconds))


def cpu_snapshot(server: Server) -> Cpu:
    machine = psutil.cpu_times()._asdict()
    busy = sum(machine.get(k, 0.0) for k in ("user", "nice", "system", "irq", "softirq"))
    total = busy + sum(machine.get(k, 0.0) for k in ("idle", "iowait", "steal"))
    return Cpu(
        server=sum(_safe_cpu(p) for p in server.processes()),
        generator=_cpu_of(psutil.Process()),
        machine_busy=busy,
        machine_total=total,
        seen=postgres_cpu(),
    )


def cpu_used(before: Cpu, after: Cpu) -> Cpu:
    # Backends that exited in between are missed; the server's pools keep theirs open.
    postgres = sum(t - before.seen.get(pid, 0.0) for pid, t in after.seen.items())
    return Cpu(
        server=after.server - before.server,
        postgres=postgres,
        generator=after.generator - before.generator,
        machine_busy=after.machine_busy - before.machine_busy,
        machine_total=after.machine_total - before.machine_total,
    )


@dataclass
class Run:
    """What a timed loop did: calls that succeeded (with their latencies) and the others."""

    ok: int
    elapsed: float
    latencies: list[float]
    other: Counter[str]
    cpu: Cpu

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return math.nan
        rank = math.ceil(fraction * len(self.latencies)) - 1
        return self.latencies[min(len(self.latencies) - 1, max(0, rank))]

    def others(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.other.items())) or "none"


# A step makes one call: "ok", another label to count it under, or None when out of work.
Step = Callable[[], str | None]
Worker = Callable[[], contextlib.AbstractContextManager[Step]]


def timed(server: Server, seconds: float, workers: list[Worker]) -> Run:
    """Each worker's step in its own thread, all released together, until the time is up.

    Workers set up (connect) before the clock starts; a call in flight at the deadline
    still counts, and the rate divides by the time until the last one returned.
    """
    ready = threading.Barrier(len(workers) + 1)
    go = threading.Event()
    latencies: list[list[float]] = [[] for _ in workers]
    others: list[Counter[str]] = [Counter() for _ in workers]
    failures: list[BaseException] = []
    deadline = math.inf

    def loop(index: int) -> None:
        mine, other = latencies[index], others[index]
        try:
            with workers[index]() as step:
                ready.wait()
                go.wait()
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    outcome = step()
                    if outcome is None:
                        return
                    if outcome == "ok":
                        mine.append(time.perf_counter() - started)
                    else:
                        other[outcome] += 1
        except BaseException as error:
            failures.append(error)
            ready.abort()
            raise

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    try:
        ready.wait(timeout=60)
    except threading.BrokenBarrierError:
        go.set()
        for thread in threads:
            thread.join()
        raise RuntimeError(f"a worker failed to start: {failures!r}") from None
    before = cpu_snapshot(server)
    started = time.perf_counter()
    deadline = started + seconds
    go.set()
    try:
        for thread in threads:
            thread.join()
    except BaseException:  # e.g. Ctrl-C: stop the workers now, not at the deadline
        deadline = -math.inf
        raise
    elapsed = time.perf_counter() - started
    cpu = cpu_used(before, cpu_snapshot(server))
    if failures:
        raise RuntimeError(f"a worker failed: {failures[0]!r}") from failures[0]
    all_latencies = sorted(x for mine in latencies for x in mine)
    return Run(len(all_latencies), elapsed, all_latencies, sum(others, Counter()), cpu)


class Pairs:
    """Every (bidder, posting) pair once, handed out across threads in an order where
    consecutive bids hit different postings and each posting's bid count grows evenly."""

    def __init__(self, setup: Setup) -> None:
        n = len(setup.bidders)
        self.items = [
            (setup.bidders[(p + r) % n], posting)
            for r in range(n)
            for p, posting in enumerate(setup.postings)
        ]
        self._next = itertools.count()  # next() on it is atomic under the GIL
        self.ran_out = False

    def take(self) -> tuple[Account, str] | None:
        i = next(self._next)
        if i >= len(self.items):
            self.ran_out = True
            return None
        return self.items[i]


def http_bid_withdraw(
    port: int, bidder: Account, postings: list[str], client_kind: type[Client]
) -> Worker:
    """One bidder cycling over the postings: a bid, then its withdrawal (each step one command)."""

    @contextlib.contextmanager
    def worker() -> Iterator[Step]:
        client = client_kind(port)
        body = bid_body()
        turn = itertools.cycle(postings)
        placed: list[tuple[str, str]] = []  # (posting, bid) to withdraw next

        def step() -> str:
            if placed:
                posting_id, bid_id = placed.pop()
                path = f"{API}/postings/{posting_id}/bids/{bid_id}/withdraw"
                expected, payload = 200, None
            else:
                posting_id = next(turn)
                path, expected, payload = f"{API}/postings/{posting_id}/bids", 201, body
            try:
                status, answer = client.request("POST", path, payload, bidder.token)
            except (OSError, http.client.HTTPException) as error:
                return type(error).__name__
            if status == 201:
                placed.append((posting_id, json.loads(answer)["id"]))
            return "ok" if status == expected else str(status)

        try:
            yield step
        finally:
            client.close()

    return worker


def fill_posting(app: Any, posting_id: str, bids: int) -> int:
    """`bids` bids of made-up bidders on the posting, in one transaction (in-process, fast);
    the position written."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from aggregates.posting import Posting

    posting = app.load(Posting, uuid.UUID(posting_id), ("posting", "供需信息"))
    now = datetime.now(UTC)
    for _ in range(bids):
        posting.place_bid(uuid.uuid4(), uuid.uuid4(), Decimal(15000), Decimal(500), 20, None, now)
    return int(app.record(posting))


@dataclass
class Depth:
    bids: int
    latencies: list[float]

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        rank = math.ceil(fraction * len(ordered)) - 1
        return ordered[min(len(ordered) - 1, max(0, rank))] if ordered else math.nan


def measure_depths(
    port: int, url: str, setup: Setup, depths: list[int], samples: int
) -> list[Depth]:
    """HTTP place-bid latency, one client, on postings already holding `depths` bids."""
    from marketplace.bootstrap import open_services
    from marketplace.settings import Settings

    owner_client = Client(port)
    postings = [
        owner_client.json(
            "POST", f"{API}/postings", posting_body(title=f"深度 {d}"), setup.owner.token
        )["id"]
        for d in depths
    ]
    owner_client.close()
    services = open_services(Settings(database_url=url), url=url)
    try:
        position = max(
            fill_posting(services.app, p, d) for p, d in zip(postings, depths, strict=True)
        )
    finally:
        services.close()
    wait_for_views(port, position, limit=600)
    client, results = Client(port), [Depth(d, []) for d in depths]
    try:
        for i in range(samples):  # the depths take turns, so that noise hits them alike
            bidder = setup.bidders[i % len(setup.bidders)]
            for posting_id, result in zip(postings, results, strict=True):
                path = f"{API}/postings/{posting_id}/bids"
                started = time.perf_counter()
                bid = client.json("POST", path, bid_body(), bidder.token)
                result.latencies.append(time.perf_counter() - started)
                client.json("POST", f"{path}/{bid['id']}/withdraw", None, bidder.token)
    finally:
        client.close()
    return results


def http_healthz(port: int, client_kind: type[Client]) -> Worker:
    @contextlib.contextmanager
    def worker() -> Iterator[Step]:
        client = client_kind(port)

        def step() -> str:
            status, _ = client.request("GET", "/healthz")
            return "ok" if status == 200 else str(status)

        try:
            yield step
        finally:
            client.close()

    return worker


def raw_inserter(url: str, table: str) -> Worker:
    insert = sql.SQL("INSERT INTO {} (id, payload) VALUES (%s, %s)").format(sql.Identifier(table))

    @contextlib.contextmanager
    def worker() -> Iterator[Step]:
        payload = os.urandom(ROW_BYTES)
        with psycopg.connect(url, autocommit=True) as conn:

            def step() -> str:
                conn.execute(insert, (uuid.uuid4(), payload))
                return "ok"

            yield step

    return worker


@dataclass
class Phases:
    """Wall time inside `load` and `record` of in-process commands, summed over threads."""

    load: float = 0.0
    record: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, app: Any) -> None:
        for name in ("load", "record"):
            original = getattr(app, name)

            def timed_call(*args: Any, _name: str = name, _f: Any = original, **kw: Any) -> Any:
                started = time.perf_counter()
                try:
                    return _f(*args, **kw)
                finally:
                    spent = time.perf_counter() - started
                    with self.lock:
                        setattr(self, _name, getattr(self, _name) + spent)

            setattr(app, name, timed_call)

    def take(self) -> tuple[float, float]:
        """The totals so far, which start again from zero."""
        with self.lock:
            totals = self.load, self.record
            self.load = self.record = 0.0
        return totals


def in_process_bidder(app: Any, pairs: Pairs) -> Worker:
    from decimal import Decimal

    from aggregates.errors import DomainError

    body = bid_body()
    terms = {
        "unit_price": Decimal(body["unit_price"]),
        "quantity": Decimal(body["quantity"]),
        "delivery_days": body["delivery_days"],
    }

    @contextlib.contextmanager
    def worker() -> Iterator[Step]:
        def step() -> str | None:
            pair = pairs.take()
            if pair is None:
                return None
            bidder, posting_id = pair
            try:
                app.place_bid(uuid.UUID(posting_id), uuid.UUID(bidder.id), **terms)
            except DomainError as error:
                return type(error).__name__
            return "ok"

        yield step

    return worker


class LockSampler(threading.Thread):
    """Samples, every few ms, who holds the event table's lock and what it is doing.

    The stock recorder takes `LOCK TABLE … IN EXCLUSIVE MODE` in every save and keeps it to
    COMMIT, so saves run one at a time: their throughput is 1 / (time the lock is held).
    """

    QUERY = """
        SELECT a.state, a.wait_event_type, a.wait_event,
               (SELECT count(*) FROM pg_locks w
                 WHERE w.relation = l.relation AND NOT w.granted) AS queued
          FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.relation = to_regclass('marketplace_events')
           AND l.mode = 'ExclusiveLock' AND l.granted
    """

    def __init__(self, url: str, interval: float = 0.005) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.interval = interval
        self.samples = 0
        self.states: Counter[str] = Counter()
        self.queued = 0
        self.halt = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SELECT 1")
            while not self.halt.wait(self.interval):
                rows = conn.execute(self.QUERY).fetchall()
                self.samples += 1
                if not rows:
                    self.states["free"] += 1
                    continue
                state, kind, event, queued = rows[0]
                if state == "idle in transaction" or event == "ClientRead":
                    self.states["held, PostgreSQL waits for the client (Python)"] += 1
                elif kind:
                    self.states[f"held, PostgreSQL waits on {kind}:{event}"] += 1
                else:
                    self.states["held, PostgreSQL on CPU"] += 1
                self.queued += int(queued)

    def stop(self) -> list[tuple[str, str]]:
        self.halt.set()
        self.join()
        n = max(self.samples, 1)
        rows = [("event-table lock", f"{self.samples} samples during place-bid, HTTP")]
        rows += [(f"  {k}", f"{100 * v / n:4.0f} %") for k, v in self.states.most_common()]
        rows.append(("  saves queued for it", f"{self.queued / n:.1f} on average"))
        return rows


def start_profile(
    server: Server, seconds: float, profile: Path | None
) -> subprocess.Popen[bytes] | None:
    """py-spy on the server for the place-bid window: GIL-holding samples only."""
    if profile is None:
        return None
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("  (py-spy is not installed: no profile)")
        return None
    command = [spy, "record", "--pid", str(server.process.pid), "--duration", str(int(seconds))]
    command += ["--rate", "100", "--nonblocking", "--gil", "--format", "raw"]
    command += ["--output", str(profile)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def head_position(url: str) -> int:
    """The newest event's position (eventsourcing names the table after the application)."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT max(notification_id) FROM marketplace_events").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


@contextlib.contextmanager
def scratch_table(url: str) -> Iterator[str]:
    name = f"bench_raw_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE TABLE {} (id uuid PRIMARY KEY, payload bytea NOT NULL)").format(
                sql.Identifier(name)
            )
        )
    try:
        yield name
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))


# Report ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.2f} ms"


def depth_rows(depths: list[Depth], raw_one: Run) -> list[tuple[str, str]]:
    if not depths:
        return []
    raw = raw_one.percentile(0.5)
    rows = [
        (
            "place-bid by posting depth",
            f"HTTP, 1 client, {len(depths[0].latencies)} bids "
            f"each; raw INSERT p50 {ms(raw)} (same run)",
        )
    ]
    for depth in depths:
        p50 = depth.percentile(0.5)
        rows.append(
            (
                f"  {depth.bids:>5,} bids",
                f"p50 {ms(p50)}  p99 {ms(depth.percentile(0.99))}"
                f"  = {p50 / raw:.0f} × raw INSERT p50",
            )
        )
    ratio = depths[-1].percentile(0.5) / depths[0].percentile(0.5)
    verdict = "meets the target" if ratio <= TARGET_DEPTH_RATIO else "ABOVE the target"
    rows.append(
        (
            f"  p50 at {depths[-1].bids:,} ÷ p50 at {depths[0].bids:,}",
            f"{ratio:.2f}   target ≤ {TARGET_DEPTH_RATIO}: {verdict}",
        )
    )
    return rows  # fmt: skip


def report(
    args: argparse.Namespace,
    bids: Run,
    raw_one: Run,
    raw_many: Run,
    lag: float,
    ran_out: bool,
    breakdown: list[tuple[str, str]],
    depths: list[Depth],
) -> None:
    c = args.concurrency
    ratio = bids.rate / raw_one.rate if raw_one.rate else math.nan
    ratio_many = bids.rate / raw_many.rate if raw_many.rate else math.nan
    cores = psutil.cpu_count() or 1
    cpu = bids.cpu

    def share(seconds: float) -> str:
        return f"{100 * seconds / bids.elapsed:4.0f} %"

    busy = cpu.machine_busy / cpu.machine_total if cpu.machine_total else math.nan
    unattributed = busy * cores * bids.elapsed - cpu.server - cpu.postgres - cpu.generator
    verdict = "meets the target" if ratio >= TARGET_RATIO else "BELOW the target"
    shape = f"--workers {args.workers} + market project" if args.workers else "one market serve"
    rows = [
        *depth_rows(depths, raw_one),
        ("place-bid + withdraw, HTTP", f"{c} clients ({args.client}, keep-alive), {shape}, "
                                       f"{bids.elapsed:.1f} s"),
        ("  commands done", f"{bids.ok}"),
        ("  commands/s", f"{bids.rate:,.0f}"),
        ("  latency p50 / p99", f"{ms(bids.percentile(0.5))} / {ms(bids.percentile(0.99))}"),
        ("  other responses", bids.others()),
        ("  read models caught up", f"{lag:.2f} s after the last command"),
        ("raw PostgreSQL INSERT", f"uuid + {ROW_BYTES} B bytea, autocommit, 1 row per txn"),
        ("  rows/s, 1 connection", f"{raw_one.rate:,.0f}  (p50 {ms(raw_one.percentile(0.5))})"),
        (f"  rows/s, {c} connections",
         f"{raw_many.rate:,.0f}  (p50 {ms(raw_many.percentile(0.5))})"),
        ("ratio commands/s ÷ rows/s, 1 conn", f"{ratio:.3f}   target ≥ {TARGET_RATIO}: {verdict}"),
        (f"  ÷ rows/s, {c} connections", f"{ratio_many:.3f}"),
        ("CPU during the commands", f"% of one core ({cores} cores = {100 * cores} %)"),
        ("  server (API + views)", f"{share(cpu.server)}   {ms(cpu.server / max(bids.ok, 1))}"
                                   " per command"),
        ("  PostgreSQL", f"{share(cpu.postgres)}   {ms(cpu.postgres / max(bids.ok, 1))}"
                         " per command"),
        ("  load generator", share(cpu.generator)),
        ("  other processes, kernel", share(max(unattributed, 0.0))),
        ("  machine idle", f"{100 * (1 - busy) * cores:4.0f} %"),
    ]  # fmt: skip
    if ran_out:
        rows.append(("  NOTE", "the breakdown ran out of (bidder, posting) pairs"))
    rows += breakdown
    width = max(len(k) for k, _ in rows) + 2
    print()
    for key, value in rows:
        print(f"{key:<{width}}{value}")


def measure_breakdown(
    server: Server, url: str, pairs: Pairs, seconds: float, concurrency: int,
    client_kind: type[Client],
) -> list[tuple[str, str]]:  # fmt: skip
    """Where a place-bid's time goes: the HTTP stack alone, and the command without HTTP."""
    from marketplace.bootstrap import open_services
    from marketplace.settings import Settings

    healthz = timed(server, seconds, [http_healthz(server.port, client_kind)] * concurrency)
    services = open_services(Settings(database_url=url), url=url)
    try:
        phases = Phases()
        phases.wrap(services.app)
        workers = [in_process_bidder(services.app, pairs)] * concurrency
        direct = timed(server, seconds, workers)
        load, record = phases.take()
        one = timed(server, seconds, [in_process_bidder(services.app, pairs)])
        load_one, record_one = phases.take()
    finally:
        services.close()
    n, m = max(direct.ok, 1), max(one.ok, 1)
    return [
        ("breakdown", f"{seconds:.1f} s each, same server and database"),
        (f"  GET /healthz, HTTP, {concurrency} clients",
         f"{healthz.rate:,.0f} req/s, server CPU {ms(healthz.cpu.server / max(healthz.ok, 1))}"
         " per request"),
        (f"  place-bid in-process, {concurrency} threads",
         f"{direct.rate:,.0f} commands/s, p50 {ms(direct.percentile(0.5))}; CPU per command: "
         f"this process {ms(direct.cpu.generator / n)}, PostgreSQL "
         f"{ms(direct.cpu.postgres / n)}, server's views {ms(direct.cpu.server / n)}"),
        ("    wall time per command in",
         f"load {ms(load / n)}, record (save) {ms(record / n)}"),
        ("  place-bid in-process, 1 thread",
         f"{one.rate:,.0f} commands/s, p50 {ms(one.percentile(0.5))}; "
         f"load {ms(load_one / m)}, record {ms(record_one / m)}"),
        ("    non-ok", f"{direct.others()}; {one.others()}"),
    ]  # fmt: skip


# Main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="each measurement's length")
    parser.add_argument("--concurrency", type=int, default=4, help="HTTP clients / connections")
    parser.add_argument("--bidders", type=int, default=16, help="bidding enterprises")
    parser.add_argument("--postings", type=int, default=64, help="postings to bid on")
    parser.add_argument(
        "--depths",
        default="1,100,1000,3000",
        help="bids already on the postings of the depth row (comma-separated; empty: skip)",
    )
    parser.add_argument("--depth-samples", type=int, default=40, help="bids timed per depth")
    parser.add_argument("--client", choices=["http.client", "httpx2"], default="http.client")
    parser.add_argument("--server-log-level", default="warning", choices=["info", "warning"])
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also measure GET /healthz and place-bid in-process (without HTTP)",
    )
    parser.add_argument("--profile", type=Path, default=None, help="py-spy raw output file")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="`market serve --workers N` plus a `market project` process (0: one process)",
    )
    return parser.parse_args()


def interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    args = parse_args()
    # Clean up on SIGTERM too, and on SIGINT even when started with it ignored (`cmd &`).
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    client_kind: type[Client] = Httpx2Client if args.client == "httpx2" else Client
    top = Path(tempfile.mkdtemp(prefix="market-bench-"))
    # As root the embedded server runs as an unprivileged user, which must traverse this.
    top.chmod(0o755)
    embedded: EmbeddedPostgres | None = None
    server: Server | None = None
    try:
        url = os.environ.get("MARKET_BENCH_DATABASE_URL")
        if url:
            print("PostgreSQL: MARKET_BENCH_DATABASE_URL")
        else:
            started = time.perf_counter()
            embedded = EmbeddedPostgres(top / "postgres")
            url = embedded.start().url()
            print(f"PostgreSQL: embedded, started in {time.perf_counter() - started:.1f} s")
        global POSTMASTER
        POSTMASTER = postmaster(url)
        if POSTMASTER is None:
            print("  (not a local server: its CPU is not measured)")
        print(f"  machine busy before the run: {machine_busy(1.0):.0f} % of {psutil.cpu_count()}"
              " cores (other processes)")  # fmt: skip
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            commit = conn.execute("SHOW synchronous_commit").fetchone()
        print(f"  version {version[0] if version else '?'}, "
              f"synchronous_commit {commit[0] if commit else '?'}")  # fmt: skip
        started = time.perf_counter()
        server = start_server(top, url, args.server_log_level, args.workers)
        print(f"Server: `market serve` on port {server.port}, up in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        print("Setup over HTTP:")
        setup = set_up(server.port, max(args.bidders, args.concurrency), args.postings, 4)
        wait_for_views(server.port, setup.position)
        pairs = Pairs(setup)
        depths: list[Depth] = []
        if args.depths:
            wanted = [int(d) for d in args.depths.split(",")]
            print(f"Place-bid on postings with {wanted} bids, {args.depth_samples} each …")
            depths = measure_depths(server.port, url, setup, wanted, args.depth_samples)

        print(f"Placing and withdrawing bids for {args.seconds:g} s with {args.concurrency}"
              " clients …")  # fmt: skip
        spy = start_profile(server, args.seconds, args.profile)
        sampler = LockSampler(url) if args.breakdown else None
        if sampler is not None:
            sampler.start()
        bidders = [
            http_bid_withdraw(server.port, setup.bidders[i], setup.postings, client_kind)
            for i in range(args.concurrency)
        ]
        bids = timed(server, args.seconds, bidders)
        lock_rows = sampler.stop() if sampler is not None else []
        if spy is not None:
            spy.wait(timeout=args.seconds + 30)
        ran_out = pairs.ran_out
        lag = wait_for_views(server.port, head_position(url))

        print(f"Raw INSERT baseline for {args.seconds:g} s on 1, then "
              f"{args.concurrency} connections …")  # fmt: skip
        with scratch_table(url) as table:
            raw_one = timed(server, args.seconds, [raw_inserter(url, table)])
            raw_many = timed(server, args.seconds, [raw_inserter(url, table)] * args.concurrency)
        breakdown = []
        if args.breakdown:
            print("Breakdown …")
            breakdown = lock_rows + measure_breakdown(
                server, url, pairs, args.seconds / 2, args.concurrency, client_kind
            )
        report(args, bids, raw_one, raw_many, lag, ran_out, breakdown, depths)
        if args.profile is not None and args.profile.exists():
            print(f"\npy-spy profile of the server (raw, GIL-holding samples): {args.profile}")
        return 0
    finally:
        if server is not None:
            stop_server(server)
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
