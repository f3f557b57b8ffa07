"""A large store for the cost-of-history benchmarks: about 1,000,000 events, 100,000 open postings.

    .venv/bin/python tests/bench/generate.py [--data-dir .market/bench-1m] [--open 100000]

Builds the aggregates in memory (organizations, postings with bids, awards, withdrawals,
expiries and revisions, sale and loan contracts with signatures, financing needs with offers and
disbursements, bank products, exhibitions with signups and check-ins) and saves them through
the application's own recorder, many aggregates per transaction: the events, their encoding and
their audit leaves (the event table's trigger) are exactly what the use cases would have
written. Credentials and contact keys are not: nobody logs in as these organizations.

The store lands in the data directory's embedded PostgreSQL (kept out of git under `.market/`),
so `market serve --data-dir DIR`, `market rebuild` and `market audit …` work on it; the views
are left empty, for a cold catch-up. `--open` scales everything (100,000: about 1M events).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from multiprocessing import Process, Queue
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from eventsourcing.domain import Aggregate  # noqa: E402
from eventsourcing.persistence import StoredEvent  # noqa: E402

from aggregates.bank_product import BankProduct  # noqa: E402
from aggregates.exhibition import Exhibition  # noqa: E402
from aggregates.financing_need import FinancingNeed  # noqa: E402
from aggregates.organization import Organization  # noqa: E402
from aggregates.posting import Posting  # noqa: E402
from marketplace.application import Marketplace  # noqa: E402
from marketplace.audit.verify.merkle import leaf_hash  # noqa: E402
from marketplace.audit.verify.records import (  # noqa: E402
    format_recorded_at,
    leaf_record,
    payload_sha256,
)
from marketplace.audit.verify.tree import completed_nodes  # noqa: E402
from marketplace.bootstrap import head_position, open_services  # noqa: E402
from marketplace.financing import draft_loan_contract  # noqa: E402
from marketplace.postings import draft_sale_contract  # noqa: E402
from marketplace.settings import Settings, eventsourcing_env  # noqa: E402
from tests.budgets import GENEROUS_BUDGETS  # noqa: E402
from tests.support import new_credit_code  # noqa: E402

TEXTS = [
    ("采购不锈钢板材 {n} 吨", "304 不锈钢板，厚度 2mm，送货到杭州，可开增值税发票。"),
    ("供应新能源汽车电池模组", "磷酸铁锂电池模组，48V，支持定制，长三角地区两日达。"),
    ("Industrial sewing machines wanted", "Second-hand machines in good condition, Ningbo."),
    ("Organic green tea, bulk supply", "西湖龙井春茶，真空包装，批量供应。"),
    ("求购食品级包装袋", "复合包装袋，印刷四色，月需求十万只，长期合作。"),
    ("CNC machining services, aluminium and steel", "ISO 9001 certified shop in Dongguan."),
    ("供应冷轧钢卷 {n} 批", "宝钢冷轧卷，现货充足，厦门港提货。"),
    ("Stainless steel pipes, export quality", "Seamless 316L pipes, Qingdao port."),
]
REGIONS = ["330106", "330102", "310101", "440305", "110105", "350203", "370202", "320505"]
CATEGORIES = ["C31", "C39", "A01", "C18", "C33", "C13", "C17", "C26"]
PRODUCT_TYPES = ["credit_loan", "receivables", "order_financing", "inventory_pledge"]
BATCH_EVENTS = 5000  # events per transaction, about
TRIGGER = "audit_leaves_after_insert"


class Generator:
    """Aggregates of a plausible marketplace, `open_postings` of them open postings."""

    def __init__(self, open_postings: int, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC)
        self.open = open_postings
        scale = open_postings / 100_000
        self.enterprises = [self._org("enterprise", i) for i in range(int(20_000 * scale) or 20)]
        self.banks = [self._org("bank", i) for i in range(max(2, int(200 * scale)))]
        self.operator = self._org("operator", 0)
        self.counts = {
            "closed": int(45_000 * scale),
            "needs": int(35_000 * scale),
            "products": int(1_000 * scale) or 1,
            "exhibitions": int(200 * scale) or 1,
        }

    def _org(self, kind: str, i: int) -> Organization:
        org = Organization(
            kind=kind,
            name=f"基准{'银行' if kind == 'bank' else '企业'} {i}",
            credit_code=new_credit_code(),
            region=REGIONS[i % len(REGIONS)],
            industry=CATEGORIES[i % len(CATEGORIES)] if kind == "enterprise" else None,
            sealed_contact=None,
        )
        if kind == "bank":
            org.verify()
        return org

    def aggregates(self) -> Iterator[Aggregate]:
        yield from self.enterprises
        yield from self.banks
        yield self.operator
        for i in range(self.counts["products"]):
            yield self._product(i)
        for i in range(self.counts["exhibitions"]):
            yield self._exhibition(i)
        closed = self.counts["closed"]
        every = (self.open + closed) // max(closed, 1)  # one posting in `every` is closed
        for i in range(self.open + closed):
            yield from self._posting(i, None if i % every else i // every % 3)
        for i in range(self.counts["needs"]):
            yield from self._need(i)

    def _posting(self, i: int, fate: int | None) -> Iterator[Aggregate]:
        """Open (`fate` None), or awarded (0), withdrawn (1) or expired (2)."""
        rng, now = self.rng, self.now
        owner = rng.choice(self.enterprises).id
        title, description = TEXTS[i % len(TEXTS)]
        posting = Posting(
            owner_id=owner,
            side="demand" if i % 2 else "supply",
            title=title.format(n=100 + i % 900) + f" #{i}",
            description=description,
            category=CATEGORIES[i % len(CATEGORIES)],
            quantity=Decimal(100 + i % 900),
            unit="吨" if i % 3 else "件",
            price_min=Decimal(rng.randint(500, 1000)) if i % 3 else None,
            price_max=Decimal(rng.randint(1000, 3000)),
            currency="CNY",
            region=REGIONS[i % len(REGIONS)],
            expires_at=now + timedelta(days=rng.randint(30, 300)),
        )
        if i % 10 == 0:
            posting.revise({"description": description + " 可议价。"}, now)
        bids = []
        for bidder in rng.sample(self.enterprises, rng.choice([0, 1, 2, 3, 4, 5, 6, 8])):
            if bidder.id != owner:
                bid_id = uuid.uuid4()
                posting.place_bid(bid_id, bidder.id, Decimal(rng.randint(800, 2500)),
                                  Decimal(50), rng.randint(3, 30), "可按期交货", now)  # fmt: skip
                bids.append((bid_id, bidder.id))
        if len(bids) > 2 and rng.random() < 0.1:
            posting.withdraw_bid(*bids[1])
        if fate is None:
            yield posting
            return
        if fate == 0 and bids:  # awarded, a sale contract drafted, signed by both, often completed
            source = {"posting_id": str(posting.id), "bid_id": str(bids[0][0])}
            bid = posting.accept_bid(bids[0][0], uuid.uuid4(), None, now)
            yield posting
            yield self._signed(draft_sale_contract(posting, bid, source), complete=i % 2 == 0)
            return
        if fate == 2:
            posting.expire(posting.expires_at)
        else:
            posting.withdraw()
        yield posting

    def _signed(self, contract: Any, complete: bool) -> Any:
        for party in contract.parties:
            contract.sign(uuid.UUID(party["organization_id"]), contract.digest, self.now)
        if complete:
            contract.complete(uuid.UUID(contract.parties[0]["organization_id"]))
        return contract

    def _need(self, i: int) -> Iterator[Aggregate]:
        rng, now = self.rng, self.now
        need = FinancingNeed(
            owner_id=rng.choice(self.enterprises).id,
            amount=Decimal(rng.randint(10, 500) * 10_000),
            currency="CNY",
            term_months=rng.choice([6, 12, 24, 36]),
            purpose="采购原材料" if i % 2 else "Working capital for export orders",
            product_type=PRODUCT_TYPES[i % len(PRODUCT_TYPES)],
            region=REGIONS[i % len(REGIONS)],
            respond_by=now + timedelta(days=rng.randint(7, 90)),
        )
        offers = []
        for bank in rng.sample(self.banks, min(len(self.banks), rng.choice([0, 1, 2, 3]))):
            offer_id = uuid.uuid4()
            need.make_offer(offer_id, bank.id, need.amount, Decimal("3.85"), need.term_months,
                            "需提供担保", None, now)  # fmt: skip
            offers.append(offer_id)
        if offers and i % 3 == 0:
            source = {"need_id": str(need.id), "offer_id": str(offers[0])}
            offer = need.accept_offer(offers[0], uuid.uuid4(), now)
            contract = self._signed(draft_loan_contract(need, offer, source), complete=False)
            need.disburse(offer.bank_id, offer.amount, now, contract_signed=True)
            yield need
            yield contract
            return
        yield need

    def _product(self, i: int) -> BankProduct:
        return BankProduct(
            bank_id=self.banks[i % len(self.banks)].id,
            name=f"小微企业贷 {i}",
            product_type=PRODUCT_TYPES[i % len(PRODUCT_TYPES)],
            amount_min=Decimal(100_000),
            amount_max=Decimal(5_000_000),
            term_min=6,
            term_max=36,
            rate_min=Decimal("3.2"),
            rate_max=Decimal("6.5"),
            regions=[REGIONS[i % len(REGIONS)][:2], REGIONS[(i + 1) % len(REGIONS)][:4]],
        )

    def _exhibition(self, i: int) -> Exhibition:
        starts = self.now + timedelta(days=30 + i % 60)
        exhibition = Exhibition(
            organizer_id=self.operator.id,
            name=f"中小企业供需对接会 {i}",
            venue="杭州国际博览中心" if i % 2 else "线上",
            online=i % 2 == 0,
            starts_at=starts,
            ends_at=starts + timedelta(days=2),
            capacity=80,
            signup_deadline=starts - timedelta(days=1),
        )
        for org in self.rng.sample(self.enterprises, min(100, len(self.enterprises))):
            exhibition.sign_up(org.id, self.now)
        for org_id in list(exhibition.signups)[:40]:
            if org_id not in exhibition.waitlist:
                exhibition.check_in(org_id, self.operator.id, self.now)
        return exhibition


def produce(env: dict[str, str], open_postings: int, out: Queue[list[Any] | None]) -> None:
    """In a second process: build the aggregates and encode their events with the
    application's own mapper, in batches of about BATCH_EVENTS."""
    mapper = Marketplace(env=env).mapper
    batch: list[Any] = []
    for aggregate in Generator(open_postings).aggregates():
        batch += [mapper.to_stored_event(e) for e in aggregate.collect_events()]
        if len(batch) >= BATCH_EVENTS:  # an aggregate's events stay in one transaction
            out.put(batch)
            batch = []
    out.put(batch or None)
    if batch:
        out.put(None)


