"""Contract use cases on in-memory (POPO) persistence: signing, cancelling, completing, If-Match."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from aggregates.contract import ContractStatus
from aggregates.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    VersionMismatchError,
)
from marketplace.application import Marketplace
from tests.unit.test_usecases import POPO, START, Clock, event_count, place, publish, refused


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def app(clock: Clock) -> Marketplace:
    return Marketplace(env=POPO, clock=clock)


def drafted(app: Marketplace, side: str = "demand") -> tuple[UUID, UUID, UUID]:
    """A drafted sale contract with its buyer and seller."""
    poster, bidder = uuid4(), uuid4()
    posting_id = publish(app, poster, side=side)
    bid_id = place(app, posting_id, bidder)
    contract_id: UUID = app.accept_bid(posting_id, bid_id, poster).contract.id
    buyer, seller = (poster, bidder) if side == "demand" else (bidder, poster)
    return contract_id, buyer, seller


def test_signing_records_the_clock_and_the_version(app: Marketplace, clock: Clock) -> None:
    contract_id, buyer, seller = drafted(app)
    digest = app.get_contract(contract_id).digest
    first = app.sign_contract(contract_id, buyer, digest)
    assert (first.version, first.position) == (2, event_count(app))
    assert first.aggregate.status == ContractStatus.DRAFTED
    assert first.aggregate.signatures == {str(buyer): START}
    clock.now = START + timedelta(hours=1)
    second = app.sign_contract(contract_id, seller, digest)
    assert second.version == 3
    assert app.get_contract(contract_id).status == ContractStatus.SIGNED
    assert app.get_contract(contract_id).signatures[str(seller)] == clock.now


def test_supply_side_bidder_is_the_buyer(app: Marketplace) -> None:
    contract_id, buyer, seller = drafted(app, side="supply")
    contract = app.get_contract(contract_id)
    assert (contract.role_of(buyer), contract.role_of(seller)) == ("buyer", "seller")


def test_refusals_append_nothing(app: Marketplace) -> None:
    contract_id, buyer, seller = drafted(app)
    digest = app.get_contract(contract_id).digest
    stranger = uuid4()
    refused(app, ForbiddenError, lambda: app.sign_contract(contract_id, stranger, digest))
    refused(app, ConflictError, lambda: app.sign_contract(contract_id, buyer, "0" * 64))
    refused(app, ConflictError, lambda: app.complete_contract(contract_id, buyer))
    refused(app, ForbiddenError, lambda: app.cancel_contract(contract_id, stranger, "x"))
    refused(app, NotFoundError, lambda: app.sign_contract(uuid4(), buyer, digest))
    refused(app, NotFoundError, lambda: app.cancel_contract(uuid4(), buyer, "x"))
    refused(app, NotFoundError, lambda: app.complete_contract(uuid4(), buyer))
    app.sign_contract(contract_id, buyer, digest)
    refused(app, ConflictError, lambda: app.sign_contract(contract_id, buyer, digest))
    app.sign_contract(contract_id, seller, digest)
    refused(app, ConflictError, lambda: app.cancel_contract(contract_id, seller, "x"))
    refused(app, ForbiddenError, lambda: app.complete_contract(contract_id, seller))
    assert app.complete_contract(contract_id, buyer).aggregate.status == ContractStatus.COMPLETED
    refused(app, ConflictError, lambda: app.complete_contract(contract_id, buyer))


def test_cancelled_contract_cannot_be_signed(app: Marketplace) -> None:
    contract_id, buyer, seller = drafted(app)
    digest = app.get_contract(contract_id).digest
    outcome = app.cancel_contract(contract_id, seller, "交期无法满足")
    assert (outcome.version, outcome.aggregate.status) == (2, ContractStatus.CANCELLED)
    refused(app, ConflictError, lambda: app.sign_contract(contract_id, buyer, digest))


def test_if_match_is_checked_after_who_may_act(app: Marketplace) -> None:
    contract_id, buyer, seller = drafted(app)
    digest = app.get_contract(contract_id).digest
    stranger = uuid4()
    refused(app, VersionMismatchError, lambda: app.sign_contract(contract_id, buyer, digest, 2))
    refused(app, VersionMismatchError, lambda: app.cancel_contract(contract_id, buyer, "x", 5))
    # A non-party is refused as such whatever version it names.
    refused(app, ForbiddenError, lambda: app.sign_contract(contract_id, stranger, digest, 2))
    refused(app, ForbiddenError, lambda: app.complete_contract(contract_id, stranger, 9))
    assert app.sign_contract(contract_id, buyer, digest, 1).version == 2
    assert app.sign_contract(contract_id, seller, digest, 2).version == 3
    refused(app, VersionMismatchError, lambda: app.complete_contract(contract_id, buyer, 2))
    assert app.complete_contract(contract_id, buyer, 3).version == 4
