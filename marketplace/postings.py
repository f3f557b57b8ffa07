"""Use cases of supply and demand postings and their sealed bids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from aggregates.bid import Bid, require_no_active_bids
from aggregates.contract import Contract, ContractKind, contract_id
from aggregates.errors import ForbiddenError, InvalidValueError
from aggregates.posting import Posting, Side, check_expiry, check_price_range
from aggregates.posting_terms import require_open
from marketplace.attachments import AttachmentGate, linked
from marketplace.commands import Outcome
from marketplace.contracts import DealOutcome
from marketplace.exhibitions import check_deal_venue
from marketplace.organizations import VerificationGate

POSTING = ("posting", "供需信息")
CENT = Decimal("0.01")
MAX_AMOUNT_DIGITS = 18  # whole-number digits of a contract amount


@dataclass(frozen=True, kw_only=True)
class BidOutcome(Outcome[Posting]):
    """A command on one bid: the posting and that bid as it now stands."""

    bid: Bid


def with_bid(outcome: Outcome[Posting], bid_id: UUID) -> BidOutcome:
    posting = outcome.aggregate
    return BidOutcome(
        posting, outcome.version, outcome.position, outcome.others, bid=posting.bids[bid_id]
    )


def owner_only(by: UUID) -> Callable[[Posting], None]:
    def require_owner(posting: Posting) -> None:
        if posting.owner_id != by:
            raise ForbiddenError("only the posting's owner may do this", "只有发布方可以操作")

    return require_owner


class PostingUseCases(VerificationGate, AttachmentGate):
    def publish_posting(
        self, owner_id: UUID, documents: list[UUID] | None = None, **terms: Any
    ) -> Outcome[Posting]:
        """Publish a supply or demand posting, with up to ten of the owner's documents."""
        self.require_verified_enterprise(owner_id)
        check_price_range(terms.get("price_min"), terms.get("price_max"))
        check_expiry(terms["expires_at"], self.clock())
        attached = self.own_documents(owner_id, documents)
        posting = Posting(owner_id=owner_id, **terms)
        if attached:
            posting.attach_documents(attached)
        position = self.record(posting, side_effects=linked("posting")(posting))
        return Outcome(posting, posting.version, position)

    def get_posting(self, posting_id: UUID) -> Posting:
        return self.load(Posting, posting_id, POSTING)

    def revise_posting(
        self,
        posting_id: UUID,
        by: UUID,
        changes: dict[str, Any],
        if_match: int | None = None,
        documents: list[UUID] | None = None,
    ) -> Outcome[Posting]:
        """Change a posting's terms, or the documents attached (given: exactly those), while
        no bid is active."""
        attached = None if documents is None else self.own_documents(by, documents)

        def revise(posting: Posting) -> None:
            if changes:
                posting.revise(changes, self.clock())
            if attached is not None:
                require_open(posting.status, posting.expires_at, self.clock())
                require_no_active_bids(posting.active_bids)
                posting.replace_documents(attached)

        return self.change(
            Posting, posting_id, POSTING, revise, if_match, owner_only(by), linked("posting")
        )

    def withdraw_posting(
        self, posting_id: UUID, by: UUID, if_match: int | None = None
    ) -> Outcome[Posting]:
        return self.change(
            Posting, posting_id, POSTING, lambda p: p.withdraw(), if_match, owner_only(by)
        )

    def remove_posting(self, posting_id: UUID, reason: str | None) -> Outcome[Posting]:
        """An operator takes a posting down; its owner and bidders see the reason."""
        return self.change(Posting, posting_id, POSTING, lambda p: p.remove(reason))

    def expire_posting(self, posting_id: UUID) -> Outcome[Posting]:
        """Called by the deadline scheduler."""
        return self.change(Posting, posting_id, POSTING, lambda p: p.expire(self.clock()))

    def place_bid(
        self,
        posting_id: UUID,
        bidder_id: UUID,
        *,
        unit_price: Decimal,
        quantity: Decimal,
        delivery_days: int | None = None,
        message: str | None = None,
    ) -> BidOutcome:
        """Place a sealed bid; one active bid per bidder and posting."""
        self.require_verified_enterprise(bidder_id)
        contract_amount(unit_price, quantity)  # refuse now what could never be contracted
        bid_id = uuid4()

        def place(posting: Posting) -> None:
            posting.place_bid(
                bid_id, bidder_id, unit_price, quantity, delivery_days, message, self.clock()
            )

        return with_bid(self.change(Posting, posting_id, POSTING, place), bid_id)

    def withdraw_bid(self, posting_id: UUID, bid_id: UUID, by: UUID) -> BidOutcome:
        outcome = self.change(Posting, posting_id, POSTING, lambda p: p.withdraw_bid(bid_id, by))
        return with_bid(outcome, bid_id)

    def reject_bid(
        self, posting_id: UUID, bid_id: UUID, by: UUID, reason: str | None
    ) -> BidOutcome:
        outcome = self.change(
            Posting,
            posting_id,
            POSTING,
            lambda p: p.reject_bid(bid_id, reason),
            None,
            owner_only(by),
        )
        return with_bid(outcome, bid_id)

    def accept_bid(
        self, posting_id: UUID, bid_id: UUID, by: UUID, exhibition_id: UUID | None = None
    ) -> DealOutcome[Posting]:
        """Award the posting to one bid and draft the sale contract in the same transaction."""

        def accept(posting: Posting) -> tuple[Aggregate, ...]:
            if exhibition_id is not None:
                check_deal_venue(self, exhibition_id, posting.owner_id, posting.get_bid(bid_id))
            source = {"posting_id": str(posting.id), "bid_id": str(bid_id)}
            new_contract_id = contract_id(ContractKind.SALE, source)
            bid = posting.accept_bid(bid_id, new_contract_id, exhibition_id, self.clock())
            return (draft_sale_contract(posting, bid, source),)

        return DealOutcome.of(
            self.change(Posting, posting_id, POSTING, accept, None, owner_only(by))
        )


def contract_amount(unit_price: Decimal, quantity: Decimal) -> Decimal:
    """unit_price × quantity rounded half-up to cents, computed exactly (18-digit inputs)."""
    with localcontext() as exact:
        exact.prec = 60
        amount = (unit_price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount.adjusted() >= MAX_AMOUNT_DIGITS:
        raise InvalidValueError(
            "the contract amount (unit price × quantity) is too large",
            "合同金额（单价×数量）过大",
            field="unit_price",
        )
    return amount


def draft_sale_contract(posting: Posting, bid: Bid, source: dict[str, str]) -> Contract:
    """The sale contract for an accepted bid: buyer is the demand side, seller the supply side."""
    if posting.side == Side.DEMAND:
        buyer, seller = posting.owner_id, bid.bidder_id
    else:
        buyer, seller = bid.bidder_id, posting.owner_id
    amount = contract_amount(bid.unit_price, bid.quantity)
    terms = {
        "title": posting.title,
        "category": posting.category,
        "unit": posting.unit,
        "quantity": str(bid.quantity),
        "unit_price": str(bid.unit_price),
        "delivery_days": None if bid.delivery_days is None else str(bid.delivery_days),
    }
    return Contract(
        kind=ContractKind.SALE,
        parties=[
            {"organization_id": str(buyer), "role": "buyer"},
            {"organization_id": str(seller), "role": "seller"},
        ],
        terms=terms,
        amount=amount,
        currency=posting.currency,
        source=source,
        exhibition_id=posting.exhibition_id,
    )
