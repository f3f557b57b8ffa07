"""The Organization aggregate: deterministic ids, registration and bank verification."""

from __future__ import annotations

from uuid import uuid5

import pytest

from aggregates.errors import ConflictError, InvalidValueError
from aggregates.organization import (
    ORGANIZATION_NAMESPACE,
    Organization,
    OrganizationKind,
    organization_id,
)
from tests.support import new_credit_code


def register(kind: str = "enterprise", credit_code: str | None = None) -> Organization:
    """A fresh organization whose creation event has already been collected."""
    organization = Organization(
        kind=kind,
        name="杭州测试机械有限公司",
        credit_code=credit_code or new_credit_code(),
        region="330106",
        industry="C34" if kind == "enterprise" else None,
        sealed_contact=None,
    )
    organization.collect_events()
    return organization


def test_organization_id_is_uuid5_of_the_credit_code() -> None:
    code = new_credit_code()
    organization = register(credit_code=code)
    assert organization.id == uuid5(ORGANIZATION_NAMESPACE, code)
    assert organization.id == organization_id(code) == Organization.create_id(code)
    assert organization.id.version == 5


def test_same_credit_code_gives_the_same_id_and_another_code_another_id() -> None:
    code = new_credit_code()
    assert register(credit_code=code).id == register(credit_code=code).id
    assert organization_id(code) != organization_id(new_credit_code())


def test_registration_records_one_registered_event_with_the_profile() -> None:
    code = new_credit_code()
    organization = Organization(
        kind="enterprise",
        name="宁波港口物流",
        credit_code=code,
        region="330203",
        industry="G54",
        sealed_contact="c2VhbGVk",
    )
    (registered,) = organization.collect_events()
    assert isinstance(registered, Organization.Registered)
    assert registered.originator_id == organization.id
    assert (registered.kind, registered.name, registered.credit_code) == (
        "enterprise",
        "宁波港口物流",
        code,
    )
    assert (registered.region, registered.industry) == ("330203", "G54")
    assert registered.sealed_contact == "c2VhbGVk"
    assert organization.version == 1


@pytest.mark.parametrize(
    ("kind", "verified"),
    [
        (OrganizationKind.ENTERPRISE, True),
        (OrganizationKind.BANK, False),
        (OrganizationKind.OPERATOR, True),
        (OrganizationKind.AUDITOR, True),
    ],
)
def test_banks_start_unverified_and_others_verified(kind: str, verified: bool) -> None:
    assert register(kind=kind).verified is verified


@pytest.mark.parametrize("kind", ["company", "Enterprise", "", "BANK"])
def test_unknown_organization_kind_is_refused(kind: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        register(kind=kind)
    assert caught.value.field == "kind"
    assert caught.value.zh


def test_bank_is_verified_with_a_verified_event() -> None:
    bank = register(kind="bank")
    bank.verify()
    (verified,) = bank.collect_events()
    assert isinstance(verified, Organization.Verified)
    assert bank.verified is True
    assert bank.version == 2


@pytest.mark.parametrize("kind", ["enterprise", "operator", "auditor"])
def test_verifying_an_already_verified_organization_is_refused(kind: str) -> None:
    organization = register(kind=kind)
    with pytest.raises(ConflictError):
        organization.verify()
    assert organization.collect_events() == []
    assert organization.version == 1


def test_verifying_a_bank_twice_is_refused() -> None:
    bank = register(kind="bank")
    bank.verify()
    bank.collect_events()
    with pytest.raises(ConflictError):
        bank.verify()
    assert bank.collect_events() == []
    assert bank.version == 2


def test_replaying_the_events_rebuilds_the_verified_bank() -> None:
    bank = Organization(
        kind="bank",
        name="某某银行杭州分行",
        credit_code=new_credit_code(),
        region="330106",
        industry=None,
        sealed_contact=None,
    )
    bank.verify()
    replayed = None
    for domain_event in bank.collect_events():
        replayed = domain_event.mutate(replayed)
    assert isinstance(replayed, Organization)
    assert (replayed.id, replayed.version, replayed.verified) == (bank.id, 2, True)
    assert (replayed.kind, replayed.credit_code) == ("bank", bank.credit_code)
