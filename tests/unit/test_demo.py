"""The demo's accounts: every kind, the auditor and the providers included, and a demo loaded
before the auditor was added gets it on the next load."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from aggregates.organization import organization_id
from marketplace.application import Marketplace
from marketplace.demo import load
from marketplace.demo.load import ORGS, demo_accounts, load_demo
from marketplace.stores import security


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Marketplace]:
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    app = Marketplace(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


def test_the_demo_accounts_cover_every_kind() -> None:
    kinds = {kind for kind, _, _ in demo_accounts()}
    assert kinds == {"operator", "auditor", "enterprise", "bank", "provider"}


def test_a_demo_loaded_before_the_auditor_gets_it_later(
    app: Marketplace, monkeypatch: pytest.MonkeyPatch
) -> None:
    auditor = next(org for org in ORGS if org.kind == "auditor")
    monkeypatch.setattr(load, "ORGS", [org for org in ORGS if org is not auditor])
    assert load_demo(app) > 0
    monkeypatch.setattr(load, "ORGS", ORGS)
    assert load_demo(app) == 1  # only the auditor's registration
    assert app.get_organization(organization_id(auditor.credit_code)).kind == "auditor"
    assert load_demo(app) == 0
