"""Who may see which event on the live stream, and in what form.

Every event gets a `Visibility`: its full data goes to its parties and to staff (operators,
auditors); a redacted `shared` form (or nothing) goes to everyone else, or only to verified
banks. The policy, by aggregate:

- Posting: published, revised, withdrawn and expired are public; a removal's reason goes to
  the owner and the bidders, everyone else learns `{"status": "removed"}`. Bids are sealed:
  the posting's owner and the bidder see the bid's terms; everyone else gets the same event
  type with only what the listing shows (`{"bid_count_change": 1 | -1 | 0}`, or
  `{"status": "awarded"}`).
- FinancingNeed: the need itself goes to its owner and verified banks (as `GET
  /financing-needs/{id}`). An offer's terms only to the owner and the offering bank; other
  verified banks learn `{"offer_count_change": 1}` or the need's new status. Anonymous: nothing.
- Exhibition: scheduled, cancelled and closed are public; signups and check-ins go only to the
  organizations they name.
- ServiceRequest: only its enterprise and the provider the event names (the one it is
  dispatched to at that step; each event carries it), and staff; nobody else learns anything.
- Contract: only its parties. Organization: `{kind, name}` publicly, the rest to itself; the
  sealed contact never; a suspension or reinstatement only to itself. Attached documents
  follow their subject (a posting's publicly, an organization's to itself). BankProduct,
  ServiceProduct, Policy: public. Anything else: staff only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch
from typing import Any
from uuid import UUID

from aggregates.bank_product import BankProduct
from aggregates.contract import Contract
from aggregates.exhibition import Exhibition
from aggregates.financing_need import FinancingNeed
from aggregates.organization import Organization
from aggregates.policy import Policy
from aggregates.posting import Posting
from aggregates.service_product import ServiceProduct
from aggregates.service_request import ServiceRequest
from marketplace.queries.directory import Directory
from marketplace.queries.event_data import event_data
from marketplace.queries.viewer import Viewer

EVERYONE = "everyone"
BANKS = "verified_banks"


@dataclass(frozen=True)
class Visibility:
    data: dict[str, Any]
    parties: frozenset[UUID] = frozenset()
    shared: dict[str, Any] | None = None
    shared_with: str = EVERYONE

    def data_for(self, viewer: Viewer) -> dict[str, Any] | None:
        """The form `viewer` may see, or None when it may not see the event at all."""
        if viewer.sees_as_party(self.parties):
            return self.data
        if self.shared is None:
            return None
        if self.shared_with == EVERYONE or viewer.is_verified_bank:
            return self.shared
        return None


def visibility(event: Any, directory: Directory) -> Visibility:
    """How `event` shows on the stream (see the module docstring for the policy)."""
    return _visibility(event, directory)


@singledispatch
def _visibility(event: Any, directory: Directory) -> Visibility:
    return Visibility(event_data(event))  # staff only


def _public(event: Any, directory: Directory) -> Visibility:
    data = event_data(event)
    return Visibility(data, shared=data)


for _cls in (
    Posting.Revised,
    Posting.DocumentsAttached,
    Posting.DocumentsDetached,
    Posting.Withdrawn,
    Posting.Expired,
    Exhibition.Scheduled,
    Exhibition.Cancelled,
    Exhibition.Closed,
    Organization.Verified,
    BankProduct.Published,
    BankProduct.Revised,
    BankProduct.Retired,
    ServiceProduct.Published,
    ServiceProduct.Revised,
    ServiceProduct.Retired,
    Policy.Published,
    Policy.Revised,
    Policy.Withdrawn,
):
    _visibility.register(_cls, _public)


@_visibility.register
def _(event: Posting.Published, directory: Directory) -> Visibility:
    directory.learn(event.originator_id, lambda f: setattr(f, "owner", event.owner_id))
    data = event_data(event)
    return Visibility(data, frozenset({event.owner_id}), shared=data)


@_visibility.register
def _(event: Posting.BidPlaced, directory: Directory) -> Visibility:
    directory.learn(
        event.originator_id, lambda f: f.members.update({event.bid_id: event.bidder_id})
    )
    owner = directory.facts(event.originator_id).owner
    return _sealed_bid(event, {owner, event.bidder_id}, {"bid_count_change": 1})


def _bid_parties(event: Any, directory: Directory) -> set[UUID | None]:
    facts = directory.facts(event.originator_id, event.bid_id)
    return {facts.owner, facts.members.get(event.bid_id)}


@_visibility.register
def _(event: Posting.Removed, directory: Directory) -> Visibility:
    facts = directory.facts(event.originator_id)
    parties = _known(facts.owner, *facts.members.values())
    return Visibility(event_data(event), parties, shared={"status": "removed"})


@_visibility.register
def _(event: ServiceProduct.Removed, directory: Directory) -> Visibility:
    provider = directory.facts(event.originator_id).owner
    return Visibility(event_data(event), _known(provider), shared={"status": "removed"})


@_visibility.register
def _(event: Posting.BidWithdrawn, directory: Directory) -> Visibility:
    return _sealed_bid(event, _bid_parties(event, directory), {"bid_count_change": -1})


@_visibility.register
def _(event: Posting.BidRejected, directory: Directory) -> Visibility:
    return _sealed_bid(event, _bid_parties(event, directory), {"bid_count_change": 0})


@_visibility.register
def _(event: Posting.BidAccepted, directory: Directory) -> Visibility:
    return _sealed_bid(event, _bid_parties(event, directory), {"status": "awarded"})


def _sealed_bid(event: Any, parties: set[UUID | None], shared: dict[str, Any]) -> Visibility:
    known = frozenset(p for p in parties if p is not None)
    return Visibility(event_data(event), known, shared=shared)


@_visibility.register(FinancingNeed.Posted)
@_visibility.register(FinancingNeed.DocumentsAttached)
@_visibility.register(FinancingNeed.Withdrawn)
@_visibility.register(FinancingNeed.Expired)
@_visibility.register(FinancingNeed.BecameOverdue)  # the board shows overdue to banks too
def _need(event: Any, directory: Directory) -> Visibility:
    if isinstance(event, FinancingNeed.Posted):
        directory.learn(event.originator_id, lambda f: setattr(f, "owner", event.owner_id))
    owner = directory.facts(event.originator_id).owner
    data = event_data(event)
    return Visibility(data, _known(owner), shared=data, shared_with=BANKS)


@_visibility.register
def _(event: FinancingNeed.OfferMade, directory: Directory) -> Visibility:
    directory.learn(
        event.originator_id, lambda f: f.members.update({event.offer_id: event.bank_id})
    )
    owner = directory.facts(event.originator_id).owner
    parties = _known(owner, event.bank_id)
    return Visibility(event_data(event), parties, {"offer_count_change": 1}, BANKS)


@_visibility.register(FinancingNeed.OfferWithdrawn)
@_visibility.register(FinancingNeed.OfferExpired)
def _offer(event: Any, directory: Directory) -> Visibility:
    facts = directory.facts(event.originator_id, event.offer_id)
    return Visibility(event_data(event), _known(facts.owner, facts.members.get(event.offer_id)))


@_visibility.register
def _(event: FinancingNeed.OfferAccepted, directory: Directory) -> Visibility:
    directory.learn(event.originator_id, lambda f: setattr(f, "matched_bank", event.bank_id))
    owner = directory.facts(event.originator_id).owner
    parties = _known(owner, event.bank_id)
    return Visibility(event_data(event), parties, {"status": "matched"}, BANKS)


@_visibility.register
def _(event: FinancingNeed.Disbursed, directory: Directory) -> Visibility:
    facts = directory.facts(event.originator_id)
    parties = _known(facts.owner, facts.matched_bank)
    return Visibility(event_data(event), parties, {"status": "disbursed"}, BANKS)


@_visibility.register(Exhibition.SignedUp)
@_visibility.register(Exhibition.CheckedIn)
def _signup(event: Any, directory: Directory) -> Visibility:
    return Visibility(event_data(event), _known(event.organization_id))


@_visibility.register
def _(event: Exhibition.SignupCancelled, directory: Directory) -> Visibility:
    return Visibility(event_data(event), _known(event.organization_id, *event.promoted_ids))


@_visibility.register
def _(event: Contract.Drafted, directory: Directory) -> Visibility:
    parties = frozenset(UUID(p["organization_id"]) for p in event.parties)
    directory.learn(event.originator_id, lambda f: setattr(f, "parties", parties))
    return Visibility(event_data(event), parties)


@_visibility.register(Contract.Signed)
@_visibility.register(Contract.DocumentsAttached)
@_visibility.register(Contract.Cancelled)
@_visibility.register(Contract.Completed)
def _contract(event: Any, directory: Directory) -> Visibility:
    return Visibility(event_data(event), directory.facts(event.originator_id).parties)


@_visibility.register
def _(event: Organization.Registered, directory: Directory) -> Visibility:
    data = event_data(event)
    public = {"kind": data["kind"], "name": data["name"], "version": data["version"]}
    return Visibility(data, _known(event.originator_id), shared=public)


@_visibility.register(Organization.Suspended)
@_visibility.register(Organization.DocumentsAttached)
@_visibility.register(Organization.Reinstated)
@_visibility.register(Organization.ProfileChanged)
def _suspension(event: Any, directory: Directory) -> Visibility:
    return Visibility(event_data(event), _known(event.originator_id))


def _known(*ids: UUID | None) -> frozenset[UUID]:
    return frozenset(i for i in ids if i is not None)


def _service_request(event: Any, directory: Directory) -> Visibility:
    if isinstance(event, ServiceRequest.Submitted):
        directory.learn(event.originator_id, lambda f: setattr(f, "owner", event.enterprise_id))
    enterprise = directory.facts(event.originator_id).owner
    provider = getattr(event, "provider_id", None)
    return Visibility(event_data(event), _known(enterprise, provider))


_R = ServiceRequest
for _step in (_R.Submitted, _R.Dispatched, _R.Accepted, _R.Returned, _R.NoteAdded, _R.Resolved,
              _R.FeedbackGiven, _R.Withdrawn, _R.Overdue, _R.Closed,
              _R.DocumentsAttached):  # fmt: skip
    _visibility.register(_step, _service_request)