class Leaves:
    """The audit leaves of the events inserted, and every subtree they complete: what the
    event table's trigger computes (`marketplace.audit.store.append_leaves` in Python, which
    the tests hold byte for byte to the trigger), written with COPY, several times faster."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.size = 0  # the log starts empty
        self.known: dict[tuple[int, int], bytes] = {}

    def append(self, ids: Sequence[int], events: Sequence[StoredEvent]) -> None:
        recorded_at = format_recorded_at(datetime.now(UTC))
        leaves, nodes = [], []
        for position, e in zip(ids, events, strict=True):
            index, digest = self.size, payload_sha256(e.state)
            record = leaf_record(index, position, str(e.originator_id), e.originator_version,
                                 e.topic, recorded_at, digest)  # fmt: skip
            hashed = leaf_hash(record)
            leaves.append((index, position, e.originator_id, e.originator_version, e.topic,
                           recorded_at, digest, hashed))  # fmt: skip
            nodes.append((0, index, hashed))
            completed = completed_nodes(index, hashed, lambda k, i: self.known.pop((k, i)))
            nodes += completed
            top = completed[-1] if completed else (0, index, hashed)
            self.known[(top[0], top[1])] = top[2]  # the right edge of the tree is all we need
            self.size += 1
        with self.conn.transaction(), self.conn.cursor() as cur:
            with cur.copy("COPY audit_leaves FROM STDIN") as copy:
                for leaf in leaves:
                    copy.write_row(leaf)
            with cur.copy("COPY audit_nodes FROM STDIN") as copy:
                for node in nodes:
                    copy.write_row(node)


def write(app: Marketplace, env: dict[str, str], open_postings: int) -> tuple[int, float]:
    """Insert what `produce` encodes (in another process, meanwhile) through the recorder, and
    the events' leaves; the leaf trigger is off meanwhile, and on again after."""
    started = time.perf_counter()
    queue: Queue[list[Any] | None] = Queue(maxsize=4)
    producer = Process(target=produce, args=(env, open_postings, queue), daemon=True)
    producer.start()
    written = insert(app, env_url(env), iter(queue.get, None))
    producer.join()
    return written, time.perf_counter() - started


