"""Webhook deliveries per second, beside a baseline measured in the same run.

    .venv/bin/python tests/bench/webhooks.py [--deliveries 1000] [--webhooks 1]

Starts a private PostgreSQL (or uses `MARKET_BENCH_DATABASE_URL`, a throwaway database) and a
receiver on 127.0.0.1 (`tests/webhook_receiver.py`: the standard library's threading HTTP
server, answering 200). One enterprise publishes postings and another bids once on each, so
the first gets `--deliveries` `bid_received` notifications; `--webhooks` webhooks of it (all
kinds) point at the receiver, so the outbox holds deliveries × webhooks rows. The notifications
view is run until it has queued them all, then:

1. deliveries/s: the sender (`marketplace.workers.webhook_sender.WebhookSender`, one thread,
   as in `market project`) from start until every delivery is recorded delivered: per
   delivery, lock it, read its notification, check the target, sign, POST, record.
2. baseline: the same client (`marketplace.webhook_http.post`, a new connection per request, as
   the sender makes) posting an equally large signed body to the same receiver, one after
   another, as many times: raw HTTP POSTs/s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from uuid import UUID

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from marketplace.bootstrap import open_services  # noqa: E402
from marketplace.embedded_pg.server import EmbeddedPostgres  # noqa: E402
from marketplace.settings import Settings  # noqa: E402
from marketplace.webhook_http import post, signature  # noqa: E402
from marketplace.webhook_targets import check_target  # noqa: E402
from marketplace.workers.webhook_sender import WebhookSender  # noqa: E402
from projections.engine import ProjectionRunner  # noqa: E402
from tests.budgets import GENEROUS_BUDGETS  # noqa: E402
from tests.support import organization_body, register_body, steel_terms  # noqa: E402
from tests.webhook_receiver import receiving  # noqa: E402

_watch: dict[str, psycopg.Connection[tuple[int]]] = {}


def count(url: str, where: str) -> int:
    """Deliveries in the outbox that pass `where` (on one connection kept for the run)."""
    conn = _watch.get(url) or _watch.setdefault(url, psycopg.connect(url, autocommit=True))
    row = conn.execute(f"SELECT count(*) FROM webhook_deliveries WHERE {where}").fetchone()
    return int(row[0]) if row else 0


def wait_until(done: Callable[[], bool], limit: float) -> float:
    """Seconds until `done()`."""
    started = time.perf_counter()
    while not done():
        if time.perf_counter() - started > limit:
            raise SystemExit("timed out")
        time.sleep(0.02)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deliveries", type=int, default=1000, help="notifications to send")
    parser.add_argument("--webhooks", type=int, default=1, help="webhooks of the organization")
    args = parser.parse_args()
    top = Path(tempfile.mkdtemp(prefix="market-bench-webhooks-"))
    top.chmod(0o755)
    embedded: EmbeddedPostgres | None = None
    try:
        url = os.environ.get("MARKET_BENCH_DATABASE_URL")
        if not url:
            embedded = EmbeddedPostgres(top / "postgres")
            url = embedded.start().url()
        settings = Settings(database_url=url, data_dir=top / "market",
                            webhook_allow_hosts="127.0.0.1", **GENEROUS_BUDGETS)  # fmt: skip
        services = open_services(settings, url=url)
        app = services.app
        owner, bidder = organization_body(), organization_body()
        owner_id = register_body(app, owner).aggregate.id
        bidder_id = register_body(app, bidder).aggregate.id
        with receiving() as receiver:
            for _ in range(args.webhooks):
                services.webhooks.register(UUID(str(owner_id)), receiver.url, ["*"])
            print(f"Writing {args.deliveries:,} postings and a bid on each …")
            started = time.perf_counter()
            for _ in range(args.deliveries):
                posting = app.publish_posting(owner_id, **steel_terms()).aggregate
                app.place_bid(posting.id, bidder_id, unit_price=Decimal(100), quantity=Decimal(1))
            print(f"  {2 * args.deliveries:,} commands in {time.perf_counter() - started:.1f} s")
            total = args.deliveries * args.webhooks
            runner = ProjectionRunner(app, url, [services.views.notifications])
            runner.start()
            queued = wait_until(lambda: count(url, "true") >= total, 600)
            runner.stop()
            runner.join(10)
            print(f"  the notifications view queued {total:,} deliveries in {queued:.1f} s")

            sender = WebhookSender(url, settings)
            sender.start()
            seconds = wait_until(lambda: count(url, "delivered_at IS NOT NULL") >= total, 600)
            sender.stop()
            sender.join(10)
            failed = count(url, "delivered_at IS NULL")
            rate = total / seconds
            print(f"Sender: {total:,} deliveries in {seconds:.2f} s: {rate:,.0f} deliveries/s"
                  f" ({failed} not delivered)")  # fmt: skip

            with psycopg.connect(url) as conn:
                row = conn.execute("SELECT secret FROM webhooks LIMIT 1").fetchone()
            assert row is not None
            body = receiver.all()[0].body
            target = check_target(receiver.url, settings.webhook_hosts)
            started = time.perf_counter()
            for n in range(total):
                headers = {
                    "Content-Type": "application/json",
                    "Market-Delivery": f"raw-{n}",
                    "Market-Signature": signature(row[0], int(time.time()), body),
                }
                post(target, body, headers, 10.0)
            raw = total / (time.perf_counter() - started)
            print(f"Baseline: raw signed HTTP POSTs, same client and receiver: {raw:,.0f}/s")
            print(f"Ratio deliveries/s ÷ raw POSTs/s: {rate / raw:.2f}")
        services.close()
    finally:
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(top, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
