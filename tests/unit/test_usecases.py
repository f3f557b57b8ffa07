"""The Marketplace use cases on in-memory (POPO) persistence with an injectable clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any
from uuid import UUID, uuid4

import pytest
from argon2 import PasswordHasher
from eventsourcing.popo import POPOApplicationRecorder

from aggregates.bid import BidStatus
from aggregates.contract import Contract, ContractKind, ContractStatus, contract_id
from aggregates.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidValueError,
    NotFoundError,
    VersionMismatchError,
)
from aggregates.organization import Organization, organization_id
from aggregates.posting import Posting, PostingStatus
from aggregates.values import parse_money, parse_quantity
from marketplace.application import Marketplace
from marketplace.stores import security
from tests.support import new_credit_code

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
EXPIRES_AT = START + timedelta(days=30)
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def app(clock: Clock) -> Marketplace:
    return Marketplace(env=POPO, clock=clock)


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Argon2 at its production cost takes ~0.1 s a hash: too slow for many unit tests."""
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    yield


def event_count(app: Marketplace) -> int:
    return len(app.recorder.select_notifications(start=1, limit=10_000))


def refused(app: Marketplace, error: type[DomainError], command: Callable[[], object]) -> None:
    """The use case raises `error` and appends no event."""
    before = event_count(app)
    with pytest.raises(error) as caught:
        command()
    assert type(caught.value) is error
    assert event_count(app) == before


def register(app: Marketplace, kind: str = "enterprise", **overrides: Any) -> Organization:
    fields: dict[str, Any] = {
        "kind": kind,
        "name": "杭州测试机械有限公司",
        "credit_code": new_credit_code(),
        "region": "330106",
        "industry": "C34" if kind == "enterprise" else None,
        "contact": None,
        "password": "correct horse battery",
    }
    fields.update(overrides)
    organization: Organization = app.register_organization(**fields).aggregate
    return organization


def publish(app: Marketplace, owner: UUID, side: str = "demand", **overrides: Any) -> UUID:
    terms: dict[str, Any] = {
        "side": side,
        "title": "采购不锈钢板材 500 吨",
        "description": "304 stainless steel plates, 2mm.",
        "category": "C31",
        "quantity": Decimal("500"),
        "unit": "吨",
        "price_min": Decimal("14000.00"),
        "price_max": Decimal("16000.00"),
        "currency": "CNY",
        "region": "330106",
        "expires_at": EXPIRES_AT,
    }
    terms.update(overrides)
    posting_id: UUID = app.publish_posting(owner, **terms).aggregate.id
    return posting_id


def place(
    app: Marketplace,
    posting_id: UUID,
    bidder: UUID,
    unit_price: str = "15000.00",
    quantity: str = "500",
) -> UUID:
    outcome = app.place_bid(
        posting_id, bidder, unit_price=Decimal(unit_price), quantity=Decimal(quantity)
    )
    bid_id: UUID = outcome.bid.id
    return bid_id


# --- Persistence -----------------------------------------------------------------------------


def test_marketplace_runs_on_popo_persistence(app: Marketplace) -> None:
    assert isinstance(app.recorder, POPOApplicationRecorder)
    assert app.recorder.max_notification_id() is None
    assert event_count(app) == 0


def test_popo_recorder_accepts_and_ignores_side_effects(app: Marketplace) -> None:
    organization = Organization(
        kind="bank",
        name="某某银行",
        credit_code=new_credit_code(),
        region="330106",
        industry=None,
        sealed_contact=None,
    )
    position = app.record(organization, side_effects=[("THIS IS NOT SQL", (1, 2))])
    assert position == 1
    assert app.recorder.max_notification_id() == 1
    assert app.get_organization(organization.id).kind == "bank"


# --- Organizations ---------------------------------------------------------------------------


@pytest.mark.usefixtures("fast_hashing")
def test_registration_records_one_event_keyed_by_the_credit_code(app: Marketplace) -> None:
    code = new_credit_code()
    outcome = app.register_organization(
        kind="enterprise",
        name="宁波港口物流",
        credit_code=code,
        region="330203",
        industry="G54",
        contact={"name": "王小明", "phone": "13800138000", "email": "wang@example.cn"},
        password="correct horse battery",
    )
    assert (outcome.version, outcome.position) == (1, 1)
    assert outcome.aggregate.id == organization_id(code)
    assert event_count(app) == 1
    stored = app.get_organization(organization_id(code))
    assert (stored.name, stored.credit_code, stored.verified) == ("宁波港口物流", code, True)


