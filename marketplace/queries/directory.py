"""Who the parties of postings, financing needs, contracts and service requests are, for the
live stream.

The parties never change once known (an owner, the bidder of a bid, the bank of an offer, a
contract's signatories), so they are learnt from the events passing through the stream, or
loaded from the repository for older aggregates, and kept in a bounded LRU cache. How each
event is shown to whom is in `marketplace.queries.visibility`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from aggregates.contract import Contract
from aggregates.financing_need import FinancingNeed
from aggregates.posting import Posting
from aggregates.service_product import ServiceProduct
from aggregates.service_request import ServiceRequest


@dataclass
class _Facts:
    """What never changes about an aggregate once known: who owns it, who bid or offered."""

    owner: UUID | None = None
    members: dict[UUID, UUID] = field(default_factory=dict)  # bid/offer id → bidder/bank
    parties: frozenset[UUID] = frozenset()
    matched_bank: UUID | None = None


class Directory:
    """Parties of postings, needs and contracts, learnt from the events that pass through the
    stream and, for older aggregates, from the repository; a bounded LRU cache."""

    def __init__(self, load: Callable[[UUID], Any], size: int = 50_000) -> None:
        self._load = load
        self._size = size
        self._facts: OrderedDict[UUID, _Facts] = OrderedDict()
        self._lock = threading.Lock()

    def facts(self, aggregate_id: UUID, member: UUID | None = None) -> _Facts:
        """Known facts; reloads the aggregate when it or the named bid/offer is unknown."""
        with self._lock:
            known = self._facts.get(aggregate_id)
            if known is not None:
                self._facts.move_to_end(aggregate_id)
                if member is None or member in known.members:
                    return known
        return self._remember(aggregate_id, _facts_of(self._load(aggregate_id)))

    def learn(self, aggregate_id: UUID, update: Callable[[_Facts], None]) -> None:
        with self._lock:
            facts = self._facts.get(aggregate_id) or _Facts()
            update(facts)
            self._put(aggregate_id, facts)

    def _remember(self, aggregate_id: UUID, facts: _Facts) -> _Facts:
        with self._lock:
            self._put(aggregate_id, facts)
        return facts

    def _put(self, aggregate_id: UUID, facts: _Facts) -> None:
        self._facts[aggregate_id] = facts
        self._facts.move_to_end(aggregate_id)
        while len(self._facts) > self._size:
            self._facts.popitem(last=False)


def _facts_of(aggregate: Any) -> _Facts:
    if isinstance(aggregate, Posting):
        return _Facts(aggregate.owner_id, {b.id: b.bidder_id for b in aggregate.bids.values()})
    if isinstance(aggregate, FinancingNeed):
        offers = {o.id: o.bank_id for o in aggregate.offers.values()}
        matched = offers.get(aggregate.matched_offer_id) if aggregate.matched_offer_id else None
        return _Facts(aggregate.owner_id, offers, matched_bank=matched)
    if isinstance(aggregate, ServiceProduct):
        return _Facts(aggregate.provider_id)
    if isinstance(aggregate, ServiceRequest):
        return _Facts(aggregate.enterprise_id)
    if isinstance(aggregate, Contract):
        return _Facts(parties=frozenset(UUID(p["organization_id"]) for p in aggregate.parties))
    return _Facts()
