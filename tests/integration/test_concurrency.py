"""Use cases called from many threads at once, on a real PostgreSQL.

Each scenario runs twice: once with every thread on one `Marketplace` (writers to one posting
take turns on the in-process striped locks), and once with the threads split over two
`Marketplace` objects of two `open_services` on the same database, as two API workers would
be. The striped locks are module-level, shared by every application of a process, so the
second application gets locks of its own (`App.use_own_locks`) and here also skips the
database advisory lock: concurrent writes then meet in the database as version conflicts and
are settled by the command retries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.application import AggregateNotFoundError

from aggregates.bid import BidStatus
from aggregates.contract import Contract, ContractKind, contract_id
from aggregates.errors import ConflictError
from aggregates.posting import Posting, PostingStatus
from marketplace.application import Marketplace
from marketplace.bootstrap import open_services
from marketplace.commands import Outcome
from marketplace.settings import eventsourcing_env
from tests.concurrency import (
    App,
    app_fixtures,
    at_once,
    cheap_password_hashes,
    settings,
    stored,
    tracebacks,
)
from tests.support import new_credit_code

BIDDERS = 50
LATE_BIDS = 30
BID_PLACED = "aggregates.posting:Posting.BidPlaced"
CONTRACT_DRAFTED = "aggregates.contract:Contract.Drafted"


@dataclass
class Enterprises:
    owner: UUID
    bidders: list[UUID]


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> Iterator[None]:
    with cheap_password_hashes():
        yield


# The second application does not queue on the database lock, so the version-conflict retries
# are exercised too (the first still queues, as every real writer does).
first, second, apps = app_fixtures(settings, database_lock=False)


def register(app: Marketplace, credit_code: str) -> Outcome:
    return app.register_organization(
        kind="enterprise",
        name=f"并发测试企业 {credit_code[-6:]}",
        credit_code=credit_code,
        region="330106",
        industry="C39",
        contact=None,
        password="correct horse battery",
    )


@pytest.fixture(scope="module")
def enterprises(first: App, second: App) -> Enterprises:
    """The owner and the bidders, registered all at once through both applications."""
    both = [first, second]
    codes = [new_credit_code() for _ in range(BIDDERS + 1)]
    results = at_once(
        [lambda i=i, code=code: register(both[i % 2].app, code) for i, code in enumerate(codes)]
    )
    errors = [r for r in results if not isinstance(r, Outcome)]
    assert not errors, tracebacks(errors)
    ids = [r.aggregate.id for r in results]
    return Enterprises(owner=ids[0], bidders=ids[1:])


def publish(app: Marketplace, owner: UUID) -> UUID:
    outcome = app.publish_posting(
        owner,
        side="demand",
        title="采购不锈钢板材 500 吨",
        description="Need 304 stainless steel plates, 2mm, delivered to Hangzhou.",
        category="C31",
        quantity=Decimal("500"),
        unit="吨",
        price_min=Decimal("14000.00"),
        price_max=Decimal("16000.00"),
        currency="CNY",
        region="330106",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    posting_id: UUID = outcome.aggregate.id
    return posting_id


def bid(app: Marketplace, posting_id: UUID, bidder: UUID, price: int) -> Outcome:
    return app.place_bid(
        posting_id, bidder, unit_price=Decimal(price), quantity=Decimal("500"), delivery_days=20
    )


def sale_contract_ids(posting: Posting) -> dict[UUID, UUID]:
    """The contract each bid of the posting would have drafted, by bid id."""
    return {
        bid_id: contract_id(
            ContractKind.SALE, {"posting_id": str(posting.id), "bid_id": str(bid_id)}
        )
        for bid_id in posting.bids
    }


def existing_contracts(app: Marketplace, posting: Posting) -> list[Contract]:
    found = []
    for candidate in sale_contract_ids(posting).values():
        try:
            found.append(app.repository.get(candidate))
        except AggregateNotFoundError:  # that bid drafted no contract
            continue
    return found


@pytest.mark.parametrize("count", [1, 2], ids=["one_app", "two_apps"])
def test_simultaneous_registrations_of_one_credit_code_succeed_once(
    count: int, database_url: str, first: App
) -> None:
    """On applications of its own: a refused registration used to break a pooled connection
    (see the last test), which must not leak into the other tests."""
    opened = [open_services(settings(database_url), url=database_url) for _ in range(count)]
    try:
        code = new_credit_code()
        results = at_once([lambda i=i: register(opened[i % count].app, code) for i in range(8)])
    finally:
        for services in opened:
            services.close()
    assert sum(isinstance(r, Outcome) for r in results) == 1, results
    refused = [r for r in results if not isinstance(r, Outcome)]
    assert all(isinstance(r, ConflictError) for r in refused), tracebacks(refused)
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM credentials WHERE credit_code = %s", (code,))
        assert row.fetchone() == (1,)


def test_fifty_simultaneous_bids_are_all_stored_then_one_of_two_accepts_wins(
    apps: list[App], enterprises: Enterprises, database_url: str
) -> None:
    first = apps[0].app
    posting_id = publish(first, enterprises.owner)
    conflicts_before = sum(a.conflicts for a in apps)

    results = at_once(
        [
            lambda i=i, bidder=bidder: bid(apps[i % len(apps)].app, posting_id, bidder, 14000 + i)
            for i, bidder in enumerate(enterprises.bidders)
        ]
    )

    errors = [r for r in results if not isinstance(r, Outcome)]
    assert not errors, tracebacks(errors)
    posting = first.get_posting(posting_id)
    assert len(posting.bids) == BIDDERS
    assert {r.bid.id for r in results} == set(posting.bids)
    assert {b.bidder_id for b in posting.bids.values()} == set(enterprises.bidders)
    assert posting.version == 1 + BIDDERS
    assert stored(database_url, first, BID_PLACED, [posting_id]) == BIDDERS
    if len(apps) == 2:
        # The two applications did race in the database, and the retries settled it.
        assert sum(a.conflicts for a in apps) > conflicts_before

    # The owner accepts two different bids at the same moment: the posting is awarded once.
    chosen = list(posting.bids)[:2]
    results = at_once(
        [
            lambda i=i, bid_id=bid_id: apps[i % len(apps)].app.accept_bid(
                posting_id, bid_id, enterprises.owner
            )
            for i, bid_id in enumerate(chosen)
        ]
    )

    won = [r for r in results if isinstance(r, Outcome)]
    lost = [r for r in results if not isinstance(r, Outcome)]
    assert len(won) == 1, results
    assert len(lost) == 1 and isinstance(lost[0], ConflictError), tracebacks(lost)
    assert lost[0].en == "posting is already awarded"
    posting = first.get_posting(posting_id)
    winner = won[0].aggregate.awarded_bid_id
    assert posting.status == PostingStatus.AWARDED
    assert posting.awarded_bid_id == winner
    assert posting.bids[winner].status == BidStatus.ACCEPTED
    assert sum(b.status == BidStatus.UNSUCCESSFUL for b in posting.bids.values()) == BIDDERS - 1
    contracts = existing_contracts(first, posting)
    assert [c.id for c in contracts] == [posting.contract_id]
    assert posting.contract_id == won[0].contract.id
    assert (
        stored(database_url, first, CONTRACT_DRAFTED, list(sale_contract_ids(posting).values()))
        == 1
    )


def test_two_accepts_racing_thirty_new_bids_award_once_and_lose_no_bid(
    apps: list[App], enterprises: Enterprises, database_url: str
) -> None:
    first = apps[0].app
    posting_id = publish(first, enterprises.owner)
    early = [bid(first, posting_id, bidder, 15000).bid.id for bidder in
             enterprises.bidders[:2]]  # fmt: skip
    late_bidders = enterprises.bidders[2 : 2 + LATE_BIDS]
    some_bids_done = threading.Event()
    done_lock = threading.Lock()
    done = [0]

    def late_bid(i: int, bidder: UUID) -> Outcome:
        try:
            return bid(apps[i % len(apps)].app, posting_id, bidder, 14000 + i)
        finally:
            with done_lock:
                done[0] += 1
                if done[0] >= 5:
                    some_bids_done.set()

    def accept(i: int, bid_id: UUID) -> Outcome:
        some_bids_done.wait(timeout=10)  # fire while the other bids are still coming in
        return apps[i % len(apps)].app.accept_bid(posting_id, bid_id, enterprises.owner)

    calls: list[Callable[[], Any]] = [
        lambda i=i, bidder=bidder: late_bid(i, bidder) for i, bidder in enumerate(late_bidders)
    ]
    calls += [lambda i=i, bid_id=bid_id: accept(i, bid_id) for i, bid_id in enumerate(early)]
    results = at_once(calls)

    bid_results, accept_results = results[:LATE_BIDS], results[LATE_BIDS:]
    unexpected = [r for r in results if not isinstance(r, Outcome | ConflictError)]
    assert not unexpected, tracebacks(unexpected)
    assert sum(isinstance(r, Outcome) for r in accept_results) == 1, accept_results
    posting = first.get_posting(posting_id)
    placed = [r.bid.id for r in bid_results if isinstance(r, Outcome)]
    assert set(placed) <= set(posting.bids)
    assert set(posting.bids) == {*early, *placed}
    refused = [late_bidders[i] for i, r in enumerate(bid_results) if isinstance(r, ConflictError)]
    assert not {b.bidder_id for b in posting.bids.values()} & set(refused)
    assert stored(database_url, first, BID_PLACED, [posting_id]) == len(early) + len(placed)
    assert posting.version == 1 + len(early) + len(placed) + 1
    assert posting.status == PostingStatus.AWARDED
    assert posting.awarded_bid_id in early
    contracts = existing_contracts(first, posting)
    assert [c.id for c in contracts] == [posting.contract_id]
    assert (
        stored(database_url, first, CONTRACT_DRAFTED, list(sale_contract_ids(posting).values()))
        == 1
    )


def test_a_refused_duplicate_registration_does_not_break_later_writes(
    database_url: str, first: App
) -> None:
    """Alternate refused and accepted registrations, each app on one new connection.

    Regression: a refused save whose pipeline batch held a statement psycopg was preparing
    for the first time (its 5th run on the connection) left that name in psycopg's cache
    though the server skipped its Parse, and later saves on the connection failed with
    `prepared statement "_pg3_N" does not exist`. It depended on when psycopg read the
    error (while still sending: rolled back and cache cleared; only at the pipeline sync:
    neither), about one connection in two, so the scenario runs on up to 20 connections,
    alternating which comes first, and stops at the first broken one.
    """
    env = eventsourcing_env(database_url, settings(database_url))
    env |= {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"}  # every save, one conn
    failures: list[str] = []
    for attempt in range(20):
        app = Marketplace(env=env)
        try:
            taken = new_credit_code()
            register(app, taken)
            if attempt % 2:
                register(app, new_credit_code())
            for round_ in range(6):
                for code in (taken, new_credit_code()):
                    try:
                        register(app, code)
                    except ConflictError:
                        assert code == taken
                    except Exception as error:
                        failures.append(f"connection {attempt}, round {round_}: {error!r}")
        finally:
            app.close()
        if failures:
            break
    assert not failures, failures
