"""Cost of history, read side: cold catch-up and audit verification on the generated 1M store,
each printed beside a baseline measured in the same run.

    .venv/bin/python tests/bench/generate.py                  # once: .market/bench-1m
    .venv/bin/python tests/bench/history.py [--data-dir .market/bench-1m] [--bundles /tmp/b]
        [--skip-verify] [--before-seconds 60]

Starts the store's embedded PostgreSQL once (request budgets raised, as for every benchmark), then:

1. raw scan: every event read in pages of 5,000 and deserialised by the application's mapper
   (`tests/bench/projections.py`'s `raw_scan`); the baseline of rows 2 and 3.
2. cold catch-up: every view's tables and position dropped (an empty read side), then the
   projection runner of `market project` until every view is at the head; events/s.
   Target: ≥ 30,000/s and ≥ 0.5 of the raw scan.
3. before: the same runner with the one-pass catch-up off (batch by batch, as before), stopped
   after `--before-seconds`; events/s over that time.
4. `market audit verify` (online) against a raw read of the event and leaf tables; `market audit
   export` (plain and `--compress`, if not in `--bundles` yet) and `verify-bundle` of each,
   against reading (and gunzipping) the bundle's files. Target: ≤ 30 s each.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from marketplace.audit.signing import sign_checkpoint  # noqa: E402
from marketplace.bootstrap import Services, head_position, open_services  # noqa: E402
from marketplace.embedded_pg.server import EmbeddedPostgres  # noqa: E402
from marketplace.settings import Settings  # noqa: E402
from projections import cold  # noqa: E402
from projections.engine import ProjectionRunner  # noqa: E402
from projections.text import warm_up  # noqa: E402
from tests.bench.projections import raw_scan  # noqa: E402
from tests.budgets import GENEROUS_BUDGET_ENV, GENEROUS_BUDGETS  # noqa: E402

PYTHON = sys.executable


def empty_read_side(services: Services) -> None:
    """Drop every view's tables, positions and failures; create the tables again."""
    with psycopg.connect(services.url, autocommit=True) as conn:
        for view in services.views.all():
            for table in view.tables:
                conn.execute(f'DROP TABLE IF EXISTS "{table.name}" CASCADE')
            for statement in view.schema:
                conn.execute(statement)
        conn.execute("DELETE FROM projection_positions")
        conn.execute("DELETE FROM projection_failures")


def catch_up(services: Services, head: int, one_pass: bool, limit: float) -> tuple[int, float]:
    """Run the projection runner from an empty read side; (events done by all views, s)."""
    empty_read_side(services)
    views = services.views.all()
    runner = ProjectionRunner(services.app, services.url, views, batch_size=500,
                              cold_after=1 if one_pass else 10**12)  # fmt: skip
    started = time.perf_counter()
    runner.start()
    done = 0
    try:
        while time.perf_counter() - started < limit:
            done = min(state.position for state in runner.states)
            if done >= head:
                break
            time.sleep(0.2)
    finally:
        seconds = time.perf_counter() - started
        runner.stop()
        runner.join(60)
    return done, seconds


def raw_tables(url: str) -> tuple[int, float]:
    """Every event row and leaf row read (binary, no checks): what verification must read."""
    started, count = time.perf_counter(), 0
    with psycopg.connect(url) as conn:
        for query in (
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM marketplace_events ORDER BY notification_id",
            "SELECT * FROM audit_leaves ORDER BY leaf_index",
        ):
            with conn.cursor(name="raw", binary=True) as cur:
                cur.itersize = 5000
                cur.execute(query)
                for _ in cur:
                    count += 1
            conn.commit()
    return count, time.perf_counter() - started


def read_files(bundle: Path) -> float:
    started = time.perf_counter()
    for path in sorted(bundle.glob("*.jsonl*")):
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as file:
            while file.read(1 << 20):
                pass
    return time.perf_counter() - started


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


