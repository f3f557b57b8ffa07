"""Service providers (服务机构) on in-memory persistence: they start unverified whatever the
enterprise setting, name 1–12 distinct service categories, and events stored before providers
existed read as having none."""

from __future__ import annotations

import json
from dataclasses import replace
from uuid import UUID

import pytest

from aggregates.errors import InvalidValueError
from aggregates.organization import Organization
from marketplace.application import Marketplace
from tests.support import new_credit_code

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def app(mode: str = "open") -> Marketplace:
    marketplace = Marketplace(env=POPO)
    marketplace.enterprise_verification = mode  # type: ignore[assignment]
    return marketplace


def register(marketplace: Marketplace, kind: str, categories: list[str] | None) -> UUID:
    outcome = marketplace.register_organization(
        kind=kind,
        name="明理律师事务所",
        credit_code=new_credit_code(),
        region="330106",
        industry="C39" if kind == "enterprise" else None,
        contact=None,
        password="correct horse battery",
        service_categories=categories,
    )
    org_id: UUID = outcome.aggregate.id
    return org_id


@pytest.mark.parametrize("mode", ["open", "required"])
def test_providers_start_unverified_with_their_categories(mode: str) -> None:
    marketplace = app(mode)
    provider = marketplace.get_organization(
        register(marketplace, "provider", ["legal", "business"])
    )
    assert provider.verified is False
    assert provider.service_categories == ("legal", "business")
    assert provider.offers("legal") and not provider.offers("financing")
    marketplace.verify_organization(provider.id)
    assert marketplace.get_organization(provider.id).verified is True


@pytest.mark.parametrize(
    "categories",
    [None, [], ["legal", "legal"], ["astrology"], list(range(13)), ["legal"] * 13],
)
def test_a_provider_names_1_to_12_distinct_known_categories(categories: list[str] | None) -> None:
    marketplace = app()
    with pytest.raises(InvalidValueError) as refused:
        register(marketplace, "provider", categories)
    assert refused.value.field == "service_categories"


def test_other_kinds_name_no_categories() -> None:
    marketplace = app()
    with pytest.raises(InvalidValueError) as refused:
        register(marketplace, "enterprise", ["legal"])
    assert refused.value.field == "service_categories"
    enterprise = marketplace.get_organization(register(marketplace, "enterprise", None))
    assert enterprise.service_categories == () and not enterprise.offers("legal")


def test_a_registration_stored_before_providers_has_no_categories() -> None:
    marketplace = app()
    org_id = register(marketplace, "bank", None)
    (stored,) = marketplace.recorder.select_events(org_id)
    state = json.loads(stored.state)
    assert state.pop("service_categories") == []
    state["class_version"] = 2
    event = marketplace.mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))
    assert isinstance(event, Organization.Registered)
    assert event.service_categories == []
    assert event.mutate(None).service_categories == ()  # type: ignore[union-attr]
