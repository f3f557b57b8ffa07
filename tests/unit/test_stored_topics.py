"""Event topics are stored in the log: each one written so far must still resolve to its class."""

from __future__ import annotations

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import resolve_topic

STORED = {
    "aggregates.bank_product:BankProduct": ["Published", "Revised", "Retired"],
    "aggregates.contract:Contract": ["Drafted", "Signed", "Cancelled", "Completed"],
    "aggregates.exhibition:Exhibition": [
        "Scheduled",
        "SignedUp",
        "SignupCancelled",
        "CheckedIn",
        "Cancelled",
        "Closed",
    ],
    "aggregates.financing_need:FinancingNeed": [
        "Posted",
        "Withdrawn",
        "Expired",
        "OfferMade",
        "OfferWithdrawn",
        "OfferExpired",
        "OfferAccepted",
        "Disbursed",
    ],
    "aggregates.organization:Organization": [
        "Registered",
        "Verified",
        "VerificationRejected",
        "ContactErased",
        "Suspended",
        "Reinstated",
        "MemberAdded",
        "MemberRoleChanged",
        "MemberDisabled",
    ],
    "aggregates.policy:Policy": ["Published", "Revised", "Withdrawn"],
    "aggregates.posting:Posting": [
        "Published",
        "Revised",
        "Withdrawn",
        "Expired",
        "Removed",
        "BidPlaced",
        "BidWithdrawn",
        "BidRejected",
        "BidAccepted",
    ],
}

TOPICS = [f"{aggregate}.{name}" for aggregate, names in STORED.items() for name in names]


@pytest.mark.parametrize("topic", TOPICS)
def test_a_stored_topic_resolves_to_its_event_class(topic: str) -> None:
    cls = resolve_topic(topic)
    aggregate = resolve_topic(topic.rpartition(".")[0])
    assert isinstance(cls, type) and issubclass(cls, Aggregate.Event)
    assert cls.__qualname__ == topic.partition(":")[2]
    assert issubclass(cls, aggregate.Event)
