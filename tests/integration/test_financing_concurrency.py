"""Financing use cases called from many threads at once, on a real PostgreSQL.

As in `test_concurrency`, each scenario runs with every thread on one `Marketplace` and with
the threads split over two `Marketplace` objects on one database (two API workers), whose
writes meet in the database as version conflicts settled by the command retries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.application import AggregateNotFoundError

from aggregates.contract import Contract, ContractKind, contract_id
from aggregates.errors import ConflictError
from aggregates.financing_need import FinancingNeed, NeedStatus
from aggregates.offer import OfferStatus
from marketplace.application import Marketplace
from marketplace.commands import Outcome
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

BANKS = 20
OFFER_MADE = "aggregates.financing_need:FinancingNeed.OfferMade"
CONTRACT_DRAFTED = "aggregates.contract:Contract.Drafted"


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> Iterator[None]:
    with cheap_password_hashes():
        yield


first, second, apps = app_fixtures(settings)


def register(app: Marketplace, kind: str) -> UUID:
    outcome = app.register_organization(
        kind=kind,
        name=f"并发测试{kind}",
        credit_code=new_credit_code(),
        region="330106",
        industry="C39" if kind == "enterprise" else None,
        contact=None,
        password="correct horse battery",
    )
    if kind == "bank":
        app.verify_organization(outcome.aggregate.id)
    org_id: UUID = outcome.aggregate.id
    return org_id


@pytest.fixture(scope="module")
def owner(first: App) -> UUID:
    return register(first.app, "enterprise")


@pytest.fixture(scope="module")
def banks(first: App) -> list[UUID]:
    return [register(first.app, "bank") for _ in range(BANKS)]


def post_need(app: Marketplace, owner: UUID) -> UUID:
    outcome = app.post_financing_need(
        owner,
        amount=Decimal("5000000.00"),
        term_months=12,
        purpose="并发测试的融资需求",
        product_type="credit_loan",
        region="330106",
        respond_by=datetime.now(UTC) + timedelta(days=10),
    )
    need_id: UUID = outcome.aggregate.id
    return need_id


def offer(app: Marketplace, need_id: UUID, bank: UUID, amount: int = 4_000_000) -> Outcome:
    return app.make_offer(
        need_id, bank, amount=Decimal(amount), annual_rate=Decimal("4.35"), term_months=12
    )


def loan_contracts(app: Marketplace, need: FinancingNeed) -> list[UUID]:
    """The ids of the loan contracts that exist for any offer of the need."""
    found = []
    for offer_id in need.offers:
        candidate = contract_id(
            ContractKind.LOAN, {"need_id": str(need.id), "offer_id": str(offer_id)}
        )
        try:
            app.repository.get(candidate)
        except AggregateNotFoundError:
            continue
        found.append(candidate)
    return found


def test_banks_offering_at_once_are_all_stored_then_two_accepts_match_once(
    apps: list[App], owner: UUID, banks: list[UUID], database_url: str
) -> None:
    app = apps[0].app
    need_id = post_need(app, owner)

    results = at_once(
        [
            lambda i=i, bank=bank: offer(apps[i % len(apps)].app, need_id, bank, 3_000_000 + i)
            for i, bank in enumerate(banks)
        ]
    )

    errors = [r for r in results if not isinstance(r, Outcome)]
    assert not errors, tracebacks(errors)
    need = app.get_financing_need(need_id)
    assert {o.bank_id for o in need.offers.values()} == set(banks)
    assert need.version == 1 + BANKS
    assert stored(database_url, app, OFFER_MADE, [need_id]) == BANKS

    # The owner accepts two different offers at the same moment: one match, one contract.
    chosen = list(need.offers)[:2]
    results = at_once(
        [
            lambda i=i, offer_id=offer_id: apps[i % len(apps)].app.accept_offer(
                need_id, offer_id, owner
            )
            for i, offer_id in enumerate(chosen)
        ]
    )

    won = [r for r in results if isinstance(r, Outcome)]
    lost = [r for r in results if not isinstance(r, Outcome)]
    assert len(won) == 1, results
    assert len(lost) == 1 and isinstance(lost[0], ConflictError), tracebacks(lost)
    assert lost[0].en == "financing need is already matched"
    need = app.get_financing_need(need_id)
    assert need.status == NeedStatus.MATCHED
    assert need.matched_offer_id in chosen
    assert need.offers[need.matched_offer_id].status == OfferStatus.ACCEPTED
    assert sum(o.status == OfferStatus.UNSUCCESSFUL for o in need.offers.values()) == BANKS - 1
    assert loan_contracts(app, need) == [need.contract_id]
    contract = app.repository.get(need.contract_id)
    assert isinstance(contract, Contract) and contract.kind == "loan"
    every_candidate = [
        contract_id(ContractKind.LOAN, {"need_id": str(need_id), "offer_id": str(o)})
        for o in need.offers
    ]
    assert stored(database_url, app, CONTRACT_DRAFTED, every_candidate) == 1

    # The matched bank's two disbursements at once, once the loan is signed: paid out once.
    bank = need.offers[need.matched_offer_id].bank_id
    for party in (bank, owner):
        app.sign_contract(contract.id, party, contract.digest)
    results = at_once(
        [
            lambda i=i: apps[i % len(apps)].app.disburse_loan(need_id, bank, Decimal("1000000"))
            for i in range(2)
        ]
    )
    assert sum(isinstance(r, Outcome) for r in results) == 1, results
    refused = [r for r in results if not isinstance(r, Outcome)]
    assert isinstance(refused[0], ConflictError), tracebacks(refused)
    assert app.get_financing_need(need_id).status == NeedStatus.DISBURSED


def test_an_accept_racing_a_withdrawal_leaves_one_consistent_outcome(
    apps: list[App], owner: UUID, banks: list[UUID]
) -> None:
    app = apps[0].app
    for _ in range(5):
        need_id = post_need(app, owner)
        offer_id = offer(app, need_id, banks[0]).offer.id
        results = at_once(
            [
                lambda n=need_id, o=offer_id: apps[0].app.accept_offer(n, o, owner),
                lambda n=need_id: apps[-1].app.withdraw_financing_need(n, owner),
            ]
        )
        unexpected = [r for r in results if not isinstance(r, Outcome | ConflictError)]
        assert not unexpected, tracebacks(unexpected)
        assert sum(isinstance(r, Outcome) for r in results) == 1, results
        need = app.get_financing_need(need_id)
        if isinstance(results[0], Outcome):
            assert need.status == NeedStatus.MATCHED
            assert loan_contracts(app, need) == [need.contract_id]
        else:
            assert need.status == NeedStatus.WITHDRAWN
            assert loan_contracts(app, need) == []
