"""Notifications of trading and financing: bids, contracts, financing offers, loans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aggregates.contract import Contract
from aggregates.financing_need import FinancingNeed as Need
from aggregates.posting import Posting
from projections.inbox import Inbox

POSTING, CONTRACT, NEED = "posting", "contract", "financing_need"


def _posting(inbox: Inbox, e: Posting.Published) -> None:
    inbox.remember(e.originator_id, POSTING, owner_id=e.owner_id, title=e.title,
                   due_at=e.expires_at)  # fmt: skip


def _revised(inbox: Inbox, e: Posting.Revised) -> None:
    names = {"title": "title", "expires_at": "due_at"}
    changes: dict[str, Any] = {names[k]: v for k, v in e.changes.items() if k in names}
    if changes:
        inbox.retitle(e.originator_id, **changes)


def _bid_placed(inbox: Inbox, e: Posting.BidPlaced) -> None:
    posting = inbox.subject(e.originator_id)
    inbox.remember(e.bid_id, "bid", owner_id=e.bidder_id, parent_id=e.originator_id)
    if posting is not None:
        key, due = f"bid:{e.bid_id}", posting["due_at"]
        inbox.notify(posting["owner_id"], "bid_received", (POSTING, e.originator_id),
                     posting["title"], action_key=key, due_at=due)  # fmt: skip


def _bid_answered(kind: str | None) -> Callable[[Inbox, Any], None]:
    def fold(inbox: Inbox, e: Any) -> None:
        inbox.done(f"bid:{e.bid_id}")
        if kind == "bid_accepted":  # the posting is awarded: the other bids are answered too
            inbox.done_all(e.originator_id, "bid_received")
        posting, bid = inbox.subject(e.originator_id), inbox.subject(e.bid_id)
        if kind is not None and posting is not None and bid is not None:
            inbox.notify(bid["owner_id"], kind, (POSTING, e.originator_id), posting["title"])

    return fold


def _posting_closed(inbox: Inbox, e: Any) -> None:
    inbox.done_all(e.originator_id, "bid_received")


def _drafted(inbox: Inbox, e: Contract.Drafted) -> None:
    title = str(e.terms.get("title") or e.terms.get("purpose") or "")
    parties = [p["organization_id"] for p in e.parties]
    inbox.remember(e.originator_id, CONTRACT, title=title, data=parties)
    for party in parties:
        inbox.notify(party, "contract_to_sign", (CONTRACT, e.originator_id), title,
                     action_key=f"contract:{e.originator_id}:{party}")  # fmt: skip


def _signed(inbox: Inbox, e: Contract.Signed) -> None:
    inbox.done(f"contract:{e.originator_id}:{e.organization_id}")
    contract = inbox.subject(e.originator_id)
    if contract is None:
        return
    parties = contract["data"] or []
    if all(inbox.is_done(f"contract:{e.originator_id}:{p}") for p in parties):
        for party in parties:
            inbox.notify(party, "contract_signed", (CONTRACT, e.originator_id), contract["title"])


def _contract_cancelled(inbox: Inbox, e: Contract.Cancelled) -> None:
    inbox.done_all(e.originator_id, "contract_to_sign")


def _need(inbox: Inbox, e: Need.Posted) -> None:
    inbox.remember(e.originator_id, NEED, owner_id=e.owner_id, title=e.purpose)


def _offer_made(inbox: Inbox, e: Need.OfferMade) -> None:
    need = inbox.subject(e.originator_id)
    inbox.remember(e.offer_id, "offer", owner_id=e.bank_id, parent_id=e.originator_id)
    if need is not None:
        inbox.notify(need["owner_id"], "offer_received", (NEED, e.originator_id), need["title"],
                     action_key=f"offer:{e.offer_id}", due_at=e.valid_until)  # fmt: skip


def _offer_gone(inbox: Inbox, e: Any) -> None:
    inbox.done(f"offer:{e.offer_id}")


def _offer_accepted(inbox: Inbox, e: Need.OfferAccepted) -> None:
    inbox.done_all(e.originator_id, "offer_received")
    need = inbox.subject(e.originator_id)
    if need is not None:
        inbox.notify(e.bank_id, "offer_accepted", (NEED, e.originator_id), need["title"])


def _need_closed(inbox: Inbox, e: Any) -> None:
    inbox.done_all(e.originator_id, "offer_received")


def _to_owner(kind: str) -> Callable[[Inbox, Any], None]:
    """The need's owner, and nobody else, is told (`loan_disbursed`, `need_without_offer`)."""

    def fold(inbox: Inbox, e: Any) -> None:
        need = inbox.subject(e.originator_id)
        if need is not None:
            inbox.notify(need["owner_id"], kind, (NEED, e.originator_id), need["title"])

    return fold


TRADE: dict[type, Callable[[Inbox, Any], None]] = {
    Posting.Published: _posting,
    Posting.Revised: _revised,
    Posting.BidPlaced: _bid_placed,
    Posting.BidWithdrawn: _bid_answered(None),
    Posting.BidRejected: _bid_answered("bid_rejected"),
    Posting.BidAccepted: _bid_answered("bid_accepted"),
    Posting.Withdrawn: _posting_closed,
    Posting.Expired: _posting_closed,
    Posting.Removed: _posting_closed,
    Contract.Drafted: _drafted,
    Contract.Signed: _signed,
    Contract.Cancelled: _contract_cancelled,
    Need.Posted: _need,
    Need.OfferMade: _offer_made,
    Need.OfferWithdrawn: _offer_gone,
    Need.OfferExpired: _offer_gone,
    Need.OfferAccepted: _offer_accepted,
    Need.Withdrawn: _need_closed,
    Need.Expired: _need_closed,
    Need.BecameOverdue: _to_owner("need_without_offer"),
    Need.Disbursed: _to_owner("loan_disbursed"),
}
