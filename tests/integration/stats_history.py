"""A generated marketplace history for the statistics tests, written through the use cases.

Eight simulated months: enterprises in six regions post supply and demand in eight
categories (some in USD), bid, accept (some deals at exhibitions where both parties hold
confirmed signups), sign, complete and cancel contracts; needs of all six product types are
answered by four verified banks, matched, disbursed, withdrawn or left to expire; four
exhibitions, a matchmaking event, two lectures and a training take signups (with a waitlist
and promotions; lectures and trainings by seats) and check-ins (with the persons attended),
one exhibition is cancelled. Actions run from a time-ordered queue on a simulated clock, so
deals interleave and their dates spread over months and over China's midnight (UTC 16:00).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from aggregates.errors import DomainError
from aggregates.exhibition_terms import SEATED_KINDS
from marketplace.application import Marketplace
from tests.support import new_credit_code

START = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in China
END = START + timedelta(days=240, hours=5)  # 'now' when the figures are read
REGIONS = ["330106", "350203", "370202", "440305", "320505", "510107"]
CATEGORIES = ["C13", "C17", "C26", "C31", "C33", "C34", "C39", "F51"]
PRODUCT_TYPES = [
    "credit_loan",
    "receivables",
    "order_financing",
    "warehouse_receipt",
    "inventory_pledge",
    "guaranteed_loan",
]
PASSWORD = "correct horse battery"


class SimClock:
    """The application's clock and the events' timestamps: moved by the simulation only."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


