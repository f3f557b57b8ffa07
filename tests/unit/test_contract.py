"""The Contract aggregate: deterministic ids, the RFC 8785 digest and online signing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
import rfc8785

from aggregates.contract import (
    Contract,
    ContractKind,
    ContractStatus,
    contract_digest,
    contract_id,
)
from aggregates.errors import ConflictError, DomainError, ForbiddenError

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TERMS = {
    "title": "采购不锈钢板材 500 吨",
    "category": "C31",
    "unit": "吨",
    "quantity": "500",
    "unit_price": "15000.00",
    "delivery_days": "20",
}


def draft(kind: str = "sale", **overrides: Any) -> tuple[Contract, UUID, UUID]:
    """A drafted contract (creation event collected) with its first and second party."""
    first, second = uuid4(), uuid4()
    roles = ("buyer", "seller") if kind == "sale" else ("lender", "borrower")
    source = {"posting_id": str(uuid4()), "bid_id": str(uuid4())}
    fields: dict[str, Any] = {
        "kind": kind,
        "parties": [
            {"organization_id": str(first), "role": roles[0]},
            {"organization_id": str(second), "role": roles[1]},
        ],
        "terms": dict(TERMS),
        "amount": Decimal("7500000.00"),
        "currency": "CNY",
        "source": source,
        "exhibition_id": None,
    }
    fields.update(overrides)
    contract = Contract(**fields)
    contract.collect_events()
    return contract, first, second


def signed() -> tuple[Contract, UUID, UUID]:
    contract, buyer, seller = draft()
    contract.sign(buyer, contract.digest, NOW)
    contract.sign(seller, contract.digest, NOW)
    contract.collect_events()
    return contract, buyer, seller


def refused(contract: Contract, error: type[DomainError], command: Callable[[], object]) -> None:
    """The command raises `error`, with both messages, and leaves no pending event."""
    version, status = contract.version, contract.status
    with pytest.raises(error) as caught:
        command()
    assert type(caught.value) is error
    assert caught.value.en and caught.value.zh
    assert contract.collect_events() == []
    assert (contract.version, contract.status) == (version, status)


# --- Identity and digest ---------------------------------------------------------------------


def test_contract_id_follows_from_kind_and_source() -> None:
    source = {"posting_id": str(uuid4()), "bid_id": str(uuid4())}
    contract, _, _ = draft(source=source)
    assert contract.id == contract_id("sale", source) == Contract.create_id("sale", source)
    assert contract.id.version == 5
    assert contract_id("sale", dict(reversed(source.items()))) == contract.id
    assert contract_id("loan", source) != contract.id
    assert contract_id("sale", {**source, "bid_id": str(uuid4())}) != contract.id


def test_drafted_contract_has_a_drafted_event_and_no_signatures() -> None:
    contract = Contract(
        kind=ContractKind.SALE,
        parties=[
            {"organization_id": str(uuid4()), "role": "buyer"},
            {"organization_id": str(uuid4()), "role": "seller"},
        ],
        terms=dict(TERMS),
        amount=Decimal("1.00"),
        currency="CNY",
        source={"posting_id": "p", "bid_id": "b"},
        exhibition_id=None,
    )
    (drafted,) = contract.collect_events()
    assert isinstance(drafted, Contract.Drafted)
    assert contract.status == ContractStatus.DRAFTED
    assert contract.signatures == {}


def test_digest_is_sha256_of_rfc8785_json_of_what_the_parties_agree_to() -> None:
    contract, buyer, seller = draft()
    agreed: dict[str, Any] = {
        "kind": "sale",
        "parties": [
            {"organization_id": str(buyer), "role": "buyer"},
            {"organization_id": str(seller), "role": "seller"},
        ],
        "terms": TERMS,
        "amount": "7500000.00",
        "currency": "CNY",
    }
    assert contract.digest == hashlib.sha256(rfc8785.dumps(agreed)).hexdigest()
    assert len(contract.digest) == 64
    assert contract.digest == contract.digest.lower()


@pytest.mark.parametrize(
    "change",
    [
        {"terms": {**TERMS, "unit_price": "14999.99"}},
        {"terms": {**TERMS, "delivery_days": None}},
        {"terms": {**TERMS, "title": "采购不锈钢板材 501 吨"}},
        {"amount": Decimal("7500000.01")},
        {"currency": "USD"},
        {"kind": "loan"},
    ],
    ids=["unit_price", "delivery_days", "title", "amount", "currency", "kind"],
)
def test_digest_changes_when_what_is_agreed_changes(change: dict[str, Any]) -> None:
    contract, _, _ = draft()
    parties = contract.parties
    other = Contract(
        kind=change.get("kind", contract.kind),
        parties=parties,
        terms=change.get("terms", contract.terms),
        amount=change.get("amount", contract.amount),
        currency=change.get("currency", contract.currency),
        source=contract.source,
        exhibition_id=None,
    )
    assert other.digest != contract.digest


def test_digest_changes_when_parties_or_roles_change() -> None:
    contract, buyer, seller = draft()
    swapped = [
        {"organization_id": str(buyer), "role": "seller"},
        {"organization_id": str(seller), "role": "buyer"},
    ]
    replaced = [
        {"organization_id": str(buyer), "role": "buyer"},
        {"organization_id": str(uuid4()), "role": "seller"},
    ]
    for parties in (swapped, replaced):
        digest = contract_digest("sale", parties, TERMS, "7500000.00", "CNY")
        assert digest != contract.digest


def test_digest_ignores_source_exhibition_and_extra_party_fields() -> None:
    contract, _, _ = draft()
    elsewhere, _, _ = draft(
        parties=[dict(p, signed_at="2026-03-01T08:00:00Z") for p in contract.parties],
        source={"need_id": "n", "offer_id": "o"},
        exhibition_id=uuid4(),
    )
    assert elsewhere.digest == contract.digest


def test_digest_does_not_change_when_parties_sign() -> None:
    contract, buyer, _ = draft()
    before = contract.digest
    contract.sign(buyer, before, NOW)
    assert contract.digest == before


# --- Signing ---------------------------------------------------------------------------------


def test_first_signature_keeps_the_contract_drafted() -> None:
    contract, buyer, _ = draft()
    contract.sign(buyer, contract.digest, NOW)
    (event,) = contract.collect_events()
    assert isinstance(event, Contract.Signed)
    assert (event.organization_id, event.digest, event.signed_at) == (buyer, contract.digest, NOW)
    assert contract.status == ContractStatus.DRAFTED
    assert contract.signatures == {str(buyer): NOW}


def test_contract_is_signed_when_both_parties_have_signed() -> None:
    contract, buyer, seller = draft()
    later = NOW + timedelta(hours=2)
    contract.sign(seller, contract.digest, NOW)
    contract.sign(buyer, contract.digest, later)
    assert len(contract.collect_events()) == 2
    assert contract.status == ContractStatus.SIGNED
    assert contract.signatures == {str(seller): NOW, str(buyer): later}


def test_sign_by_a_third_party_is_refused() -> None:
    contract, _, _ = draft()
    refused(contract, ForbiddenError, lambda: contract.sign(uuid4(), contract.digest, NOW))


def test_sign_with_a_stale_digest_is_refused() -> None:
    contract, buyer, _ = draft()
    stale = contract_digest(
        "sale", contract.parties, {**TERMS, "unit_price": "16000.00"}, "8000000.00", "CNY"
    )
    refused(contract, ConflictError, lambda: contract.sign(buyer, stale, NOW))
    refused(contract, ConflictError, lambda: contract.sign(buyer, contract.digest.upper(), NOW))
    refused(contract, ConflictError, lambda: contract.sign(buyer, "", NOW))


def test_signing_twice_is_refused() -> None:
    contract, buyer, _ = draft()
    contract.sign(buyer, contract.digest, NOW)
    contract.collect_events()
    refused(contract, ConflictError, lambda: contract.sign(buyer, contract.digest, NOW))


def test_sign_of_a_signed_contract_is_refused() -> None:
    contract, buyer, _ = signed()
    refused(contract, ConflictError, lambda: contract.sign(buyer, contract.digest, NOW))


def test_sign_of_a_cancelled_contract_is_refused() -> None:
    contract, buyer, seller = draft()
    contract.cancel(seller, "对方违约")
    contract.collect_events()
    refused(contract, ConflictError, lambda: contract.sign(buyer, contract.digest, NOW))


# --- Cancelling ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["first", "second"])
def test_either_party_may_cancel_a_drafted_contract(who: str) -> None:
    contract, buyer, seller = draft()
    by = buyer if who == "first" else seller
    contract.cancel(by, "价格变动")
    (event,) = contract.collect_events()
    assert isinstance(event, Contract.Cancelled)
    assert (event.by, event.reason) == (by, "价格变动")
    assert contract.status == ContractStatus.CANCELLED


def test_cancel_after_one_signature_is_allowed() -> None:
    contract, buyer, seller = draft()
    contract.sign(buyer, contract.digest, NOW)
    contract.collect_events()
    contract.cancel(seller, "不再需要")
    assert contract.status == ContractStatus.CANCELLED


def test_cancel_by_a_third_party_is_refused() -> None:
    contract, _, _ = draft()
    refused(contract, ForbiddenError, lambda: contract.cancel(uuid4(), "x"))


def test_cancel_of_a_signed_contract_is_refused() -> None:
    contract, buyer, _ = signed()
    refused(contract, ConflictError, lambda: contract.cancel(buyer, "反悔"))


def test_cancel_of_a_cancelled_contract_is_refused() -> None:
    contract, buyer, seller = draft()
    contract.cancel(buyer, "x")
    contract.collect_events()
    refused(contract, ConflictError, lambda: contract.cancel(seller, "y"))


def test_cancel_of_a_completed_contract_is_refused() -> None:
    contract, buyer, _ = signed()
    contract.complete(buyer)
    contract.collect_events()
    refused(contract, ConflictError, lambda: contract.cancel(buyer, "x"))


# --- Completing ------------------------------------------------------------------------------


def test_buyer_completes_a_signed_sale_contract() -> None:
    contract, buyer, _ = signed()
    contract.complete(buyer)
    (event,) = contract.collect_events()
    assert isinstance(event, Contract.Completed)
    assert event.by == buyer
    assert contract.status == ContractStatus.COMPLETED


def test_lender_completes_a_signed_loan_contract() -> None:
    contract, lender, borrower = draft(kind="loan")
    contract.sign(lender, contract.digest, NOW)
    contract.sign(borrower, contract.digest, NOW)
    contract.collect_events()
    refused(contract, ForbiddenError, lambda: contract.complete(borrower))
    contract.complete(lender)
    assert contract.status == ContractStatus.COMPLETED


def test_complete_by_the_seller_is_refused() -> None:
    contract, _, seller = signed()
    refused(contract, ForbiddenError, lambda: contract.complete(seller))


def test_complete_by_a_third_party_is_refused() -> None:
    contract, _, _ = signed()
    refused(contract, ForbiddenError, lambda: contract.complete(uuid4()))


def test_complete_before_signed_is_refused() -> None:
    contract, buyer, seller = draft()
    refused(contract, ConflictError, lambda: contract.complete(buyer))
    contract.sign(seller, contract.digest, NOW)
    contract.collect_events()
    refused(contract, ConflictError, lambda: contract.complete(buyer))


def test_complete_of_a_cancelled_contract_is_refused() -> None:
    contract, buyer, _ = draft()
    contract.cancel(buyer, "x")
    contract.collect_events()
    refused(contract, ConflictError, lambda: contract.complete(buyer))


def test_complete_twice_is_refused() -> None:
    contract, buyer, _ = signed()
    contract.complete(buyer)
    contract.collect_events()
    refused(contract, ConflictError, lambda: contract.complete(buyer))


def test_replaying_the_events_rebuilds_the_completed_contract() -> None:
    contract = Contract(
        kind="sale",
        parties=[
            {"organization_id": str(buyer := uuid4()), "role": "buyer"},
            {"organization_id": str(seller := uuid4()), "role": "seller"},
        ],
        terms=dict(TERMS),
        amount=Decimal("12.30"),
        currency="CNY",
        source={"posting_id": "p", "bid_id": "b"},
        exhibition_id=None,
    )
    contract.sign(buyer, contract.digest, NOW)
    contract.sign(seller, contract.digest, NOW)
    contract.complete(buyer)
    replayed = None
    for domain_event in contract.collect_events():
        replayed = domain_event.mutate(replayed)
    assert isinstance(replayed, Contract)
    assert (replayed.version, replayed.status) == (4, ContractStatus.COMPLETED)
    assert replayed.digest == contract.digest
    assert replayed.signatures == contract.signatures