@pytest.mark.usefixtures("fast_hashing")
def test_registering_the_same_credit_code_twice_is_refused(app: Marketplace) -> None:
    code = new_credit_code()
    first = register(app, credit_code=code)
    refused(app, ConflictError, lambda: register(app, credit_code=code))
    refused(app, ConflictError, lambda: register(app, kind="bank", credit_code=code, name="另一家"))
    assert event_count(app) == 1
    assert app.get_organization(first.id).name == "杭州测试机械有限公司"


@pytest.mark.usefixtures("fast_hashing")
def test_registration_with_an_unknown_kind_is_refused(app: Marketplace) -> None:
    refused(app, InvalidValueError, lambda: register(app, kind="company"))


@pytest.mark.usefixtures("fast_hashing")
def test_password_and_contact_never_enter_the_event_log(app: Marketplace) -> None:
    secrets = ["secret-pass-4711", "王小明", "13800138000", "wang@example.cn"]
    register(
        app,
        contact={"name": secrets[1], "phone": secrets[2], "email": secrets[3]},
        password=secrets[0],
    )
    (notification,) = app.recorder.select_notifications(start=1, limit=10)
    for secret in secrets:
        assert secret.encode() not in notification.state
        assert secret.encode("unicode_escape") not in notification.state


@pytest.mark.usefixtures("fast_hashing")
def test_operator_verifies_a_bank_once(app: Marketplace) -> None:
    bank = register(app, kind="bank")
    assert app.get_organization(bank.id).verified is False
    outcome = app.verify_organization(bank.id)
    assert (outcome.version, outcome.position) == (2, 2)
    assert app.get_organization(bank.id).verified is True
    refused(app, ConflictError, lambda: app.verify_organization(bank.id))


@pytest.mark.usefixtures("fast_hashing")
def test_verifying_an_enterprise_is_refused(app: Marketplace) -> None:
    enterprise = register(app)
    refused(app, ConflictError, lambda: app.verify_organization(enterprise.id))


def test_unknown_organization_is_not_found(app: Marketplace) -> None:
    refused(app, NotFoundError, lambda: app.get_organization(uuid4()))
    refused(app, NotFoundError, lambda: app.verify_organization(uuid4()))


# --- Publishing and revising -----------------------------------------------------------------


def test_published_posting_is_open(app: Marketplace) -> None:
    owner = uuid4()
    outcome = app.publish_posting(
        owner,
        side="supply",
        title="供应铝型材",
        description="",
        category="C32",
        quantity=Decimal("12.5"),
        unit="吨",
        price_min=None,
        price_max=None,
        currency="CNY",
        region="330106",
        expires_at=EXPIRES_AT,
    )
    assert (outcome.version, outcome.position) == (1, 1)
    posting = app.get_posting(outcome.aggregate.id)
    assert (posting.owner_id, posting.status, posting.quantity) == (
        owner,
        PostingStatus.OPEN,
        Decimal("12.5"),
    )


@pytest.mark.parametrize(
    "terms",
    [
        {"price_min": Decimal("2"), "price_max": Decimal("1")},
        {"expires_at": START},
        {"expires_at": START - timedelta(days=1)},
        {"expires_at": START + timedelta(days=366)},
        {"expires_at": EXPIRES_AT.replace(tzinfo=None)},
    ],
    ids=["price-range", "now", "past", "beyond-365-days", "naive"],
)
def test_publish_with_invalid_terms_is_refused(app: Marketplace, terms: dict[str, Any]) -> None:
    refused(app, InvalidValueError, lambda: publish(app, uuid4(), **terms))


def test_unknown_posting_is_not_found(app: Marketplace) -> None:
    owner = uuid4()
    unknown = uuid4()
    refused(app, NotFoundError, lambda: app.get_posting(unknown))
    refused(app, NotFoundError, lambda: app.revise_posting(unknown, owner, {"title": "x"}))
    refused(app, NotFoundError, lambda: app.withdraw_posting(unknown, owner))
    refused(app, NotFoundError, lambda: app.expire_posting(unknown))
    refused(app, NotFoundError, lambda: place(app, unknown, uuid4()))
    refused(app, NotFoundError, lambda: app.withdraw_bid(unknown, uuid4(), owner))
    refused(app, NotFoundError, lambda: app.reject_bid(unknown, uuid4(), owner, None))
    refused(app, NotFoundError, lambda: app.accept_bid(unknown, uuid4(), owner))


