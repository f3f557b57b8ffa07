"""Use cases of financing docking: needs, sealed bank offers, loan contracts, bank products."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from aggregates.bank_product import BankProduct
from aggregates.contract import Contract, ContractKind, ContractStatus, contract_id
from aggregates.errors import ForbiddenError
from aggregates.financing import check_deadline
from aggregates.financing_need import FinancingNeed
from aggregates.offer import Offer
from aggregates.organization import Organization, OrganizationKind
from aggregates.values import format_decimal
from marketplace.attachments import AttachmentGate, linked
from marketplace.commands import Outcome
from marketplace.contracts import CONTRACT, DealOutcome
from marketplace.organizations import ORGANIZATION, VerificationGate

NEED = ("financing need", "融资需求")
PRODUCT = ("bank product", "银行产品")
CURRENCY = "CNY"  # financing on the platform is in renminbi
SIGNED = frozenset({ContractStatus.SIGNED, ContractStatus.COMPLETED})


@dataclass(frozen=True, kw_only=True)
class OfferOutcome(Outcome[FinancingNeed]):
    """A command on one offer: the need and that offer as it now stands."""

    offer: Offer


def with_offer(outcome: Outcome[FinancingNeed], offer_id: UUID) -> OfferOutcome:
    need = outcome.aggregate
    return OfferOutcome(
        need, outcome.version, outcome.position, outcome.others, offer=need.offers[offer_id]
    )


def bank_only(by: UUID) -> Callable[[BankProduct], None]:
    def require_bank(product: BankProduct) -> None:
        if product.bank_id != by:
            raise ForbiddenError(
                "only the bank that published the product may do this",
                "只有发布该产品的银行可以操作",
            )

    return require_bank


def need_owner_only(by: UUID) -> Callable[[FinancingNeed], None]:
    def require_owner(need: FinancingNeed) -> None:
        if need.owner_id != by:
            raise ForbiddenError(
                "only the enterprise that posted the financing need may do this",
                "只有发布该融资需求的企业可以操作",
            )

    return require_owner


class FinancingUseCases(VerificationGate, AttachmentGate):
    financing_response_days = 7  # the setting `MARKET_FINANCING_RESPONSE_DAYS` (bootstrap)

    def post_financing_need(
        self,
        owner_id: UUID,
        *,
        amount: Decimal,
        term_months: int,
        purpose: str,
        product_type: str,
        region: str,
        respond_by: datetime | None = None,
        documents: list[UUID] | None = None,
    ) -> Outcome[FinancingNeed]:
        """Post a financing need for verified banks to answer, with up to ten documents."""
        self.require_verified_enterprise(owner_id)
        if respond_by is not None:
            check_deadline(respond_by, self.clock(), "respond_by")
        attached = self.own_documents(owner_id, documents)
        need = FinancingNeed(
            owner_id=owner_id,
            amount=amount,
            currency=CURRENCY,
            term_months=term_months,
            purpose=purpose,
            product_type=product_type,
            region=region,
            respond_by=respond_by,
        )
        if attached:
            need.attach_documents(attached)
        position = self.record(need, side_effects=linked("financing_need")(need))
        return Outcome(need, need.version, position)

    def get_financing_need(self, need_id: UUID) -> FinancingNeed:
        return self.load(FinancingNeed, need_id, NEED)

    def withdraw_financing_need(
        self, need_id: UUID, by: UUID, if_match: int | None = None
    ) -> Outcome[FinancingNeed]:
        """The enterprise withdraws its open need."""
        return self.change(
            FinancingNeed, need_id, NEED, lambda n: n.withdraw(), if_match, need_owner_only(by)
        )

    def expire_financing_need(self, need_id: UUID) -> Outcome[FinancingNeed]:
        """Called by the deadline scheduler once `respond_by` passed without a match."""
        return self.change(FinancingNeed, need_id, NEED, lambda n: n.expire(self.clock()))

    def mark_financing_need_overdue(self, need_id: UUID) -> Outcome[FinancingNeed]:
        """Called by the deadline scheduler once a need has gone the response days unanswered."""
        days = self.financing_response_days
        return self.change(
            FinancingNeed, need_id, NEED, lambda n: n.mark_overdue(days, self.clock())
        )

    def require_verified_bank(self, bank_id: UUID) -> Organization:
        """Only banks an operator has verified may answer needs (403 otherwise)."""
        bank = self.load(Organization, bank_id, ORGANIZATION)
        if bank.kind != OrganizationKind.BANK:
            raise ForbiddenError("only banks may do this", "只有银行可以执行此操作")
        if not bank.verified:
            raise ForbiddenError(
                "the bank has not been verified by an operator yet", "该银行尚未通过平台认证"
            )
        return bank

    def make_offer(
        self,
        need_id: UUID,
        bank_id: UUID,
        *,
        amount: Decimal,
        annual_rate: Decimal,
        term_months: int,
        conditions: str | None = None,
        valid_until: datetime | None = None,
    ) -> OfferOutcome:
        """A verified bank makes a sealed offer; one active offer per bank and need."""
        self.require_verified_bank(bank_id)
        offer_id = uuid4()

        def make(need: FinancingNeed) -> None:
            need.make_offer(
                offer_id,
                bank_id,
                amount,
                annual_rate,
                term_months,
                conditions,
                valid_until,
                self.clock(),
            )

        return with_offer(self.change(FinancingNeed, need_id, NEED, make), offer_id)

    def withdraw_offer(self, need_id: UUID, offer_id: UUID, by: UUID) -> OfferOutcome:
        outcome = self.change(
            FinancingNeed, need_id, NEED, lambda n: n.withdraw_offer(offer_id, by)
        )
        return with_offer(outcome, offer_id)

    def expire_offer(self, need_id: UUID, offer_id: UUID) -> Outcome[FinancingNeed]:
        """Called by the deadline scheduler once an offer's `valid_until` passed."""
        return self.change(
            FinancingNeed, need_id, NEED, lambda n: n.expire_offer(offer_id, self.clock())
        )

    def accept_offer(self, need_id: UUID, offer_id: UUID, by: UUID) -> DealOutcome[FinancingNeed]:
        """Match the need with one offer and draft the loan contract in the same transaction."""

        def accept(need: FinancingNeed) -> tuple[Aggregate, ...]:
            source = {"need_id": str(need.id), "offer_id": str(offer_id)}
            new_contract_id = contract_id(ContractKind.LOAN, source)
            offer = need.accept_offer(offer_id, new_contract_id, self.clock())
            return (draft_loan_contract(need, offer, source),)

        return DealOutcome.of(
            self.change(FinancingNeed, need_id, NEED, accept, None, need_owner_only(by))
        )

    def disburse_loan(self, need_id: UUID, by: UUID, amount: Decimal) -> Outcome[FinancingNeed]:
        """The matched bank pays out at most the accepted offer's amount, once the loan
        contract is signed (a signed contract stays signed or becomes completed)."""

        def disburse(need: FinancingNeed) -> None:
            contract_id = need.contract_id
            signed = contract_id is not None and (
                self.load(Contract, contract_id, CONTRACT).status in SIGNED
            )
            need.disburse(by, amount, self.clock(), contract_signed=signed)

        return self.change(FinancingNeed, need_id, NEED, disburse)

    def publish_bank_product(self, bank_id: UUID, **terms: Any) -> Outcome[BankProduct]:
        """A verified bank publishes a financing product."""
        self.require_verified_bank(bank_id)
        product = BankProduct(bank_id=bank_id, **terms)
        return Outcome(product, product.version, self.record(product))

    def revise_bank_product(
        self, product_id: UUID, by: UUID, changes: dict[str, Any], if_match: int | None = None
    ) -> Outcome[BankProduct]:
        """Its bank changes some terms of a product still offered."""
        return self.change(
            BankProduct, product_id, PRODUCT, lambda p: p.revise(changes), if_match, bank_only(by)
        )

    def retire_bank_product(self, product_id: UUID, by: UUID) -> Outcome[BankProduct]:
        """Its bank stops offering a product: no longer listed nor matched."""
        return self.change(
            BankProduct, product_id, PRODUCT, lambda p: p.retire(), None, bank_only(by)
        )

    def get_bank_product(self, product_id: UUID) -> BankProduct:
        return self.load(BankProduct, product_id, PRODUCT)


def draft_loan_contract(need: FinancingNeed, offer: Offer, source: dict[str, str]) -> Contract:
    """The loan contract for an accepted offer: the bank lends, the enterprise borrows."""
    terms = {
        "product_type": need.product_type,
        "purpose": need.purpose,
        "annual_rate": format_decimal(offer.annual_rate),
        "term_months": str(offer.term_months),
        "conditions": offer.conditions,
    }
    return Contract(
        kind=ContractKind.LOAN,
        parties=[
            {"organization_id": str(offer.bank_id), "role": "lender"},
            {"organization_id": str(need.owner_id), "role": "borrower"},
        ],
        terms=terms,
        amount=offer.amount,
        currency=need.currency,
        source=source,
        exhibition_id=None,
    )
