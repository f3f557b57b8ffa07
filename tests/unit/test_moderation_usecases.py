"""Moderation on in-memory persistence: suspensions and removals, their reasons and guards, and
the state they leave once the aggregate is read back from its events."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from aggregates.errors import ConflictError, InvalidValueError
from aggregates.posting import PostingStatus
from marketplace.application import Marketplace
from tests.support import new_credit_code, steel_terms

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def register(app: Marketplace, kind: str = "enterprise") -> UUID:
    outcome = app.register_organization(
        kind=kind,
        name="测试机构",
        credit_code=new_credit_code(),
        region="330106",
        industry="C39" if kind == "enterprise" else None,
        contact=None,
        password="correct horse battery",
    )
    org_id: UUID = outcome.aggregate.id
    return org_id


def test_suspend_and_reinstate_keep_the_reason_while_suspended() -> None:
    app = Marketplace(env=POPO)
    org_id = register(app)
    app.suspend_organization(org_id, "  冒用他人信用代码 ")
    read_back = app.get_organization(org_id)  # replayed from the stored events
    assert (read_back.suspended, read_back.suspension_reason) == (True, "冒用他人信用代码")
    with pytest.raises(ConflictError):
        app.suspend_organization(org_id, "again")
    app.reinstate_organization(org_id, "identity confirmed")
    read_back = app.get_organization(org_id)
    assert (read_back.suspended, read_back.suspension_reason) == (False, None)
    with pytest.raises(ConflictError):
        app.reinstate_organization(org_id, "again")


@pytest.mark.parametrize("kind", ["operator", "auditor"])
def test_staff_cannot_be_suspended(kind: str) -> None:
    app = Marketplace(env=POPO)
    with pytest.raises(ConflictError):
        app.suspend_organization(register(app, kind), "no")


@pytest.mark.parametrize("reason", [None, "", "   ", "长" * 501])
def test_every_decision_needs_a_reason(reason: str | None) -> None:
    app = Marketplace(env=POPO)
    org_id = register(app)
    posting_id = app.publish_posting(org_id, **steel_terms()).aggregate.id
    for decide in (app.suspend_organization, app.remove_posting):
        subject = org_id if decide == app.suspend_organization else posting_id
        with pytest.raises(InvalidValueError) as refused:
            decide(subject, reason)
        assert refused.value.field == "reason"
    assert app.get_organization(org_id).version == 1
    assert app.get_posting(posting_id).version == 1


def test_a_removed_posting_takes_no_bid_and_cannot_be_removed_twice() -> None:
    app = Marketplace(env=POPO)
    owner, bidder = register(app), register(app)
    posting_id = app.publish_posting(owner, **steel_terms()).aggregate.id
    app.remove_posting(posting_id, "违法信息")
    posting = app.get_posting(posting_id)
    assert (posting.status, posting.removal_reason) == (PostingStatus.REMOVED, "违法信息")
    with pytest.raises(ConflictError):
        app.place_bid(
            posting_id,
            bidder,
            unit_price=Decimal("100"),
            quantity=Decimal("1"),
            delivery_days=None,
            message=None,
        )
    with pytest.raises(ConflictError):
        app.remove_posting(posting_id, "again")
    with pytest.raises(ConflictError):
        app.withdraw_posting(posting_id, owner)