def test_an_aggregate_of_another_kind_is_not_a_posting(app: Marketplace) -> None:
    organization = Organization(
        kind="enterprise",
        name="x",
        credit_code=new_credit_code(),
        region="330106",
        industry=None,
        sealed_contact=None,
    )
    app.record(organization)
    refused(app, NotFoundError, lambda: app.get_posting(organization.id))
    refused(app, NotFoundError, lambda: place(app, organization.id, uuid4()))


def test_revised_terms_survive_storage(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    later = START + timedelta(days=60)
    outcome = app.revise_posting(
        posting_id, owner, {"quantity": Decimal("600.5"), "expires_at": later, "price_min": None}
    )
    assert (outcome.version, outcome.position) == (2, 2)
    posting = app.get_posting(posting_id)
    assert posting.quantity == Decimal("600.5")
    assert isinstance(posting.quantity, Decimal)
    assert posting.expires_at == later
    assert posting.price_min is None


def test_revise_with_an_active_bid_is_refused_until_it_is_withdrawn(app: Marketplace) -> None:
    owner, bidder = uuid4(), uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, bidder)
    refused(app, ConflictError, lambda: app.revise_posting(posting_id, owner, {"title": "新"}))
    app.withdraw_bid(posting_id, bid_id, bidder)
    app.revise_posting(posting_id, owner, {"title": "新"})
    assert app.get_posting(posting_id).title == "新"


def test_revise_with_a_field_that_is_not_revisable_is_refused(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    refused(app, InvalidValueError, lambda: app.revise_posting(posting_id, owner, {"side": "x"}))


@pytest.mark.parametrize("who", ["stranger", "bidder"])
def test_commands_by_someone_other_than_the_owner_are_refused(app: Marketplace, who: str) -> None:
    owner, bidder = uuid4(), uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, bidder)
    by = bidder if who == "bidder" else uuid4()
    refused(app, ForbiddenError, lambda: app.revise_posting(posting_id, by, {"title": "x"}))
    refused(app, ForbiddenError, lambda: app.withdraw_posting(posting_id, by))
    refused(app, ForbiddenError, lambda: app.reject_bid(posting_id, bid_id, by, None))
    refused(app, ForbiddenError, lambda: app.accept_bid(posting_id, bid_id, by))
    posting = app.get_posting(posting_id)
    assert (posting.status, posting.get_bid(bid_id).status) == ("open", "submitted")


