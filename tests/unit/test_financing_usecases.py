"""Financing use cases on in-memory (POPO) persistence with an injectable clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from argon2 import PasswordHasher

from aggregates.bank_product import BankProduct
from aggregates.contract import Contract, ContractKind, ContractStatus, contract_id
from aggregates.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidValueError,
    NotFoundError,
)
from aggregates.financing import ProductType
from aggregates.financing_need import FinancingNeed, NeedStatus
from aggregates.offer import OfferStatus
from aggregates.organization import Organization
from marketplace.application import Marketplace
from marketplace.demo.load import load_demo
from marketplace.stores import security
from tests.support import new_credit_code

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    yield


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def app(clock: Clock) -> Marketplace:
    return Marketplace(env=POPO, clock=clock)


def event_count(app: Marketplace) -> int:
    return len(app.recorder.select_notifications(start=1, limit=10_000))


def refused(app: Marketplace, error: type[DomainError], command: Callable[[], object]) -> None:
    """The use case raises `error` and appends no event."""
    before = event_count(app)
    with pytest.raises(error) as caught:
        command()
    assert type(caught.value) is error
    assert event_count(app) == before


def register(app: Marketplace, kind: str = "enterprise", *, verified: bool = True) -> UUID:
    organization: Organization = app.register_organization(
        kind=kind,
        name="杭州测试机构",
        credit_code=new_credit_code(),
        region="330106",
        industry="C34" if kind == "enterprise" else None,
        contact=None,
        password="correct horse battery",
    ).aggregate
    if kind == "bank" and verified:
        app.verify_organization(organization.id)
    return organization.id


def post_need(app: Marketplace, owner: UUID, **overrides: Any) -> UUID:
    terms: dict[str, Any] = {
        "amount": Decimal("2000000.00"),
        "term_months": 12,
        "purpose": "采购原材料的流动资金",
        "product_type": "credit_loan",
        "region": "330106",
        "respond_by": START + timedelta(days=14),
    }
    terms.update(overrides)
    need_id: UUID = app.post_financing_need(owner, **terms).aggregate.id
    return need_id


def make_offer(app: Marketplace, need_id: UUID, bank: UUID, amount: str = "1800000.00") -> UUID:
    outcome = app.make_offer(
        need_id, bank, amount=Decimal(amount), annual_rate=Decimal("4.35"), term_months=12
    )
    offer_id: UUID = outcome.offer.id
    return offer_id


def test_posting_a_need_records_one_event(app: Marketplace) -> None:
    owner = register(app)
    before = event_count(app)
    outcome = app.post_financing_need(
        owner,
        amount=Decimal("500000.00"),
        term_months=6,
        purpose="订单融资",
        product_type="order_financing",
        region="440305",
    )
    assert event_count(app) == before + 1
    assert (outcome.version, outcome.position) == (1, before + 1)
    need = app.get_financing_need(outcome.aggregate.id)
    assert (need.status, need.currency, need.respond_by) == (NeedStatus.OPEN, "CNY", None)


@pytest.mark.parametrize("respond_by", [START, START - timedelta(days=1), START + timedelta(366)])
def test_respond_by_must_be_future_and_within_a_year(
    app: Marketplace, respond_by: datetime
) -> None:
    owner = register(app)
    refused(app, InvalidValueError, lambda: post_need(app, owner, respond_by=respond_by))


def test_only_verified_banks_make_offers(app: Marketplace) -> None:
    owner = register(app)
    need_id = post_need(app, owner)
    unverified = register(app, "bank", verified=False)
    enterprise = register(app)
    refused(app, ForbiddenError, lambda: make_offer(app, need_id, unverified))
    refused(app, ForbiddenError, lambda: make_offer(app, need_id, enterprise))
    refused(app, NotFoundError, lambda: make_offer(app, need_id, uuid4()))
    app.verify_organization(unverified)
    make_offer(app, need_id, unverified)


def test_accepting_an_offer_drafts_the_loan_contract_in_the_same_save(app: Marketplace) -> None:
    owner, bank, rival = register(app), register(app, "bank"), register(app, "bank")
    need_id = post_need(app, owner)
    chosen = make_offer(app, need_id, bank)
    other = make_offer(app, need_id, rival, "2000000.00")
    before = event_count(app)

    outcome = app.accept_offer(need_id, chosen, owner)

    assert event_count(app) == before + 2
    assert outcome.position == before + 2
    contract: Contract = outcome.contract
    source = {"need_id": str(need_id), "offer_id": str(chosen)}
    assert contract.id == contract_id(ContractKind.LOAN, source)
    stored = app.repository.get(contract.id)
    assert isinstance(stored, Contract)
    assert (stored.kind, stored.status, stored.source) == ("loan", ContractStatus.DRAFTED, source)
    assert stored.parties == [
        {"organization_id": str(bank), "role": "lender"},
        {"organization_id": str(owner), "role": "borrower"},
    ]
    assert (stored.amount, stored.currency) == (Decimal("1800000.00"), "CNY")
    assert stored.terms["annual_rate"] == "4.35" and stored.terms["term_months"] == "12"
    assert len(stored.digest) == 64
    need = app.get_financing_need(need_id)
    assert need.status == NeedStatus.MATCHED and need.contract_id == contract.id
    assert need.offers[other].status == OfferStatus.UNSUCCESSFUL
    refused(app, ConflictError, lambda: app.accept_offer(need_id, other, owner))


def test_only_the_owner_accepts_and_withdraws(app: Marketplace) -> None:
    owner, stranger, bank = register(app), register(app), register(app, "bank")
    need_id = post_need(app, owner)
    offer_id = make_offer(app, need_id, bank)
    refused(app, ForbiddenError, lambda: app.accept_offer(need_id, offer_id, stranger))
    refused(app, ForbiddenError, lambda: app.withdraw_financing_need(need_id, stranger))
    refused(app, NotFoundError, lambda: app.accept_offer(need_id, uuid4(), owner))
    refused(app, NotFoundError, lambda: app.accept_offer(uuid4(), offer_id, owner))
    refused(app, NotFoundError, lambda: app.accept_offer(bank, offer_id, owner))
    app.withdraw_financing_need(need_id, owner)
    refused(app, ConflictError, lambda: app.accept_offer(need_id, offer_id, owner))


def test_disbursement_by_the_matched_bank_up_to_the_offer(app: Marketplace) -> None:
    owner, bank, rival = register(app), register(app, "bank"), register(app, "bank")
    need_id = post_need(app, owner)
    offer_id = make_offer(app, need_id, bank)
    refused(app, ConflictError, lambda: app.disburse_loan(need_id, bank, Decimal("1")))
    loan_id = app.accept_offer(need_id, offer_id, owner).contract.id
    refused(app, ForbiddenError, lambda: app.disburse_loan(need_id, rival, Decimal("1")))
    with pytest.raises(ConflictError, match="not signed"):
        app.disburse_loan(need_id, bank, Decimal("1800000.00"))
    app.sign_contract(loan_id, bank, app.get_contract(loan_id).digest)
    refused(app, ConflictError, lambda: app.disburse_loan(need_id, bank, Decimal("1")))
    app.sign_contract(loan_id, owner, app.get_contract(loan_id).digest)
    refused(app, ConflictError, lambda: app.disburse_loan(need_id, bank, Decimal("1800000.01")))
    outcome = app.disburse_loan(need_id, bank, Decimal("1800000.00"))
    assert outcome.aggregate.status == NeedStatus.DISBURSED
    refused(app, ConflictError, lambda: app.disburse_loan(need_id, bank, Decimal("1")))


def test_deadlines_expire_through_the_use_cases(app: Marketplace, clock: Clock) -> None:
    owner, bank = register(app), register(app, "bank")
    need_id = post_need(app, owner, respond_by=START + timedelta(days=3))
    outcome = app.make_offer(
        need_id,
        bank,
        amount=Decimal("1000000.00"),
        annual_rate=Decimal("5"),
        term_months=12,
        valid_until=START + timedelta(days=1),
    )
    offer_id = outcome.offer.id
    refused(app, ConflictError, lambda: app.expire_offer(need_id, offer_id))
    refused(app, ConflictError, lambda: app.expire_financing_need(need_id))
    clock.now = START + timedelta(days=1)
    app.expire_offer(need_id, offer_id)
    refused(app, ConflictError, lambda: app.accept_offer(need_id, offer_id, owner))
    clock.now = START + timedelta(days=3)
    app.expire_financing_need(need_id)
    need = app.get_financing_need(need_id)
    assert need.status == NeedStatus.EXPIRED
    assert need.offers[offer_id].status == OfferStatus.EXPIRED


def test_a_need_without_offers_is_marked_overdue_once(app: Marketplace, clock: Clock) -> None:
    owner, bank = register(app), register(app, "bank")
    silent, answered = post_need(app, owner, respond_by=None), post_need(app, owner)
    expiring = post_need(app, owner, respond_by=START + timedelta(days=3))
    make_offer(app, answered, bank)
    # Events carry the recorder's time; the response days run from the need's own.
    due = app.get_financing_need(silent).created_on + timedelta(days=7)
    clock.now = due - timedelta(seconds=1)
    refused(app, ConflictError, lambda: app.mark_financing_need_overdue(silent))
    clock.now = due + timedelta(days=1)
    marked = app.mark_financing_need_overdue(silent).aggregate
    assert marked.overdue_at == clock.now and marked.status == NeedStatus.OPEN
    refused(app, ConflictError, lambda: app.mark_financing_need_overdue(silent))
    refused(app, ConflictError, lambda: app.mark_financing_need_overdue(answered))
    refused(app, ConflictError, lambda: app.mark_financing_need_overdue(expiring))
    app.financing_response_days = 30
    other = post_need(app, owner, respond_by=None)
    refused(app, ConflictError, lambda: app.mark_financing_need_overdue(other))


def test_only_verified_banks_publish_products(app: Marketplace) -> None:
    unverified, enterprise = register(app, "bank", verified=False), register(app)
    terms: dict[str, Any] = {
        "name": "应收账款e融",
        "product_type": "receivables",
        "amount_min": Decimal("100000"),
        "amount_max": Decimal("5000000"),
        "term_min": 3,
        "term_max": 12,
        "rate_min": Decimal("3.6"),
        "rate_max": Decimal("5.8"),
        "regions": ["33"],
    }
    refused(app, ForbiddenError, lambda: app.publish_bank_product(unverified, **terms))
    refused(app, ForbiddenError, lambda: app.publish_bank_product(enterprise, **terms))
    app.verify_organization(unverified)
    product = app.publish_bank_product(unverified, **terms).aggregate
    assert app.get_bank_product(product.id).regions == ["33"]
    refused(app, NotFoundError, lambda: app.get_bank_product(unverified))


def test_the_demo_has_verified_banks_products_and_needs_of_every_type(app: Marketplace) -> None:
    written = load_demo(app)
    assert written == event_count(app)
    products, needs, banks = [], [], []
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        aggregate = app.repository.get(notification.originator_id)
        if isinstance(aggregate, BankProduct):
            products.append(aggregate)
        elif isinstance(aggregate, FinancingNeed):
            needs.append(aggregate)
        elif isinstance(aggregate, Organization) and aggregate.kind == "bank":
            banks.append(aggregate)
    assert banks and all(bank.verified for bank in banks)
    assert {p.product_type for p in products} == set(ProductType)
    assert {n.product_type for n in needs} == set(ProductType)
    assert any(n.status == NeedStatus.DISBURSED for n in needs)