@dataclass
class History:
    app: Marketplace
    clock: SimClock
    rng: random.Random
    operator: UUID = field(init=False)
    enterprises: list[UUID] = field(default_factory=list)
    banks: list[UUID] = field(default_factory=list)
    exhibitions: list[UUID] = field(default_factory=list)
    boundary_contract: UUID | None = None
    queue: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = field(
        default_factory=list
    )
    counter: itertools.count[int] = field(default_factory=itertools.count)

    # The queue ----------------------------------------------------------------------------

    def at(self, when: datetime, action: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.queue, (when, next(self.counter), action, args))

    def later(self, delay: timedelta, action: Callable[..., None], *args: Any) -> None:
        self.at(self.clock.now + delay, action, *args)

    def run(self, until: datetime) -> None:
        """Every action due by `until`, in time order; later ones are dropped."""
        while self.queue and self.queue[0][0] <= until:
            when, _, action, args = heapq.heappop(self.queue)
            self.clock.now = max(self.clock.now, when)
            with contextlib.suppress(DomainError):  # refused (say, awarded meanwhile): no event
                action(*args)
        self.queue.clear()
        self.clock.now = until

    # Cast ----------------------------------------------------------------------------------

    def register(self, kind: str, region: str) -> UUID:
        outcome = self.app.register_organization(
            kind=kind,
            name=f"{kind} {len(self.enterprises) + len(self.banks)} 有限公司",
            credit_code=new_credit_code(region),
            region=region,
            industry="C39" if kind == "enterprise" else None,
            contact=None,
            password=PASSWORD,
        )
        org_id: UUID = outcome.aggregate.id
        return org_id

    def cast(self, enterprises: int, banks: int) -> None:
        self.operator = self.register("operator", "330106")
        for index in range(enterprises):
            self.enterprises.append(self.register("enterprise", REGIONS[index % len(REGIONS)]))
        for index in range(banks):
            bank = self.register("bank", REGIONS[index % len(REGIONS)])
            self.banks.append(bank)
            self.app.verify_organization(bank)
        self.register("bank", "330106")  # never verified: counted, never lends

    def pick(self, count: int, exclude: UUID | None = None) -> list[UUID]:
        pool = [e for e in self.enterprises if e != exclude]
        return self.rng.sample(pool, count)

    # Exhibitions -----------------------------------------------------------------------------

    def exhibition(
        self, starts_in_days: int, *, cancel: bool = False, kind: str = "exhibition"
    ) -> None:
        starts_at = START + timedelta(days=starts_in_days)
        seated = kind in SEATED_KINDS
        outcome = self.app.schedule_exhibition(
            self.operator,
            name=f"中小企业产品交易会 {len(self.exhibitions) + 1}",
            venue="杭州国际博览中心",
            online=False,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(days=2),
            capacity=20 if seated else 9,
            signup_deadline=starts_at - timedelta(days=1),
            kind=kind,
        )
        exhibition_id: UUID = outcome.aggregate.id
        self.exhibitions.append(exhibition_id)
        for index, enterprise in enumerate(self.pick(12)):
            attendees = self.rng.randint(1, 5) if seated else 1
            self.later(hours(2 + index), self.app.sign_up, exhibition_id, enterprise, attendees)
        for enterprise in self.pick(3):  # signed up or not: a refusal writes nothing
            self.later(hours(40), self.app.cancel_signup, exhibition_id, enterprise, enterprise)
        self.at(starts_at + hours(1), self.check_ins, exhibition_id)
        self.at(starts_at + timedelta(days=2, hours=1), self.app.close_exhibition, exhibition_id)
        if cancel:
            reason, when = "场馆检修", starts_at - timedelta(days=10)
            self.at(when, self.app.cancel_exhibition, exhibition_id, reason, self.operator)

    def check_ins(self, exhibition_id: UUID) -> None:
        exhibition = self.app.get_exhibition(exhibition_id)
        confirmed = [o for o, s in exhibition.signups.items() if s.status == "confirmed"]
        for organization in confirmed:
            if self.rng.random() < 0.7:
                attendees = exhibition.signups[organization].attendees
                seated = exhibition.kind in SEATED_KINDS
                attended = self.rng.randint(0, attendees) if seated else 1
                self.app.check_in(exhibition_id, organization, self.operator, attended)

    def venue(self, owner: UUID, bidder: UUID) -> UUID | None:
        """An exhibition, not cancelled, where both hold confirmed signups."""
        for exhibition_id in self.exhibitions:
            exhibition = self.app.get_exhibition(exhibition_id)
            signups = exhibition.signups
            if exhibition.status != "cancelled" and all(
                o in signups and signups[o].status == "confirmed" for o in (owner, bidder)
            ):
                return exhibition_id
        return None

    # Postings, bids and contracts ------------------------------------------------------------

    def posting(self) -> None:
        owner = self.rng.choice(self.enterprises)
        expires_at = self.clock.now + timedelta(days=self.rng.randint(8, 40))
        outcome = self.app.publish_posting(
            owner,
            side=self.rng.choice(["supply", "demand"]),
            title=f"采购 {self.rng.choice(['钢板', '布料', '轴承', '茶叶'])}",
            description="generated",
            category=self.rng.choice(CATEGORIES),
            quantity=Decimal(self.rng.randint(10, 900)),
            unit="吨",
            price_min=None,
            price_max=None,
            currency="USD" if self.rng.random() < 0.08 else "CNY",
            region=self.rng.choice(REGIONS),
            expires_at=expires_at,
        )
        posting_id = outcome.aggregate.id
        for bidder in self.pick(self.rng.randint(1, 3), exclude=owner):
            self.later(hours(self.rng.uniform(0.5, 60)), self.bid, posting_id, bidder)
        if self.rng.random() < 0.05:
            revised = {
                "title": "修订后的采购需求",
                "quantity": Decimal(self.rng.randint(10, 900)),
                "expires_at": expires_at + timedelta(days=5),
            }
            self.later(hours(0.2), self.app.revise_posting, posting_id, owner, revised)
        self.later(timedelta(days=self.rng.uniform(3, 7)), self.decide, posting_id, owner)
        self.at(expires_at + hours(1), self.app.expire_posting, posting_id)

    def bid(self, posting_id: UUID, bidder: UUID) -> None:
        outcome = self.app.place_bid(
            posting_id,
            bidder,
            unit_price=Decimal(self.rng.randint(100, 90000)) / 100,
            quantity=Decimal(self.rng.randint(1, 500)),
        )
        if self.rng.random() < 0.05:
            bid_id = outcome.bid.id
            self.later(hours(1), self.app.withdraw_bid, posting_id, bid_id, bidder)

    def decide(self, posting_id: UUID, owner: UUID) -> None:
        fate = self.rng.random()
        if fate < 0.08:
            self.app.withdraw_posting(posting_id, owner)
            return
        bids = self.app.get_posting(posting_id).active_bids
        if fate > 0.9 or not bids:
            return  # left open: it expires
        chosen = self.rng.choice(bids)
        venue = self.venue(owner, chosen.bidder_id) if self.rng.random() < 0.7 else None
        outcome = self.app.accept_bid(posting_id, chosen.id, owner, venue)
        self.contract(outcome.contract.id)

    def contract(self, contract_id: UUID) -> None:
        fate = self.rng.random()
        contract = self.app.get_contract(contract_id)
        buyer, seller = (UUID(p["organization_id"]) for p in contract.parties)
        if fate < 0.12:
            self.later(hours(self.rng.uniform(1, 90)), self.cancel, contract_id, seller)
        elif fate < 0.9:
            first, second = (buyer, seller) if self.rng.random() < 0.5 else (seller, buyer)
            complete = fate < 0.45
            then = (second, buyer) if fate < 0.82 else ()  # some never get the 2nd signature
            self.later(
                hours(self.rng.uniform(1, 72)), self.sign, contract_id, first, then, complete
            )

    def sign(
        self, contract_id: UUID, by: UUID, then: tuple[UUID, ...], complete: bool = False
    ) -> None:
        self.app.sign_contract(contract_id, by, self.app.get_contract(contract_id).digest)
        if then:
            second, buyer = then
            self.later(hours(self.rng.uniform(1, 72)), self.sign, contract_id, second, (), False)
            if complete:
                delay = timedelta(days=self.rng.uniform(5, 30))
                self.later(delay, self.app.complete_contract, contract_id, buyer)

    def cancel(self, contract_id: UUID, by: UUID) -> None:
        self.app.cancel_contract(contract_id, by, "双方协商取消")

    def boundary_deal(self) -> None:
        """A deal signed at 00:30 on 1 April in China, still 31 March in UTC."""
        owner, bidder = self.pick(2)
        posting = self.app.publish_posting(
            owner,
            side="demand",
            title="月末采购",
            description="signed across China's midnight",
            category="C33",
            quantity=Decimal(10),
            unit="件",
            price_min=None,
            price_max=None,
            currency="CNY",
            region="330106",
            expires_at=self.clock.now + timedelta(days=10),
        ).aggregate
        outcome = self.app.place_bid(
            posting.id, bidder, unit_price=Decimal("99.95"), quantity=Decimal(10)
        )
        bid_id = outcome.bid.id
        contract_id = self.app.accept_bid(posting.id, bid_id, owner).contract.id
        self.boundary_contract = contract_id
        for by, moment in ((owner, "2025-03-31T10:00:00"), (bidder, "2025-03-31T16:30:00")):
            when = datetime.fromisoformat(moment).replace(tzinfo=UTC)
            self.at(when, self.sign, contract_id, by, ())

    # Financing ------------------------------------------------------------------------------

    def need(self) -> None:
        owner = self.rng.choice(self.enterprises)
        respond_by = None
        if self.rng.random() < 0.3:
            respond_by = self.clock.now + timedelta(days=self.rng.randint(4, 20))
        need_id = self.app.post_financing_need(
            owner,
            amount=Decimal(self.rng.randint(10, 800)) * 10000,
            term_months=self.rng.choice([6, 12, 24, 36]),
            purpose="流动资金",
            product_type=self.rng.choice(PRODUCT_TYPES),
            region=self.rng.choice(REGIONS),
            respond_by=respond_by,
        ).aggregate.id
        if self.rng.random() < 0.75:
            for bank in self.rng.sample(self.banks, self.rng.randint(1, 3)):
                self.later(hours(self.rng.uniform(0.2, 150)), self.offer, need_id, bank)
        self.later(timedelta(days=self.rng.uniform(2, 12)), self.settle, need_id, owner)
        if respond_by is not None:
            self.at(respond_by + hours(1), self.app.expire_financing_need, need_id)

    def offer(self, need_id: UUID, bank: UUID) -> None:
        asked = self.app.get_financing_need(need_id).amount
        self.app.make_offer(
            need_id,
            bank,
            amount=asked * Decimal(self.rng.choice(["1", "0.8", "0.5"])),
            annual_rate=Decimal(self.rng.randint(300, 900)) / 100,
            term_months=12,
        )

    def settle(self, need_id: UUID, owner: UUID) -> None:
        fate = self.rng.random()
        if fate < 0.1:
            self.app.withdraw_financing_need(need_id, owner)
            return
        offers = self.app.get_financing_need(need_id).active_offers
        if fate > 0.85 or not offers:
            return
        chosen = self.rng.choice(offers)
        contract = self.app.accept_offer(need_id, chosen.id, owner).contract
        if self.rng.random() < 0.75:  # the loan is signed at once and paid out later
            for party in (chosen.bank_id, owner):
                self.app.sign_contract(contract.id, party, contract.digest)
            amount = chosen.amount * Decimal(self.rng.choice(["1", "0.9"]))
            delay = timedelta(days=self.rng.uniform(1, 10))
            self.later(delay, self.app.disburse_loan, need_id, chosen.bank_id, amount)


def generate(
    app: Marketplace,
    clock: SimClock,
    seed: int = 2025,
    also: Callable[[History], object] | None = None,
) -> History:
    """The whole history; the clock is left at its end (the 'now' the figures are read at).
    `also` plans more of it once the cast is registered (the service hall's part)."""
    history = History(app, clock, random.Random(seed))
    history.cast(enterprises=36, banks=4)
    if also is not None:
        also(history)
    for starts_in_days, cancel in ((45, False), (110, False), (165, True), (280, False)):
        history.exhibition(starts_in_days, cancel=cancel)
    for starts_in_days, kind in ((70, "matchmaking"), (90, "lecture"), (140, "training")):
        history.exhibition(starts_in_days, kind=kind)
    history.exhibition(300, kind="lecture")  # still ahead
    for index in range(420):
        history.at(START + timedelta(days=20, hours=index * 12.4), history.posting)
    history.at(datetime(2025, 3, 28, 2, 0, tzinfo=UTC), history.boundary_deal)
    for index in range(170):
        history.at(START + timedelta(days=3, hours=index * 30.7), history.need)
    history.run(until=END)
    return history
