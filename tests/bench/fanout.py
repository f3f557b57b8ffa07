"""Notification fan-out: one policy targeting 100,000 enterprises, beside a raw-PostgreSQL baseline.

    python tests/bench/fanout.py [--enterprises 100000] [--others 5000]

Starts a private PostgreSQL (or uses `MARKET_BENCH_DATABASE_URL`, a throwaway empty database),
writes `--enterprises` enterprises in region 3301xx and `--others` elsewhere straight through
the recorder (`tests/bench/generate.py`'s path: the events, their encoding and audit leaves as
the use cases would write them), runs `market project` in its own process and lets it catch
up. Then an operator publishes a policy for region 33 through the use case, and the figures:

1. fan-out: from the policy's commit to the `market_projected` notification that the
   notifications view has applied it (its rows and position are committed together), and the
   `policy_published` rows it wrote (checked: one per targeted enterprise, none for others);
   rows/s; the projecting process's peak RSS during that time, above its RSS before.
2. baseline, same run, same server: the same number of notification-shaped rows (the same
   columns and indexes, ids made the same way) COPYed into a scratch table in one transaction,
   and the same rows by `executemany` INSERT (pipelined) in one transaction.
The ratio printed is fan-out time ÷ COPY baseline time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import psycopg  # noqa: E402
from eventsourcing.persistence import StoredEvent  # noqa: E402

from aggregates.organization import Organization  # noqa: E402
from marketplace.application import Marketplace  # noqa: E402
from marketplace.bootstrap import head_position, open_services  # noqa: E402
from marketplace.embedded_pg.server import EmbeddedPostgres  # noqa: E402
from marketplace.settings import Settings  # noqa: E402
from projections.engine import PROJECTED_CHANNEL  # noqa: E402
from projections.inbox import KINDS, TITLES, notification_id  # noqa: E402
from tests.bench.generate import insert  # noqa: E402
from tests.bench.projections import postmaster  # noqa: E402
from tests.budgets import GENEROUS_BUDGETS  # noqa: E402
from tests.support import new_credit_code  # noqa: E402

BATCH = 5000  # events per transaction while writing the enterprises
KIND = "policy_published"
TITLE = "关于支持中小企业数字化转型的若干措施"


def organizations(targeted: int, others: int) -> Iterator[Organization]:
    yield Organization(kind="operator", name="基准运营方", credit_code=new_credit_code(),
                       region="330106", industry=None, sealed_contact=None)  # fmt: skip
    for i in range(targeted + others):
        region = f"3301{i % 10:02d}" if i < targeted else "440305"
        yield Organization(kind="enterprise", name=f"基准企业 {i}", credit_code=new_credit_code(),
                           region=region, industry="C39", sealed_contact=None)  # fmt: skip


def encoded(app: Marketplace, targeted: int, others: int) -> Iterator[list[StoredEvent]]:
    batch: list[StoredEvent] = []
    for org in organizations(targeted, others):
        batch += [app.mapper.to_stored_event(e) for e in org.collect_events()]
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def operator_id(url: str) -> UUID:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT originator_id FROM marketplace_events ORDER BY notification_id LIMIT 1"
        ).fetchone()
    assert row is not None
    return UUID(str(row[0]))


# The projecting process ---------------------------------------------------------------------


def start_projector(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MARKET_DATABASE_URL": url, "MARKET_DATA_DIR": str(data_dir),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    command = [sys.executable, "-m", "cli.main", "--log-level", "warning", "project"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_views(url: str, head: int, views: int, projector: psutil.Process) -> None:
    """Until every view has reached `head` (a view's tracking row appears with its first
    write: the cold catch-up's other processes write theirs last) and the projector's
    catch-up processes have ended."""
    deadline = time.monotonic() + 1800
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*), min(position) FROM projection_positions"
            ).fetchone()
            if row and row[0] == views and row[1] >= head and not projector.children():
                return
            time.sleep(0.5)
    raise RuntimeError("the views did not catch up")


class Memory:
    """The process's RSS sampled every 5 ms (and its kernel high-water mark, reset at start),
    and the CPU seconds it and PostgreSQL used meanwhile."""

    def __init__(self, pid: int, url: str) -> None:
        self.process = psutil.Process(pid)
        self.server = postmaster(url)
        self.cpu = self._cpu()
        self.before = self.process.memory_info().rss
        self.peak = self.before
        self.hwm_reset = _reset_hwm(pid)
        self.pid, self.done = pid, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.wait(0.005):
            with contextlib.suppress(psutil.Error):
                self.peak = max(self.peak, self.process.memory_info().rss)

    def _cpu(self) -> tuple[float, float]:
        mine = sum(self.process.cpu_times()[:2])
        server = 0.0
        if self.server is not None:
            for process in [self.server, *self.server.children()]:
                with contextlib.suppress(psutil.Error):
                    server += sum(process.cpu_times()[:2])
        return mine, server

    def stop(self) -> int:
        """The peak RSS: the kernel's high-water mark when it could be reset, else sampled."""
        after = self._cpu()
        self.cpu = (after[0] - self.cpu[0], after[1] - self.cpu[1])
        self.done.set()
        self.thread.join()
        hwm = _hwm(self.pid) if self.hwm_reset else None
        return max(self.peak, hwm or 0)


def _reset_hwm(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _hwm(pid: int) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


# The fan-out and its baseline -----------------------------------------------------------------


def fan_out(app: Marketplace, url: str, operator: UUID) -> tuple[UUID, int, float]:
    """Publish the policy; its id, position and seconds until its notifications are committed."""
    with psycopg.connect(url, autocommit=True) as listen:
        listen.execute(f"LISTEN {PROJECTED_CHANNEL}")
        outcome = app.publish_policy(
            operator, title=TITLE, body="对区域内中小企业数字化改造给予补助。", issuer="市经信局",
            document_number=None, topics=["digitalization"], regions=["33"], industries=[],
            effective_from=None, effective_until=None, url=None,
        )  # fmt: skip
        started = time.perf_counter()
        assert outcome.position is not None
        for note in listen.notifies():
            view, _, position = note.payload.partition(":")
            if view == "notifications" and int(position) >= outcome.position:
                break
        return outcome.aggregate.id, outcome.position, time.perf_counter() - started


def notification_rows(position: int, targets: list[UUID], policy: UUID) -> list[tuple[Any, ...]]:
    zh, en = TITLES[KIND]
    now = datetime.now(UTC)
    seq = position * 64 + KINDS.index(KIND)
    return [
        (notification_id(position, org, KIND), org, KIND, position, seq, now, False, None,
         "policy", policy, zh.format(TITLE), en.format(TITLE), None)
        for org in targets
    ]  # fmt: skip


COLUMNS = ("id, organization_id, kind, position, seq, created_at, action_required, due_at,"
           " subject_type, subject_id, title_zh, title_en, action_key")  # fmt: skip


def baseline(url: str, rows: list[tuple[Any, ...]], how: str) -> float:
    """Seconds to write the rows into a scratch copy of `notifications` in one transaction."""
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_notifications")
        conn.execute("CREATE TABLE bench_notifications (LIKE notifications INCLUDING ALL)")
        conn.commit()
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit = off")  # as the views commit
            if how == "copy":
                with cur.copy(f"COPY bench_notifications ({COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(rows[0]))
                cur.executemany(
                    f"INSERT INTO bench_notifications ({COLUMNS}) VALUES ({marks})", rows
                )
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_notifications")
        conn.commit()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000, help="targeted")
    parser.add_argument("--others", type=int, default=5_000, help="not targeted")
    args = parser.parse_args()
    top = Path(tempfile.mkdtemp(prefix="market-bench-fanout-"))
    top.chmod(0o755)  # as root the embedded server's own user must traverse it
    embedded, services, projector = None, None, None
    try:
        url = os.environ.get("MARKET_BENCH_DATABASE_URL")
        if not url:
            embedded = EmbeddedPostgres(top / "postgres")
            url = embedded.start().url()
        settings = Settings(database_url=url, data_dir=top / "market", **GENEROUS_BUDGETS)
        services = open_services(settings, url=url)
        if head_position(services.db):
            raise SystemExit("the database already holds events: give an empty one")
        print(f"Writing {args.enterprises:,} + {args.others:,} enterprises …")
        started = time.perf_counter()
        insert(services.app, url, encoded(services.app, args.enterprises, args.others))
        print(f"  in {time.perf_counter() - started:.1f} s")
        operator, head = operator_id(url), head_position(services.db)
        print("Projector catching up …")
        started = time.perf_counter()
        projector = start_projector(url, top / "market")
        wait_views(url, head, len(services.views.all()), psutil.Process(projector.pid))
        print(f"  in {time.perf_counter() - started:.1f} s")
        time.sleep(1.0)  # let it settle into following the log
        memory = Memory(projector.pid, url)
        print("Publishing the policy …")
        policy, position, seconds = fan_out(services.app, url, operator)
        memory.peak = memory.stop()
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT count(*), count(DISTINCT organization_id), count(*) FILTER"
                " (WHERE o.region NOT LIKE '33%%') FROM notifications n JOIN"
                " notification_subjects o ON o.id = n.organization_id"
                " WHERE n.kind = %s AND n.subject_id = %s",
                (KIND, policy),
            ).fetchone()
            targets = [
                UUID(str(r[0]))
                for r in conn.execute(
                    "SELECT id FROM notification_subjects WHERE type = 'enterprise'"
                    " AND region LIKE '33%%'"
                )
            ]
        assert row is not None
        written, distinct, strays = int(row[0]), int(row[1]), int(row[2])
        rows = notification_rows(position, targets, policy)
        print("Baselines …")
        copy_seconds = baseline(url, rows, "copy")
        insert_seconds = baseline(url, rows, "insert")
        report(args, written, distinct, strays, seconds, memory,
               copy_seconds, insert_seconds, len(rows))  # fmt: skip
        return 0 if written == distinct == args.enterprises and strays == 0 else 1
    finally:
        if projector is not None:
            stop(projector)
        if services is not None:
            services.close()
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(top, ignore_errors=True)


def report(args: argparse.Namespace, written: int, distinct: int, strays: int, seconds: float,
           memory: Memory, copy: float, insert: float, rows: int) -> None:  # fmt: skip
    mib, before, peak = 1024 * 1024, memory.before, memory.peak
    right = written == distinct == args.enterprises and not strays
    lines = [
        ("enterprises", f"{args.enterprises:,} targeted (region 33), {args.others:,} not"),
        ("policy_published rows", f"{written:,} ({distinct:,} organizations, {strays} outside "
                                  f"the targeting): {'correct' if right else 'WRONG'}"),
        ("fan-out, commit → view committed", f"{seconds:.2f} s, {written / seconds:,.0f} rows/s"),
        ("  projector RSS", f"{before / mib:,.0f} MiB before, peak {peak / mib:,.0f} MiB "
                            f"(+{(peak - before) / mib:,.0f} MiB)"),
        ("  CPU meanwhile", f"projector {memory.cpu[0]:.1f} s, PostgreSQL {memory.cpu[1]:.1f} s; "
                           f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"),
        ("baseline: COPY, one transaction", f"{copy:.2f} s, {rows / copy:,.0f} rows/s"),
        ("baseline: executemany INSERT", f"{insert:.2f} s, {rows / insert:,.0f} rows/s"),
        ("ratio fan-out ÷ COPY", f"{seconds / copy:.1f}"),
    ]  # fmt: skip
    width = max(len(k) for k, _ in lines) + 2
    print()
    for key, value in lines:
        print(f"{key:<{width}}{value}")


if __name__ == "__main__":
    sys.exit(main())
