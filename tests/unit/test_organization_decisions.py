"""Organization decisions on in-memory persistence: who starts verified (and how events stored
before that was a choice still read), rejections with a reason, contact erasure, and the
verification an enterprise needs to act when the setting requires it."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from uuid import UUID

import pytest

from aggregates.errors import ConflictError, InvalidValueError
from aggregates.organization import NotVerifiedError, Organization
from marketplace.application import Marketplace
from marketplace.commands import Outcome
from marketplace.demo.load import ORGS, load_demo
from tests.support import new_credit_code, steel_terms

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def app(mode: str = "open") -> Marketplace:
    marketplace = Marketplace(env=POPO)
    marketplace.enterprise_verification = mode  # type: ignore[assignment]
    return marketplace


def register(marketplace: Marketplace, kind: str = "enterprise") -> UUID:
    outcome = marketplace.register_organization(
        kind=kind,
        name="测试机构",
        credit_code=new_credit_code(),
        region="330106",
        industry="C39" if kind == "enterprise" else None,
        contact={"name": "赵敏", "phone": "13800001111", "email": None},
        password="correct horse battery",
    )
    org_id: UUID = outcome.aggregate.id
    return org_id


@pytest.mark.parametrize(
    ("mode", "kind", "verified"),
    [
        ("open", "enterprise", True),
        ("open", "bank", False),
        ("open", "operator", True),
        ("open", "auditor", True),
        ("required", "enterprise", False),
        ("required", "bank", False),
        ("required", "operator", True),
    ],
)
def test_who_starts_verified(mode: str, kind: str, verified: bool) -> None:
    marketplace = app(mode)
    organization = marketplace.get_organization(register(marketplace, kind))
    assert organization.verified is verified


@pytest.mark.parametrize(("kind", "verified"), [("enterprise", True), ("bank", False)])
def test_registrations_stored_before_the_choice_read_as_before(kind: str, verified: bool) -> None:
    """A v1 `Registered` event has no `verified`: only banks started unverified then."""
    marketplace = app("required")
    org_id = register(marketplace, kind)
    (stored,) = marketplace.recorder.select_events(org_id)
    state = json.loads(stored.state)
    assert state.pop("class_version") == 3 and state.pop("verified") is False  # required mode
    assert state.pop("service_categories") == []
    old = replace(stored, state=json.dumps(state).encode())
    event = marketplace.mapper.to_domain_event(old)
    assert isinstance(event, Organization.Registered)
    assert event.verified is verified
    assert event.mutate(None).verified is verified  # type: ignore[union-attr]


def test_a_rejection_keeps_it_unverified_until_an_approval_clears_the_reason() -> None:
    marketplace = app()
    bank = register(marketplace, "bank")
    marketplace.reject_verification(bank, "  执照过期  ")
    organization = marketplace.get_organization(bank)
    assert (organization.verified, organization.rejection_reason) == (False, "执照过期")
    marketplace.verify_organization(bank)
    organization = marketplace.get_organization(bank)
    assert (organization.verified, organization.rejection_reason) == (True, None)
    with pytest.raises(ConflictError):
        marketplace.reject_verification(bank, "too late")


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 501])
def test_a_rejection_needs_a_reason(reason: str | None) -> None:
    marketplace = app()
    bank = register(marketplace, "bank")
    with pytest.raises(InvalidValueError) as refused:
        marketplace.reject_verification(bank, reason)
    assert refused.value.field == "reason"
    assert marketplace.get_organization(bank).version == 1


def test_erasing_contact_is_one_event_and_idempotent() -> None:
    marketplace = app()
    org_id = register(marketplace)
    assert marketplace.get_organization(org_id).sealed_contact
    first = marketplace.erase_contact(org_id)
    assert first.position is not None and first.version == 2
    organization = marketplace.get_organization(org_id)
    assert organization.contact_erased and organization.sealed_contact is None
    again = marketplace.erase_contact(org_id)
    assert (again.position, again.version) == (None, 2)
    events = marketplace.recorder.select_events(org_id)
    assert [e.topic.rsplit(".", 1)[-1] for e in events] == ["Registered", "ContactErased"]
    assert json.loads(events[1].state).keys() <= {
        "originator_id",
        "originator_version",
        "timestamp",
    }


def test_an_erased_aggregate_refuses_a_second_erasure() -> None:
    marketplace = app()
    organization = marketplace.get_organization(register(marketplace))
    organization.erase_contact()
    with pytest.raises(ConflictError):
        organization.erase_contact()


def test_unverified_enterprises_may_not_act_when_verification_is_required() -> None:
    marketplace = app("required")
    owner = register(marketplace)
    with pytest.raises(NotVerifiedError) as refused:
        marketplace.publish_posting(owner, **steel_terms())
    assert refused.value.code == "not_verified"

    def ask_for_financing() -> Outcome:
        return marketplace.post_financing_need(
            owner,
            amount=Decimal("100"),
            term_months=6,
            purpose="",
            product_type="credit_loan",
            region="330106",
        )

    for act in (
        ask_for_financing,
        lambda: marketplace.sign_up(owner, owner),
        lambda: marketplace.place_bid(owner, owner, unit_price=Decimal(1), quantity=Decimal(1)),
    ):
        with pytest.raises(NotVerifiedError):
            act()
    marketplace.verify_organization(owner)
    need = ask_for_financing()
    assert need.position is not None


def test_the_demo_loads_when_enterprise_verification_is_required() -> None:
    required, open_ = app("required"), app("open")
    enterprises = sum(org.kind == "enterprise" for org in ORGS)
    assert load_demo(required) == load_demo(open_) + enterprises  # their verifications
