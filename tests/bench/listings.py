"""Listing search speed: `GET /api/v1/postings` on a real `market serve` over 100k open postings.

    python tests/bench/listings.py [--postings 100000] [--requests 300]

Starts a private PostgreSQL (or uses `MARKET_BENCH_DATABASE_URL`, a throwaway database), runs
`market serve` from this checkout on it (request budgets raised, `tests/budgets.py`), registers
a few organizations over HTTP, then fills the listings view: `Posting.Published` events made by
the aggregate from a vocabulary of Chinese and English titles, categories and regions, folded
by `ListingsView.fold` straight into the view's rows and written in batches (no event reaches
the log: this measures reads, and writing 100k postings through HTTP would take many minutes).
Every posting expires in 300 days, so the scheduler leaves them alone. A database given by
`MARKET_BENCH_DATABASE_URL` that already holds open postings is only topped up.

Then, with one keep-alive client, each query `--requests` times (after 20 unmeasured): p50 and
p99 over HTTP, and of the same `list_postings` call in this process (the view alone). The
same-run baseline is raw PostgreSQL on the same server: a SELECT by primary key and the newest
51 open rows read from the status index. Target: every HTTP p99 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg_pool import ConnectionPool  # noqa: E402

from aggregates.posting import Posting  # noqa: E402
from marketplace.embedded_pg.server import EmbeddedPostgres  # noqa: E402
from projections import listings  # noqa: E402
from projections.listings import LISTINGS, ListingsView  # noqa: E402
from projections.rows import Rows  # noqa: E402
from projections.text import warm_up  # noqa: E402
from tests.bench.commands import API, Client, sign_up, start_server, stop_server  # noqa: E402

TARGET_P99 = 0.020
BATCH = 5000

# Products with how often they appear (out of 100): 不锈钢 about 12 %, 电池 about 10 %.
PRODUCTS_ZH = [
    ("304不锈钢冷轧板材", 4), ("不锈钢板材", 4), ("不锈钢无缝钢管", 4), ("镀锌钢管", 3),
    ("热轧钢板", 3), ("铝合金型材", 3), ("磷酸铁锂电池模组", 4), ("锂电池电芯", 3),
    ("铅酸蓄电池", 3), ("光伏组件", 3), ("食品级包装袋", 3), ("瓦楞纸箱", 3), ("西湖龙井茶叶", 2),
    ("有机绿茶", 2), ("工业缝纫机", 2), ("数控机床加工", 3), ("塑料颗粒", 3), ("螺丝紧固件", 3),
    ("电线电缆", 3), ("LED灯具", 2), ("陶瓷地砖", 2), ("实木家具", 2), ("纯棉面料", 3),
    ("化工原料", 2), ("汽车零部件", 3),
]  # fmt: skip
PRODUCTS_EN = [
    ("304 stainless steel coil", 3), ("stainless steel sheets", 3), ("lithium battery packs", 3),
    ("lead-acid battery", 2), ("solar panels", 2), ("industrial sewing machines", 2),
    ("organic green tea", 2), ("CNC machining services", 2), ("corrugated cartons", 2),
    ("copper cable", 2), ("LED lighting", 2), ("cotton fabric", 2),
]  # fmt: skip
VERBS_ZH = ["采购", "求购", "供应", "长期供应", "批发", "急购", "出售"]
EXTRAS_ZH = ["500 吨", "厂家直销", "规格齐全", "量大从优", "现货", "可定制", "长期合作", ""]
DESCRIPTIONS = [
    "长三角地区两日达，可开增值税发票。", "质量稳定，支持验厂，欢迎来电洽谈。",
    "月需求稳定，价格可谈，要求提供检测报告。", "Delivery within two weeks, FOB Ningbo.",
    "ISO 9001 certified, samples available on request.", "现货充足，包邮到厂。",
]  # fmt: skip
CATEGORIES = ["C31", "C32", "C33", "C34", "C38", "C39", "C17", "C18", "C29", "C30", "A01", "C13"]
REGIONS = [
    f"{p}{c:02d}{d:02d}" for p in (33, 32, 31, 44, 37, 35, 11, 12) for c in (1, 2) for d in (2, 5)
]
QUERIES: list[tuple[str, dict[str, str]]] = [
    ("no filter", {}),
    ("region+category", {"region": "330102", "category": "C31"}),
    ("province prefix+category+side", {"region": "33", "category": "C31", "side": "supply"}),
    ("q=不锈钢", {"q": "不锈钢"}),
    ("q=stainless steel", {"q": "stainless steel"}),
    ("q=钢板", {"q": "钢板"}),
    ("q=不锈钢板", {"q": "不锈钢板"}),
    ("q=电池", {"q": "电池"}),
    ("q=battery", {"q": "battery"}),
    ("q=龙井 (rare)", {"q": "龙井"}),
    ("q=不锈钢+province+category", {"q": "不锈钢", "region": "33", "category": "C31"}),
    # Best match first (the web pages' search) instead of the contract's newest first.
    ("q=不锈钢 sort=relevance", {"q": "不锈钢", "sort": "relevance"}),
    ("q=stainless steel sort=relevance", {"q": "stainless steel", "sort": "relevance"}),
    ("q=龙井 (rare) sort=relevance", {"q": "龙井", "sort": "relevance"}),
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def posting_terms(rng: random.Random, now: datetime) -> dict[str, Any]:
    if rng.random() < 0.75:
        extra = rng.choice(EXTRAS_ZH)
        title = f"{rng.choice(VERBS_ZH)}{weighted(rng, PRODUCTS_ZH)} {extra}".strip()
    else:
        title = f"{rng.choice(['Supply of', 'Wanted:', 'Bulk'])} {weighted(rng, PRODUCTS_EN)}"
    low = Decimal(rng.randint(10, 5000))
    return {
        "side": rng.choice(["supply", "demand"]),
        "title": title,
        "description": rng.choice(DESCRIPTIONS),
        "category": rng.choice(CATEGORIES),
        "quantity": Decimal(rng.randint(1, 1000)),
        "unit": rng.choice(["吨", "件", "套", "pcs"]),
        "price_min": low if rng.random() < 0.5 else None,
        "price_max": low * 2,
        "currency": "CNY",
        "region": rng.choice(REGIONS),
        "expires_at": now + timedelta(days=300),
    }


def fill(url: str, owners: list[str], count: int) -> float:
    """Fold `count` published postings into the listings view; the seconds it took. Terms are
    computed once per distinct title and description (the vocabulary repeats them)."""
    started, rng, now = time.perf_counter(), random.Random(20), datetime.now(UTC)
    for name in ("document_terms", "title_terms"):
        if hasattr(listings, name):  # title_terms: from view version 3 on
            setattr(listings, name, functools.cache(getattr(listings, name)))
    view = ListingsView(ConnectionPool(url, min_size=1, max_size=1, open=True))
    with psycopg.connect(url, autocommit=True) as conn:
        position = 10**9  # above any real event's, so the live runner never meets these rows
        for start in range(0, count, BATCH):
            rows = Rows(conn, (LISTINGS,))
            for _ in range(min(BATCH, count - start)):
                posting = Posting(owner_id=rng.choice(owners), **posting_terms(rng, now))
                position += 1
                view.fold(posting.collect_events()[0], rows, position)
            with conn.transaction(), conn.cursor() as cur:
                rows.flush(cur)
            print(f"\r  {start + BATCH:,} postings", end="", flush=True)
        conn.execute("VACUUM ANALYZE listings")
    view.pool.close()
    print()
    return time.perf_counter() - started


def measure(call: Callable[[], Any], requests: int) -> tuple[float, float]:
    for _ in range(20):
        call()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return percentile(times, 0.5), percentile(times, 0.99)


def pad(name: str, width: int = 32) -> str:
    """Left-aligned in `width` columns of a terminal (a Chinese character takes two)."""
    return name + " " * (width - sum(1 + (east_asian_width(c) == "W") for c in name))


def report(name: str, http: tuple[float, float], view: tuple[float, float] | None) -> bool:
    line = f"  {pad(name)} http p50 {1000 * http[0]:6.1f}  p99 {1000 * http[1]:6.1f} ms"
    if view is not None:
        line += f"   view p50 {1000 * view[0]:6.1f}  p99 {1000 * view[1]:6.1f} ms"
    ok = http[1] <= TARGET_P99
    print(line + ("" if ok else "   over target"))
    return ok


def run(url: str, top: Path, postings: int, requests: int) -> bool:
    server = start_server(top, url, "warning", command=[sys.executable, "-m", "cli.main"])
    try:
        owners = [sign_up(Client(server.port)).id for _ in range(20)]
        warm_up()
        with psycopg.connect(url) as conn:  # a database kept from an earlier run: top it up
            row = conn.execute("SELECT count(*) FROM listings WHERE status = 'open'").fetchone()
        missing = max(0, postings - (row[0] if row else 0))
        print(f"filled {missing:,} open postings in {fill(url, owners, missing):.1f} s")
        print("load average (1 min) of the machine, other users included: "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
        pool = ConnectionPool(url, min_size=1, max_size=1, open=True)
        view = ListingsView(pool)
        with psycopg.connect(url, autocommit=True) as raw:
            some = raw.execute("SELECT id FROM listings LIMIT 1").fetchone()
            assert some is not None
            print(f"baseline, raw PostgreSQL on the same server ({requests} each):")
            for name, statement, args in [
                ("SELECT by primary key", "SELECT * FROM listings WHERE id = %s", (some[0],)),
                ("newest 51 open (index scan)", "SELECT * FROM listings WHERE status = 'open'"
                 " ORDER BY published_position DESC LIMIT 51", ()),
            ]:  # fmt: skip
                p50, p99 = measure(lambda s=statement, a=args: raw.execute(s, a).fetchall(), 300)
                print(f"  {pad(name)} p50 {1000 * p50:6.2f}  p99 {1000 * p99:6.2f} ms")
        print(f"GET {API}/postings, one keep-alive client ({requests} each; target p99 ≤ 20 ms),")
        print("beside the same `list_postings` in this process (100 each):")
        client = Client(server.port)
        http: dict[str, tuple[float, float]] = {}
        for name, params in QUERIES:
            path = f"{API}/postings?{urlencode(params)}"
            http[name] = measure(lambda p=path: client.json("GET", p), requests)
        client.close()  # before it idles past the server's keep-alive limit
        ok = True
        for name, params in QUERIES:
            kwargs: dict[str, Any] = dict(params)
            local = measure(lambda k=kwargs: view.list_postings(**k, now=datetime.now(UTC)), 100)
            ok = report(name, http[name], local) and ok
        pool.close()
        return ok
    finally:
        stop_server(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    top = Path(tempfile.mkdtemp(prefix="bench-listings-"))
    top.chmod(0o755)  # the embedded PostgreSQL runs as another system user
    embedded = None
    try:
        url = os.environ.get("MARKET_BENCH_DATABASE_URL")
        if url is None:
            embedded = EmbeddedPostgres(top / "postgres")
            url = embedded.start().url()
        return 0 if run(url, top, args.postings, args.requests) else 1
    finally:
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
