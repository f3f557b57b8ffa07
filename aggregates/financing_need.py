"""Financing needs of enterprises with the sealed offers banks make on them.

Offers, the match and the disbursement are events on the need's own stream, so "one match per
need" is decided by one aggregate version, also when two offers are accepted at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.attachments import Attachable
from aggregates.errors import ConflictError
from aggregates.financing import check_product_type, check_term
from aggregates.financing_need_terms import (
    NeedStatus,
    check_disbursement,
    check_offer_terms,
    check_overdue,
    require_matched_bank,
    require_open,
    require_status,
)
from aggregates.offer import (
    Offer,
    OfferStatus,
    find_offer,
    require_offering_bank,
    require_one_active_offer,
    require_submitted,
)

__all__ = ["FinancingNeed", "NeedStatus"]


class FinancingNeed(Attachable):
    """An enterprise's request for financing that verified banks answer with offers."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Posted(Aggregate.Created):
        owner_id: UUID
        amount: Decimal
        currency: str
        term_months: int
        purpose: str
        product_type: str
        region: str
        respond_by: datetime | None

    class Withdrawn(Aggregate.Event):
        pass

    class Expired(Aggregate.Event):
        pass

    class BecameOverdue(Aggregate.Event):
        # `due`: posted + the response days; `at`: the scheduler's clock when it noticed.
        due: datetime
        at: datetime

    class OfferMade(Aggregate.Event):
        offer_id: UUID
        bank_id: UUID
        amount: Decimal
        annual_rate: Decimal
        term_months: int
        conditions: str | None
        valid_until: datetime | None
        made_at: datetime

    class OfferWithdrawn(Aggregate.Event):
        offer_id: UUID

    class OfferExpired(Aggregate.Event):
        offer_id: UUID

    class OfferAccepted(Aggregate.Event):
        # The bank and amount are the offer's: carried so that readers need not look it up.
        offer_id: UUID
        contract_id: UUID
        bank_id: UUID
        amount: Decimal

    class Disbursed(Aggregate.Event):
        amount: Decimal
        disbursed_at: datetime

    @event(Posted)
    def __init__(
        self,
        owner_id: UUID,
        amount: Decimal,
        currency: str,
        term_months: int,
        purpose: str,
        product_type: str,
        region: str,
        respond_by: datetime | None,
    ) -> None:
        check_product_type(product_type)
        check_term(term_months)
        self.owner_id = owner_id
        self.amount = amount
        self.currency = currency
        self.term_months = term_months
        self.purpose = purpose
        self.product_type = product_type
        self.region = region
        self.respond_by = respond_by
        self.status: str = NeedStatus.OPEN
        self.offers: dict[UUID, Offer] = {}
        self.matched_offer_id: UUID | None = None
        self.contract_id: UUID | None = None
        self.amount_disbursed: Decimal | None = None
        self.disbursed_at: datetime | None = None
        self.overdue_at: datetime | None = None

    # Queries ---------------------------------------------------------------------------

    @property
    def active_offers(self) -> list[Offer]:
        return [o for o in self.offers.values() if o.status == OfferStatus.SUBMITTED]

    @property
    def matched_offer(self) -> Offer | None:
        return None if self.matched_offer_id is None else self.offers[self.matched_offer_id]

    @property
    def first_offer_at(self) -> datetime | None:
        return min((o.made_at for o in self.offers.values()), default=None)

    def get_offer(self, offer_id: UUID) -> Offer:
        return find_offer(self.offers, offer_id)

    # Commands of the enterprise ----------------------------------------------------------

    def withdraw(self) -> None:
        require_status(self.status, NeedStatus.OPEN)
        self._withdrawn()

    @event(Withdrawn)
    def _withdrawn(self) -> None:
        self.status = NeedStatus.WITHDRAWN

    def expire(self, now: datetime) -> None:
        """Called when `respond_by` passed without a match."""
        require_status(self.status, NeedStatus.OPEN)
        if self.respond_by is None or now < self.respond_by:
            raise ConflictError("financing need has not expired yet", "该融资需求尚未到期")
        self._expired()

    @event(Expired)
    def _expired(self) -> None:
        self.status = NeedStatus.EXPIRED

    def mark_overdue(self, response_days: int, now: datetime) -> None:
        """The scheduler's mark, once: still open and without any offer `response_days` after it
        was posted (and not past `respond_by` by then: it expired first)."""
        require_status(self.status, NeedStatus.OPEN)
        due = self.created_on + timedelta(days=response_days)
        check_overdue(due, now, self.respond_by, offered=bool(self.offers),
                      marked=self.overdue_at is not None)  # fmt: skip
        self._became_overdue(due=due, at=now)

    @event(BecameOverdue)
    def _became_overdue(self, due: datetime, at: datetime) -> None:
        self.overdue_at = at

    def accept_offer(self, offer_id: UUID, contract_id: UUID, now: datetime) -> Offer:
        offer = self.get_offer(offer_id)
        require_open(self.status, self.respond_by, now)
        require_submitted(offer)
        if offer.valid_until is not None and now >= offer.valid_until:
            raise ConflictError("offer is no longer valid", "该融资报价已过有效期")
        self._offer_accepted(offer_id, contract_id, offer.bank_id, offer.amount)
        return offer

    @event(OfferAccepted)
    def _offer_accepted(
        self, offer_id: UUID, contract_id: UUID, bank_id: UUID, amount: Decimal
    ) -> None:
        for other in self.active_offers:
            other.status = OfferStatus.UNSUCCESSFUL
        self.offers[offer_id].status = OfferStatus.ACCEPTED
        self.status = NeedStatus.MATCHED
        self.matched_offer_id = offer_id
        self.contract_id = contract_id

    # Commands of banks -----------------------------------------------------------------

    def make_offer(
        self,
        offer_id: UUID,
        bank_id: UUID,
        amount: Decimal,
        annual_rate: Decimal,
        term_months: int,
        conditions: str | None,
        valid_until: datetime | None,
        now: datetime,
    ) -> None:
        require_open(self.status, self.respond_by, now)
        require_one_active_offer(bank_id, self.active_offers)
        check_offer_terms(amount, self.amount, term_months, valid_until, now)
        self._offer_made(
            offer_id, bank_id, amount, annual_rate, term_months, conditions, valid_until, now
        )

    @event(OfferMade)
    def _offer_made(
        self,
        offer_id: UUID,
        bank_id: UUID,
        amount: Decimal,
        annual_rate: Decimal,
        term_months: int,
        conditions: str | None,
        valid_until: datetime | None,
        made_at: datetime,
    ) -> None:
        self.offers[offer_id] = Offer(
            offer_id, bank_id, amount, annual_rate, term_months, conditions, valid_until, made_at
        )

    def withdraw_offer(self, offer_id: UUID, by: UUID) -> None:
        offer = self.get_offer(offer_id)
        require_offering_bank(offer, by)
        require_submitted(offer)
        self._offer_withdrawn(offer_id=offer_id)

    @event(OfferWithdrawn)
    def _offer_withdrawn(self, offer_id: UUID) -> None:
        self.offers[offer_id].status = OfferStatus.WITHDRAWN

    def expire_offer(self, offer_id: UUID, now: datetime) -> None:
        """Called when an offer's `valid_until` passed before it was accepted."""
        offer = self.get_offer(offer_id)
        require_submitted(offer)
        if offer.valid_until is None or now < offer.valid_until:
            raise ConflictError("offer has not expired yet", "该融资报价尚未到期")
        self._offer_expired(offer_id=offer_id)

    @event(OfferExpired)
    def _offer_expired(self, offer_id: UUID) -> None:
        self.offers[offer_id].status = OfferStatus.EXPIRED

    def disburse(self, by: UUID, amount: Decimal, now: datetime, *, contract_signed: bool) -> None:
        """The matched bank pays out the signed loan: at most the accepted offer's amount."""
        offer = self.matched_offer
        require_matched_bank(self.status, None if offer is None else offer.bank_id, by)
        assert offer is not None
        check_disbursement(amount, offer.amount, contract_signed=contract_signed)
        self._disbursed(amount=amount, disbursed_at=now)

    @event(Disbursed)
    def _disbursed(self, amount: Decimal, disbursed_at: datetime) -> None:
        self.status = NeedStatus.DISBURSED
        self.amount_disbursed = amount
        self.disbursed_at = disbursed_at
