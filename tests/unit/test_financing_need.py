"""The FinancingNeed aggregate: its lifecycle and the sealed bank offers on its stream."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from aggregates.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidValueError,
    NotFoundError,
)
from aggregates.financing import (
    CHINA_STANDARD_TIME,
    PRODUCT_TYPE_NAMES,
    ProductType,
    check_deadline,
    end_of_day,
)
from aggregates.financing_need import FinancingNeed, NeedStatus
from aggregates.offer import OfferStatus

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
RESPOND_BY = NOW + timedelta(days=14)
OWNER = uuid4()
BANK = uuid4()
OTHER_BANK = uuid4()


def post(**overrides: Any) -> FinancingNeed:
    """An open need whose creation event has already been collected."""
    terms: dict[str, Any] = {
        "owner_id": OWNER,
        "amount": Decimal("2000000.00"),
        "currency": "CNY",
        "term_months": 12,
        "purpose": "采购原材料的流动资金",
        "product_type": "credit_loan",
        "region": "330106",
        "respond_by": RESPOND_BY,
    }
    terms.update(overrides)
    need = FinancingNeed(**terms)
    need.collect_events()
    return need


def offer(
    need: FinancingNeed,
    bank: UUID = BANK,
    amount: str = "1500000.00",
    *,
    valid_until: datetime | None = None,
    now: datetime = NOW,
) -> UUID:
    offer_id = uuid4()
    need.make_offer(
        offer_id, bank, Decimal(amount), Decimal("4.35"), 12, "需提供担保", valid_until, now
    )
    return offer_id


def refused(need: FinancingNeed, error: type[DomainError], command: Callable[[], object]) -> None:
    """The command raises exactly `error`, with both messages, and triggers no event."""
    version, pending = need.version, len(need.pending_events)
    with pytest.raises(error) as caught:
        command()
    assert type(caught.value) is error
    assert caught.value.en and caught.value.zh
    assert (need.version, len(need.pending_events)) == (version, pending)


# Posting ---------------------------------------------------------------------------------


def test_a_posted_need_is_open_without_offers() -> None:
    need = post()
    assert need.status == NeedStatus.OPEN
    assert need.offers == {} and need.active_offers == []
    assert need.first_offer_at is None and need.matched_offer is None


def test_six_product_types_with_names_in_both_languages() -> None:
    assert len(ProductType) == 6
    assert set(PRODUCT_TYPE_NAMES) == set(ProductType)
    for product_type in ProductType:
        post(product_type=product_type)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"product_type": "mortgage"}, "product_type"),
        ({"term_months": 0}, "term_months"),
        ({"term_months": 361}, "term_months"),
        ({"term_months": True}, "term_months"),
    ],
)
def test_bad_terms_are_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        post(**overrides)
    assert caught.value.field == field


def test_deadlines_are_future_within_a_year_and_aware() -> None:
    check_deadline(NOW + timedelta(days=365), NOW, "respond_by")
    for at in (NOW, NOW - timedelta(seconds=1), NOW + timedelta(days=366)):
        with pytest.raises(InvalidValueError):
            check_deadline(at, NOW, "respond_by")
    with pytest.raises(InvalidValueError):
        check_deadline(datetime(2026, 4, 1), NOW, "respond_by")


def test_a_date_means_the_end_of_that_day_in_china() -> None:
    assert end_of_day(date(2026, 3, 31)) == datetime(2026, 4, 1, tzinfo=CHINA_STANDARD_TIME)
    assert end_of_day(date(2026, 3, 31)) == datetime(2026, 3, 31, 16, tzinfo=UTC)


# Offers ----------------------------------------------------------------------------------


def test_banks_make_sealed_offers() -> None:
    need = post()
    first = offer(need)
    second = offer(need, OTHER_BANK, "2000000.00", now=NOW + timedelta(hours=1))
    assert [e.__class__ for e in need.collect_events()] == [FinancingNeed.OfferMade] * 2
    assert need.offers[first].status == OfferStatus.SUBMITTED
    assert need.offers[second].amount == Decimal("2000000.00")
    assert need.first_offer_at == NOW
    assert len(need.active_offers) == 2


def test_one_active_offer_per_bank() -> None:
    need = post()
    first = offer(need)
    refused(need, ConflictError, lambda: offer(need))
    need.withdraw_offer(first, BANK)
    offer(need)


def test_an_offer_above_the_amount_asked_for_is_refused() -> None:
    need = post()
    refused(need, InvalidValueError, lambda: offer(need, amount="2000000.01"))
    offer(need, amount="2000000.00")


def test_offer_validity_must_be_in_the_future() -> None:
    need = post()
    refused(need, InvalidValueError, lambda: offer(need, valid_until=NOW))
    offer(need, valid_until=NOW + timedelta(days=3))


@pytest.mark.parametrize("close", ["withdraw", "match", "expire"])
def test_no_offer_on_a_closed_need(close: str) -> None:
    need = post()
    if close == "withdraw":
        need.withdraw()
    elif close == "match":
        need.accept_offer(offer(need), uuid4(), NOW)
    else:
        need.expire(RESPOND_BY)
    need.collect_events()
    refused(need, ConflictError, lambda: offer(need, OTHER_BANK))


def test_no_offer_after_respond_by() -> None:
    need = post()
    refused(need, ConflictError, lambda: offer(need, now=RESPOND_BY))


def test_only_the_offering_bank_withdraws_its_offer() -> None:
    need = post()
    offer_id = offer(need)
    refused(need, ForbiddenError, lambda: need.withdraw_offer(offer_id, OTHER_BANK))
    refused(need, NotFoundError, lambda: need.withdraw_offer(uuid4(), BANK))
    need.withdraw_offer(offer_id, BANK)
    assert need.offers[offer_id].status == OfferStatus.WITHDRAWN
    refused(need, ConflictError, lambda: need.withdraw_offer(offer_id, BANK))


def test_offers_expire_after_valid_until_only() -> None:
    need = post()
    valid_until = NOW + timedelta(days=2)
    offer_id = offer(need, valid_until=valid_until)
    without_validity = offer(need, OTHER_BANK)
    refused(need, ConflictError, lambda: need.expire_offer(offer_id, NOW))
    refused(
        need, ConflictError, lambda: need.expire_offer(without_validity, NOW + timedelta(days=9))
    )
    need.expire_offer(offer_id, valid_until)
    assert need.offers[offer_id].status == OfferStatus.EXPIRED
    refused(need, ConflictError, lambda: need.accept_offer(offer_id, uuid4(), valid_until))


# Accepting and disbursing ----------------------------------------------------------------


def test_accepting_matches_the_need_once() -> None:
    need = post()
    chosen, other = offer(need), offer(need, OTHER_BANK)
    contract = uuid4()
    accepted = need.accept_offer(chosen, contract, NOW)
    assert accepted.id == chosen
    assert need.status == NeedStatus.MATCHED
    assert (need.matched_offer_id, need.contract_id) == (chosen, contract)
    assert need.offers[other].status == OfferStatus.UNSUCCESSFUL
    event = need.collect_events()[-1]
    assert isinstance(event, FinancingNeed.OfferAccepted)
    assert (event.bank_id, event.amount) == (BANK, Decimal("1500000.00"))
    refused(need, ConflictError, lambda: need.accept_offer(other, uuid4(), NOW))
    refused(need, ConflictError, lambda: need.accept_offer(chosen, uuid4(), NOW))


def test_an_offer_past_its_validity_cannot_be_accepted() -> None:
    need = post()
    offer_id = offer(need, valid_until=NOW + timedelta(days=1))
    refused(
        need, ConflictError, lambda: need.accept_offer(offer_id, uuid4(), NOW + timedelta(days=1))
    )


def test_a_withdrawn_offer_cannot_be_accepted() -> None:
    need = post()
    offer_id = offer(need)
    need.withdraw_offer(offer_id, BANK)
    refused(need, ConflictError, lambda: need.accept_offer(offer_id, uuid4(), NOW))


def test_the_matched_bank_disburses_at_most_the_offer() -> None:
    need = post()
    offer_id = offer(need)

    def disburse(bank: UUID, amount: str) -> None:
        need.disburse(bank, Decimal(amount), NOW, contract_signed=True)

    refused(need, ConflictError, lambda: disburse(BANK, "1"))
    need.accept_offer(offer_id, uuid4(), NOW)
    need.collect_events()
    refused(need, ForbiddenError, lambda: disburse(OTHER_BANK, "1"))
    with pytest.raises(ConflictError) as caught:
        disburse(BANK, "1500000.01")
    assert "exceeds the accepted offer amount 1500000.00" in caught.value.en
    refused(need, InvalidValueError, lambda: disburse(BANK, "0"))
    disburse(BANK, "1500000.00")
    assert need.status == NeedStatus.DISBURSED
    assert need.amount_disbursed == Decimal("1500000.00")
    need.collect_events()
    refused(need, ConflictError, lambda: disburse(BANK, "1"))


def test_no_disbursement_before_the_loan_contract_is_signed() -> None:
    need = post()
    need.accept_offer(offer(need), uuid4(), NOW)
    need.collect_events()
    with pytest.raises(ConflictError) as caught:
        need.disburse(BANK, Decimal("1"), NOW, contract_signed=False)
    assert "not signed" in caught.value.en and "尚未" in caught.value.zh
    assert need.collect_events() == []
    refused(
        need,
        ForbiddenError,
        lambda: need.disburse(OTHER_BANK, Decimal("1"), NOW, contract_signed=False),
    )


# Withdrawal and expiry -------------------------------------------------------------------


def test_the_owner_withdraws_an_open_need_once() -> None:
    need = post()
    need.withdraw()
    assert need.status == NeedStatus.WITHDRAWN
    refused(need, ConflictError, need.withdraw)


def test_a_need_expires_only_after_respond_by_and_unmatched() -> None:
    need = post()
    refused(need, ConflictError, lambda: need.expire(NOW))
    endless = post(respond_by=None)
    refused(endless, ConflictError, lambda: endless.expire(NOW + timedelta(days=999)))
    matched = post()
    matched.accept_offer(offer(matched), uuid4(), NOW)
    matched.collect_events()
    refused(matched, ConflictError, lambda: matched.expire(RESPOND_BY))
    need.expire(RESPOND_BY)
    assert need.status == NeedStatus.EXPIRED


def test_a_need_is_rebuilt_from_its_events() -> None:
    need = FinancingNeed(
        owner_id=OWNER,
        amount=Decimal("800000.00"),
        currency="CNY",
        term_months=6,
        purpose="订单融资",
        product_type="order_financing",
        region="440305",
        respond_by=None,
    )
    offer_id = offer(need, amount="800000.00")
    need.accept_offer(offer_id, uuid4(), NOW)
    need.disburse(BANK, Decimal("500000.00"), NOW, contract_signed=True)
    events = need.collect_events()
    copy: FinancingNeed | None = None
    for stored in events:
        copy = stored.mutate(copy)
    assert copy is not None
    assert (copy.status, copy.amount_disbursed, copy.version) == (
        NeedStatus.DISBURSED,
        Decimal("500000.00"),
        need.version,
    )
    assert copy.offers == need.offers
