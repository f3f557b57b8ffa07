"""Reads while logins run: `GET /api/v1/postings` latency alone and under concurrent logins.

    .venv/bin/python tests/bench/login_load.py [--logins 16] [--seconds 5] [--verify N] [--register]

Starts `market serve` with its embedded PostgreSQL in a temp directory (generous request
budgets, so that only the login gate is measured; `--verify` sets
MARKET_LOGIN_VERIFY_CONCURRENCY, default: the server's own), registers as many
organizations as there are login threads, then measures sequential reads for `--seconds`
alone and again while every login thread logs in with the right password in a loop. Prints
p50/p95 of the reads and how the logins were answered (201, 503 busy, ...). `--register`
runs registrations (argon2 hashing) in the loops instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.budgets import GENEROUS_BUDGET_ENV  # noqa: E402
from tests.integration.test_serve_shutdown import free_port, wait_for_health  # noqa: E402
from tests.support import organization_body  # noqa: E402


def reads(base: str, seconds: float) -> list[float]:
    times = []
    with httpx.Client(base_url=base, timeout=30) as http:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            assert http.get("/api/v1/postings").status_code == 200
            times.append((time.perf_counter() - start) * 1000)
    return times


def log_in_loop(
    base: str, body: dict[str, str], stop: threading.Event, answers: Counter[int]
) -> None:
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    with httpx.Client(base_url=base, timeout=60) as http:
        while not stop.is_set():
            answers[http.post("/api/v1/sessions", json=login).status_code] += 1


def register_loop(
    base: str, body: dict[str, str], stop: threading.Event, answers: Counter[int]
) -> None:
    with httpx.Client(base_url=base, timeout=60) as http:
        while not stop.is_set():
            answers[http.post("/api/v1/organizations", json=organization_body()).status_code] += 1


def summary(label: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    return f"{label}: {len(times)} reads, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--verify", type=int, default=None)
    parser.add_argument("--register", action="store_true", help="registrations instead of logins")
    args = parser.parse_args()
    top = Path(tempfile.mkdtemp(prefix="market-bench-"))
    top.chmod(0o755)
    port = free_port()
    env = {**os.environ, **GENEROUS_BUDGET_ENV, "MARKET_DATA_DIR": str(top / "data")}
    env["MARKET_PORT"] = str(port)
    env.pop("MARKET_DATABASE_URL", None)
    if args.verify:
        env["MARKET_LOGIN_VERIFY_CONCURRENCY"] = str(args.verify)
    command = [sys.executable, "-m", "cli", "--log-level", "warning", "serve"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(f"{base}/healthz", server)
        bodies = [organization_body() for _ in range(args.logins)]
        for body in bodies:
            assert httpx.post(f"{base}/api/v1/organizations", json=body).status_code == 201
        reads(base, 1.0)  # warm up
        print(summary("alone", reads(base, args.seconds)))
        stop, answers = threading.Event(), Counter[int]()
        loop = register_loop if args.register else log_in_loop
        threads = [
            threading.Thread(target=loop, args=(base, body, stop, answers)) for body in bodies
        ]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        loaded = reads(base, args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        what = "registrations" if args.register else "logins"
        print(summary(f"with {args.logins} concurrent {what}", loaded))
        print(f"{what} answered: {dict(answers)}")
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