class Rows:
    """Result lines, each printed as soon as measured and all of them again at the end."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def append(self, line: str) -> None:
        print(f"\n{line}", flush=True)
        self.lines.append(line)


def audit(url: str, data_dir: Path, bundles: Path, vkey: str, rows: Rows) -> None:
    env = {**os.environ, **GENEROUS_BUDGET_ENV, "MARKET_DATABASE_URL": url}
    market = [PYTHON, "-m", "cli"]
    count, raw = raw_tables(url)
    online = timed([*market, "audit", "verify", "--data-dir", str(data_dir)], env)
    rows.append(f"audit verify (online)   {online:7.1f} s   raw read of {count:,} rows {raw:.1f} s")
    key_file = bundles / "exported-with-key"
    if key_file.exists() and key_file.read_text() != vkey:  # bundles of another store
        for name in ("plain", "gz"):
            shutil.rmtree(bundles / name, ignore_errors=True)
    key_file.write_text(vkey)
    for name, extra in (("plain", []), ("gz", ["--compress"])):
        bundle = bundles / name
        if not bundle.exists():
            seconds = timed([*market, "audit", "export", str(bundle), "--data-dir",
                             str(data_dir), *extra], env)  # fmt: skip
            rows.append(f"audit export {name:5s}      {seconds:7.1f} s")
        size = sum(p.stat().st_size for p in bundle.glob("*.jsonl*"))
        state = bundles / f"state-{name}"
        shutil.rmtree(state, ignore_errors=True)
        offline = timed([*market, "audit", "verify-bundle", str(bundle), "--trusted-key", vkey,
                         "--state", str(state)], env)  # fmt: skip
        rows.append(f"verify-bundle {name:5s}     {offline:7.1f} s   reading the files "
                    f"({size / 1e6:,.0f} MB) {read_files(bundle):.1f} s")  # fmt: skip


def show_progress(done: int, total: int, rate: float) -> None:
    print(f"\r  cold catch-up {done:,}/{total:,} events, {rate:,.0f}/s", end="", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".market" / "bench-1m")
    parser.add_argument("--bundles", type=Path, default=Path("/tmp/market-bench-bundles"))
    parser.add_argument("--before-seconds", type=float, default=60.0)
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--skip-catch-up", action="store_true")
    args = parser.parse_args()
    embedded = EmbeddedPostgres(args.data_dir / "postgres")
    url = embedded.start().url()
    settings = Settings(database_url=url, data_dir=args.data_dir, **GENEROUS_BUDGETS)
    services = open_services(settings, url=url)
    rows = Rows()
    try:
        head = head_position(services.db)
        warm_up()
        raw_scan(url, services.app)  # warms the caches
        scanned, scan_seconds = raw_scan(url, services.app)
        scan_rate = scanned / scan_seconds
        rows.append(f"raw scan + deserialise  {scan_rate:9,.0f} events/s ({scanned:,} events)")
        cold.log_progress = show_progress
        if not args.skip_catch_up:
            done, seconds = catch_up(services, head, one_pass=True, limit=3600)
            rate = done / seconds
            rows.append(f"cold catch-up, one pass {rate:9,.0f} events/s ({done:,} in "
                        f"{seconds:.1f} s; ratio to raw scan {rate / scan_rate:.2f})")  # fmt: skip
        if not args.skip_catch_up and args.before_seconds > 0:
            done, seconds = catch_up(services, head, one_pass=False, limit=args.before_seconds)
            rows.append(f"batch by batch (before) {done / seconds:9,.0f} events/s ({done:,} in "
                        f"{seconds:.0f} s; ratio {done / seconds / scan_rate:.2f})")  # fmt: skip
        if not args.skip_verify:
            args.bundles.mkdir(parents=True, exist_ok=True)
            with psycopg.connect(url, autocommit=True) as conn:  # a head signed by this store
                conn.execute("DELETE FROM audit_checkpoints")
                sign_checkpoint(conn, services.signer, settings.audit_origin)
            audit(url, args.data_dir, args.bundles, services.signer.vkey, rows)
    finally:
        services.close()
        embedded.stop()
    print("\n".join(rows.lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