def insert(app: Marketplace, url: str, batches: Iterable[list[StoredEvent]]) -> int:
    """Insert the batches of stored events through the recorder (one transaction each) with
    their audit leaves, into a log that was empty; the leaf trigger is off meanwhile."""
    started, written = time.perf_counter(), 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE marketplace_events DISABLE TRIGGER {TRIGGER}")
        try:
            leaves = Leaves(conn)
            for batch in batches:
                ids = app.recorder.insert_events(batch)
                assert ids is not None and len(ids) == len(batch)
                leaves.append(ids, batch)
                written += len(batch)
                rate = written / (time.perf_counter() - started)
                print(f"\r  {written:,} events, {rate:,.0f}/s", end="", flush=True)
        finally:
            conn.execute(f"ALTER TABLE marketplace_events ENABLE TRIGGER {TRIGGER}")
    print()
    return written


def env_url(env: dict[str, str]) -> str:
    return (f"postgresql://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@"
            f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".market" / "bench-1m")
    parser.add_argument("--open", type=int, default=100_000, help="open postings")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    args.data_dir.chmod(0o755)  # as root, the embedded server's own user must traverse it
    settings = Settings(data_dir=args.data_dir, **GENEROUS_BUDGETS)
    services = open_services(settings)
    try:
        if head_position(services.db):
            raise SystemExit(f"{args.data_dir} already holds events: give a new directory")
        print(f"Writing the store into {args.data_dir} ({services.url.split('@')[-1]}) …")
        env = eventsourcing_env(services.url, settings)
        written, seconds = write(services.app, env, args.open)
        with services.db.connection() as conn:
            rows = conn.execute(
                "SELECT topic, count(*) AS n FROM marketplace_events GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
        print(f"{written:,} events in {seconds:.0f} s ({written / seconds:,.0f}/s):")
        for row in rows:
            print(f"  {row['n']:>9,}  {row['topic'].rpartition(':')[2]}")
        return 0
    finally:
        services.close()


if __name__ == "__main__":
    raise SystemExit(main())
