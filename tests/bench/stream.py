"""Live stream delivery latency, commit → socket, beside a baseline measured in the same run.

    .venv/bin/python tests/bench/stream.py [--clients 100] [--rate 200] [--seconds 10]
        [--workers 2]

Starts a private PostgreSQL (or uses `MARKET_BENCH_DATABASE_URL`, an empty throwaway
database), `market serve --workers N` and `market project`, and connects `--clients`
anonymous sockets to `WS /api/v1/stream` from a separate listener process. Then commands
(publish a posting, place a bid, by turns, through the use cases in this process) at a steady
`--rate` per second for `--seconds`. Latency of one delivery: from the use case returning (its
transaction committed) to the message with that position arriving at one socket; every
(command, socket) pair counts. Target: p99 ≤ 50 ms.

Then the memory row: the RSS of each API process before and after `--churn` anonymous sockets
came and went, `--wave` at a time (each open for a second), beside the same processes' RSS
after the latency run (the baseline). Target: ≤ 300 MB (issue 20, with 1M events in the log:
give such a database as `MARKET_BENCH_DATABASE_URL` with `--reuse`).

Baseline: a raw NOTIFY round trip on the same server at the same pace (an autocommitted NOTIFY
on one connection → its arrival on a LISTENing one), the least any LISTEN-based fan-out can
take. Both clocks are `time.perf_counter` (CLOCK_MONOTONIC: shared by the processes).
Everything shares this machine's cores: the load, the listeners, the API workers, the
projector and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402

from marketplace.bootstrap import Services, head_position, open_services  # noqa: E402
from marketplace.embedded_pg.server import EmbeddedPostgres  # noqa: E402
from marketplace.settings import Settings  # noqa: E402
from tests.bench.projections import (  # noqa: E402
    ms,
    notify_round_trip,
    paced,
    percentile,
    postmaster,
    terms,
)
from tests.budgets import GENEROUS_BUDGET_ENV  # noqa: E402
from tests.support import new_credit_code  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--churn", type=int, default=2000, help="sockets that come and go")
    parser.add_argument("--wave", type=int, default=200, help="of them open at once")
    parser.add_argument(
        "--reuse", action="store_true", help="accept a database that already holds events"
    )
    parser.add_argument(
        "--listen", nargs=3, metavar=("URI", "COUNT", "UNTIL"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--churn-listen", nargs=3, metavar=("URI", "COUNT", "WAVE"), help=argparse.SUPPRESS
    )
    return parser.parse_args()


# The listener process ------------------------------------------------------------------------


async def listen(uri: str, clients: int, until: int) -> dict[str, list[tuple[int, float]]]:
    """`clients` sockets; each records (position, arrival) until it has seen `until`."""
    from websockets.asyncio.client import connect

    async def one(n: int) -> tuple[str, list[tuple[int, float]]]:
        got: list[tuple[int, float]] = []
        async with connect(uri, max_size=None, open_timeout=60) as ws:
            print("connected", flush=True) if n == clients - 1 else None
            async for text in ws:
                arrived = time.perf_counter()
                if text.startswith('{"position":'):
                    position = int(str(text)[12 : str(text).index(",")])
                    got.append((position, arrived))
                    if position >= until:
                        break
        return str(n), got

    results = await asyncio.gather(*(one(n) for n in range(clients)))
    return dict(results)


async def churn(uri: str, count: int, wave: int) -> int:
    """`count` sockets in waves of `wave`: each opens, stays a second, and closes."""
    from websockets.asyncio.client import connect

    async def one() -> None:
        async with connect(uri, max_size=None, open_timeout=120):
            await asyncio.sleep(1)

    done = 0
    while done < count:
        n = min(wave, count - done)
        await asyncio.gather(*(one() for _ in range(n)))
        done += n
    return done


def rss(top: psutil.Process) -> dict[int, float]:
    """MB resident, per process: the server and its workers."""
    found = {}
    for process in [top, *top.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            found[process.pid] = process.memory_info().rss / 2**20
    return found


def measure_churn(args: argparse.Namespace, port: int, after: int, server: psutil.Process) -> None:
    before = rss(server)
    uri = f"ws://127.0.0.1:{port}/api/v1/stream?after={after}"
    command = [sys.executable, __file__, "--churn-listen", uri, str(args.churn), str(args.wave)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    time.sleep(2)  # the server notices the last closes
    now = rss(server)
    print(f"Memory: {args.churn} sockets came and went ({args.wave} at once) in {elapsed:.0f} s")
    for pid, mb in sorted(now.items()):
        print(
            f"  process {pid}: RSS {mb:.0f} MB, after the latency run {before.get(pid, 0):.0f} MB"
        )
    worst = max(now.values(), default=0.0)
    print(f"  target ≤ 300 MB per process: {'met' if worst <= 300 else 'NOT met'} ({worst:.0f})")


def run_listener(args: argparse.Namespace) -> int:
    uri, count, until = args.listen[0], int(args.listen[1]), int(args.listen[2])
    results = asyncio.run(listen(uri, count, until))
    json.dump(results, sys.stdout)
    return 0


# The run -------------------------------------------------------------------------------------


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    base = [sys.executable, "-m", "cli", "--log-level", "warning"]
    return subprocess.Popen([*base, *command], cwd=ROOT, env=env, start_new_session=True)


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def organization(services: Services, name: str) -> Any:
    return services.app.register_organization(
        kind="enterprise", name=name, credit_code=new_credit_code(), region="330106",
        industry="C31", contact=None, password="correct horse battery",
    ).aggregate.id  # fmt: skip


class Commands:
    """Publish a posting and bid on a posting seeded before the run, by turns."""

    def __init__(self, services: Services, count: int) -> None:
        self.app = services.app
        self.owner = organization(services, "发布方")
        self.bidder = organization(services, "报价方")
        self.now = datetime.now(UTC)
        self.seeded = [
            self.app.publish_posting(self.owner, **terms(i, self.now)).aggregate.id
            for i in range(count // 2 + 1)
        ]
        self.committed: dict[int, float] = {}

    def run(self, i: int) -> int:
        if i % 2 == 0:
            outcome = self.app.publish_posting(self.owner, **terms(i, self.now))
        else:
            outcome = self.app.place_bid(
                self.seeded[i // 2], self.bidder, unit_price=Decimal("1500.00"),
                quantity=Decimal(50), delivery_days=10,
            )  # fmt: skip
        assert outcome.position is not None
        self.committed[outcome.position] = time.perf_counter()
        return outcome.position


def cpu_seconds(groups: dict[str, psutil.Process | None]) -> dict[str, float]:
    """CPU seconds used so far by each process and its children (this process: alone)."""
    used: dict[str, float] = {}
    for name, process in groups.items():
        total = 0.0
        alone = name.endswith("(this process)")  # its children are counted on their own
        family = [] if process is None else [process]
        if process is not None and not alone:
            family += process.children(recursive=True)
        for p in family:
            try:
                times = p.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        used[name] = total
    return used


def wait_for_server(base: str, api: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if api.poll() is not None:
            raise SystemExit("the server exited")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> int:
    args = parse_args()
    if args.listen:
        return run_listener(args)
    if args.churn_listen:
        uri, count, wave = args.churn_listen
        asyncio.run(churn(uri, int(count), int(wave)))
        return 0
    top = Path(tempfile.mkdtemp(prefix="market-bench-stream-"))
    top.chmod(0o755)
    embedded: EmbeddedPostgres | None = None
    processes: list[subprocess.Popen[Any]] = []
    services: Services | None = None
    try:
        url = os.environ.get("MARKET_BENCH_DATABASE_URL")
        if not url:
            embedded = EmbeddedPostgres(top / "postgres")
            url = embedded.start().url()
        print(f"{psutil.cpu_count()} cores; {args.clients} clients, {args.rate:.0f} commands/s "
              f"for {args.seconds:.0f} s, {args.workers} API workers")  # fmt: skip
        services = open_services(Settings(database_url=url, data_dir=top / "market"), url=url)
        if head_position(services.db) and not args.reuse:
            raise SystemExit("the database already holds events: give an empty one")
        total = int(args.rate * args.seconds)
        commands = Commands(services, total)

        print("Baseline: raw NOTIFY → LISTEN round trip at the same pace …")
        baseline = notify_round_trip(url, args.rate, args.seconds)

        port = free_port()
        env = {**os.environ, **GENEROUS_BUDGET_ENV, "MARKET_DATABASE_URL": url}
        env["MARKET_DATA_DIR"] = str(top / "market")
        serve = ["serve", "--workers", str(args.workers), "--port", str(port)]
        processes += [start(serve, env), start(["project"], env)]
        wait_for_server(f"http://127.0.0.1:{port}", processes[0])
        after = head_position(services.db)
        until = after + total
        uri = f"ws://127.0.0.1:{port}/api/v1/stream?after={after}"
        listener = subprocess.Popen(
            [sys.executable, __file__, "--listen", uri, str(args.clients), str(until)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        processes.append(listener)
        assert listener.stdout is not None
        assert listener.stdout.readline().strip() == b"connected"
        time.sleep(1)
        print("Stream: commands → sockets …")
        groups = {
            "API workers": psutil.Process(processes[0].pid),
            "projector": psutil.Process(processes[1].pid),
            "socket clients": psutil.Process(listener.pid),
            "load (this process)": psutil.Process(),
            "PostgreSQL": postmaster(url),
        }
        before = cpu_seconds(groups)
        load = paced(args.rate, args.seconds, commands.run, workers=4)
        used = {k: v - before[k] for k, v in cpu_seconds(groups).items()}
        print("  CPU during the load, cores: " + ", ".join(
            f"{k} {v / load.elapsed:.2f}" for k, v in used.items()))  # fmt: skip
        out, _ = listener.communicate(timeout=120)
        received: dict[str, list[list[float]]] = json.loads(out)
        report(args, commands.committed, received, baseline, load)
        if args.churn:
            measure_churn(args, port, head_position(services.db), psutil.Process(processes[0].pid))
    finally:
        for process in processes:
            stop(process)
        if services is not None:
            services.close()
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(top, ignore_errors=True)
    return 0


def report(
    args: argparse.Namespace,
    committed: dict[int, float],
    received: dict[str, list[list[float]]],
    baseline: list[float],
    load: Any,
) -> None:
    latencies = [
        arrived - committed[int(position)]
        for got in received.values()
        for position, arrived in got
        if int(position) in committed
    ]
    expected = len(committed) * args.clients
    achieved = len(load.done) / load.elapsed if load.elapsed else 0
    late = percentile(load.late, 0.99)
    print(f"  load: {len(load.done)} commands in {load.elapsed:.1f} s ({achieved:.0f}/s), "
          f"p99 start lateness {ms(late)}, errors {dict(load.errors) or 0}")  # fmt: skip
    print(f"  deliveries: {len(latencies):,} of {expected:,} (command × socket)")
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    b50, b99 = percentile(baseline, 0.5), percentile(baseline, 0.99)
    print(f"  commit → socket   p50 {ms(p50)}  p99 {ms(p99)}  max {ms(max(latencies))}")
    print(f"  baseline NOTIFY   p50 {ms(b50)}  p99 {ms(b99)}")
    print(f"  ratio (stream / baseline) p50 {p50 / b50:.1f}×, p99 {p99 / b99:.1f}×")
    print(f"  target p99 ≤ 50 ms: {'met' if p99 <= 0.050 else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