def test_if_match_with_a_stale_version_is_refused(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    app.revise_posting(posting_id, owner, {"title": "第二版"}, if_match=1)
    refused(
        app,
        VersionMismatchError,
        lambda: app.revise_posting(posting_id, owner, {"title": "x"}, if_match=1),
    )
    refused(app, VersionMismatchError, lambda: app.withdraw_posting(posting_id, owner, if_match=3))
    outcome = app.withdraw_posting(posting_id, owner, if_match=2)
    assert (outcome.version, outcome.aggregate.status) == (3, PostingStatus.WITHDRAWN)


def test_owner_withdraws_a_posting_once(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    app.withdraw_posting(posting_id, owner)
    assert app.get_posting(posting_id).status == PostingStatus.WITHDRAWN
    refused(app, ConflictError, lambda: app.withdraw_posting(posting_id, owner))
    refused(app, ConflictError, lambda: place(app, posting_id, uuid4()))


# --- Bids and expiry -------------------------------------------------------------------------


def test_placed_bid_is_submitted_and_stamped_with_the_clock(app: Marketplace) -> None:
    posting_id = publish(app, uuid4())
    bidder = uuid4()
    outcome = app.place_bid(
        posting_id, bidder, unit_price=Decimal("15000.00"), quantity=Decimal("500"), message="含税"
    )
    assert (outcome.version, outcome.position) == (2, 2)
    stored = app.get_posting(posting_id).get_bid(outcome.bid.id)
    assert (stored.bidder_id, stored.status, stored.placed_at) == (
        bidder,
        BidStatus.SUBMITTED,
        START,
    )
    assert stored.message == "含税"


def test_bid_by_the_owner_is_refused(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    refused(app, ForbiddenError, lambda: place(app, posting_id, owner))


def test_second_active_bid_is_refused_but_allowed_after_withdrawing(app: Marketplace) -> None:
    posting_id = publish(app, uuid4())
    bidder = uuid4()
    first = place(app, posting_id, bidder)
    refused(app, ConflictError, lambda: place(app, posting_id, bidder))
    app.withdraw_bid(posting_id, first, bidder)
    second = place(app, posting_id, bidder, unit_price="14900.00")
    posting = app.get_posting(posting_id)
    assert [b.id for b in posting.active_bids] == [second]


def test_bid_withdrawal_by_someone_else_or_of_an_unknown_bid_is_refused(
    app: Marketplace,
) -> None:
    owner, bidder = uuid4(), uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, bidder)
    refused(app, ForbiddenError, lambda: app.withdraw_bid(posting_id, bid_id, owner))
    refused(app, ForbiddenError, lambda: app.withdraw_bid(posting_id, bid_id, uuid4()))
    refused(app, NotFoundError, lambda: app.withdraw_bid(posting_id, uuid4(), bidder))
    app.withdraw_bid(posting_id, bid_id, bidder)
    refused(app, ConflictError, lambda: app.withdraw_bid(posting_id, bid_id, bidder))


def test_owner_rejects_a_bid_once(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, uuid4())
    outcome = app.reject_bid(posting_id, bid_id, owner, "价格过高")
    assert (outcome.bid.status, outcome.bid.reason) == ("rejected", "价格过高")
    refused(app, ConflictError, lambda: app.reject_bid(posting_id, bid_id, owner, None))
    refused(app, NotFoundError, lambda: app.reject_bid(posting_id, uuid4(), owner, None))


def test_bid_after_expires_at_is_refused(app: Marketplace, clock: Clock) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    clock.now = EXPIRES_AT + timedelta(seconds=1)
    refused(app, ConflictError, lambda: place(app, posting_id, uuid4()))
    refused(app, ConflictError, lambda: app.revise_posting(posting_id, owner, {"title": "x"}))


def test_expire_posting_is_refused_before_expires_at(app: Marketplace, clock: Clock) -> None:
    posting_id = publish(app, uuid4())
    refused(app, ConflictError, lambda: app.expire_posting(posting_id))
    clock.now = EXPIRES_AT - timedelta(microseconds=1)
    refused(app, ConflictError, lambda: app.expire_posting(posting_id))


def test_expire_posting_after_expires_at_closes_it(app: Marketplace, clock: Clock) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, uuid4())
    clock.now = EXPIRES_AT + timedelta(hours=1)
    outcome = app.expire_posting(posting_id)
    assert (outcome.version, outcome.position) == (3, 3)
    assert app.get_posting(posting_id).status == PostingStatus.EXPIRED
    refused(app, ConflictError, lambda: app.expire_posting(posting_id))
    refused(app, ConflictError, lambda: app.accept_bid(posting_id, bid_id, owner))
    clock.now = START  # even with the clock turned back, an expired posting stays closed
    refused(app, ConflictError, lambda: place(app, posting_id, uuid4()))


# --- Accepting a bid -------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["demand", "supply"])
def test_accepting_a_bid_drafts_the_sale_contract(app: Marketplace, side: str) -> None:
    owner, bidder = uuid4(), uuid4()
    posting_id = publish(app, owner, side=side)
    other_bid = place(app, posting_id, uuid4())
    bid_id = place(app, posting_id, bidder, unit_price="12.25", quantity="0.1")
    before = event_count(app)

    outcome = app.accept_bid(posting_id, bid_id, owner)

    assert event_count(app) == before + 2
    assert outcome.position == before + 2
    buyer, seller = (owner, bidder) if side == "demand" else (bidder, owner)
    expected_id = contract_id("sale", {"posting_id": str(posting_id), "bid_id": str(bid_id)})
    contract: Any = app.repository.get(expected_id)
    assert isinstance(contract, Contract)
    assert outcome.contract.id == expected_id
    assert contract.kind == ContractKind.SALE
    assert contract.status == ContractStatus.DRAFTED
    assert contract.parties == [
        {"organization_id": str(buyer), "role": "buyer"},
        {"organization_id": str(seller), "role": "seller"},
    ]
    assert contract.role_of(buyer) == "buyer"
    assert contract.role_of(seller) == "seller"
    assert contract.amount == Decimal("1.23")  # 1.225 rounds half up, not half even
    assert contract.currency == "CNY"
    assert contract.source == {"posting_id": str(posting_id), "bid_id": str(bid_id)}
    assert contract.exhibition_id is None
    assert contract.terms["unit_price"] == "12.25"
    assert contract.terms["quantity"] == "0.1"
    assert contract.digest == outcome.contract.digest
    posting = app.get_posting(posting_id)
    assert posting.status == PostingStatus.AWARDED
    assert (posting.awarded_bid_id, posting.contract_id) == (bid_id, expected_id)
    assert posting.get_bid(bid_id).status == BidStatus.ACCEPTED
    assert posting.get_bid(other_bid).status == BidStatus.UNSUCCESSFUL


@pytest.mark.parametrize(
    ("unit_price", "quantity", "amount"),
    [
        ("15000.00", "500", "7500000.00"),
        ("1.00", "0.005", "0.01"),
        ("1.00", "0.004999", "0.00"),
        ("0.01", "1", "0.01"),
        ("9.99", "3.333333", "33.30"),
    ],
)
def test_contract_amount_is_unit_price_times_quantity_rounded_half_up_to_cents(
    app: Marketplace, unit_price: str, quantity: str, amount: str
) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, uuid4(), unit_price=unit_price, quantity=quantity)
    contract = app.accept_bid(posting_id, bid_id, owner).contract
    assert str(contract.amount) == amount


