"""Event topics are stored in the log: each one written so far must still resolve to its class."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import resolve_topic

import aggregates

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
        "BecameOverdue",
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
        "ProfileChanged",
    ],
    "aggregates.policy:Policy": ["Published", "Revised", "Withdrawn"],
    "aggregates.saved_searches:SavedSearches": ["Opened", "Added", "Deleted"],
    "aggregates.service_product:ServiceProduct": ["Published", "Revised", "Retired", "Removed"],
    "aggregates.service_request:ServiceRequest": [
        "Submitted",
        "Dispatched",
        "Accepted",
        "Returned",
        "NoteAdded",
        "Resolved",
        "FeedbackGiven",
        "Withdrawn",
        "Overdue",
        "Closed",
    ],
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
# Every aggregate that takes documents inherits the two events of `Attachable` as its own
# (`Posting.DocumentsAttached`: stored under the subject's name; the mixin's are never stored).
ATTACHMENTS = ["DocumentsAttached", "DocumentsDetached"]
for _subject in (
    "aggregates.attachments:Attachable",
    "aggregates.contract:Contract",
    "aggregates.financing_need:FinancingNeed",
    "aggregates.organization:Organization",
    "aggregates.posting:Posting",
    "aggregates.service_request:ServiceRequest",
):
    STORED[_subject] = [*STORED.get(_subject, []), *ATTACHMENTS]

TOPICS = [f"{aggregate}.{name}" for aggregate, names in STORED.items() for name in names]


@pytest.mark.parametrize("topic", TOPICS)
def test_a_stored_topic_resolves_to_its_event_class(topic: str) -> None:
    cls = resolve_topic(topic)
    aggregate = resolve_topic(topic.rpartition(".")[0])
    assert isinstance(cls, type) and issubclass(cls, Aggregate.Event)
    assert cls.__qualname__ == topic.partition(":")[2]
    assert issubclass(cls, aggregate.Event)


def test_every_event_class_of_every_aggregate_is_listed() -> None:
    """A new event class is stored from its first use: list it above, never move it after."""
    found = set()
    for info in pkgutil.iter_modules(aggregates.__path__):
        module = importlib.import_module(f"aggregates.{info.name}")
        for cls in vars(module).values():
            if not (isinstance(cls, type) and issubclass(cls, Aggregate)):
                continue
            if cls is Aggregate or cls.__module__ != module.__name__:
                continue
            for name, event in vars(cls).items():
                if name in ("Event", "Created"):  # the bases eventsourcing makes per aggregate
                    continue
                if isinstance(event, type) and issubclass(event, Aggregate.Event):
                    found.add(f"{module.__name__}:{cls.__qualname__}.{name}")
    assert found == set(TOPICS)