def exact_amount(unit_price: Decimal, quantity: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 100
        return (unit_price * quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_contract_amount_is_exact_for_large_prices(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    unit_price = parse_money("27649005488400.08", "unit_price")
    quantity = parse_quantity("8335.100435", "quantity")
    outcome = app.place_bid(posting_id, uuid4(), unit_price=unit_price, quantity=quantity)
    contract = app.accept_bid(posting_id, outcome.bid.id, owner).contract
    assert contract.amount == exact_amount(unit_price, quantity)


def test_bid_whose_amount_is_too_large_to_price_is_refused(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    unit_price = parse_money("9999999999999999.99", "unit_price")
    quantity = parse_quantity("999999999999.999999", "quantity")
    refused(
        app,
        InvalidValueError,
        lambda: app.place_bid(posting_id, uuid4(), unit_price=unit_price, quantity=quantity),
    )


def test_contract_id_is_deterministic_from_posting_and_bid(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, uuid4())
    contract = app.accept_bid(posting_id, bid_id, owner).contract
    source = {"posting_id": str(posting_id), "bid_id": str(bid_id)}
    assert contract.id == contract_id("sale", source) == Contract.create_id("sale", source)
    reordered = {"bid_id": str(bid_id), "posting_id": str(posting_id)}
    assert contract_id("sale", reordered) == contract.id
    assert app.get_posting(posting_id).contract_id == contract.id


def test_accepting_twice_is_refused(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    first, second = place(app, posting_id, uuid4()), place(app, posting_id, uuid4())
    app.accept_bid(posting_id, first, owner)
    refused(app, ConflictError, lambda: app.accept_bid(posting_id, first, owner))
    refused(app, ConflictError, lambda: app.accept_bid(posting_id, second, owner))
    assert app.get_posting(posting_id).awarded_bid_id == first


def test_accepting_an_unknown_bid_is_refused(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    place(app, posting_id, uuid4())
    refused(app, NotFoundError, lambda: app.accept_bid(posting_id, uuid4(), owner))


def test_accepting_a_withdrawn_bid_is_refused(app: Marketplace) -> None:
    owner, bidder = uuid4(), uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, bidder)
    app.withdraw_bid(posting_id, bid_id, bidder)
    refused(app, ConflictError, lambda: app.accept_bid(posting_id, bid_id, owner))


def test_accepting_with_an_exhibition_is_refused_for_now(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, uuid4())
    refused(app, ConflictError, lambda: app.accept_bid(posting_id, bid_id, owner, uuid4()))
    posting = app.get_posting(posting_id)
    assert (posting.status, posting.contract_id) == (PostingStatus.OPEN, None)


def test_a_refused_accept_leaves_the_posting_acceptable(app: Marketplace) -> None:
    owner = uuid4()
    posting_id = publish(app, owner)
    bid_id = place(app, posting_id, uuid4())
    refused(app, ConflictError, lambda: app.accept_bid(posting_id, bid_id, owner, uuid4()))
    outcome = app.accept_bid(posting_id, bid_id, owner)
    assert isinstance(outcome.aggregate, Posting)
    assert outcome.version == 3
