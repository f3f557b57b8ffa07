"""Policy use cases on POPO: publish, revise, withdraw, their guards, and the demo items."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from argon2 import PasswordHasher

from aggregates.errors import ConflictError, InvalidValueError
from aggregates.policy import Policy
from aggregates.policy_terms import in_force, targets
from marketplace.application import Marketplace
from marketplace.demo.load import load_demo
from marketplace.stores import security
from tests.unit.test_usecases import POPO, START, Clock

OPERATOR = uuid4()


@pytest.fixture
def app() -> Marketplace:
    return Marketplace(env=POPO, clock=Clock(START))


def fields(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "稳岗返还",
        "body": "按上年度失业保险费的 60% 返还。",
        "issuer": "杭州市人力资源和社会保障局",
        "document_number": None,
        "topics": ["social_security"],
        "regions": ["3301"],
        "industries": [],
        "effective_from": date(2026, 1, 1),
        "effective_until": date(2026, 12, 31),
        "url": None,
    }
    values.update(overrides)
    return values


def test_publish_revise_withdraw(app: Marketplace) -> None:
    published = app.publish_policy(OPERATOR, **fields())
    policy_id = published.aggregate.id
    revised = app.revise_policy(policy_id, OPERATOR, {"regions": ["33", "33"]})
    assert revised.aggregate.regions == ["33"] and revised.aggregate.title == "稳岗返还"
    app.withdraw_policy(policy_id, OPERATOR)
    with pytest.raises(ConflictError):
        app.revise_policy(policy_id, OPERATOR, {"title": "x"})
    assert app.get_policy(policy_id).status == "withdrawn"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"topics": ["weather"]}, "topics"),
        ({"regions": ["1"]}, "regions"),
        ({"industries": ["X1"]}, "industries"),
        ({"effective_until": date(2025, 1, 1)}, "effective_until"),
        ({"url": "javascript:alert(1)"}, "url"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(
    app: Marketplace, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidValueError) as refused:
        app.publish_policy(OPERATOR, **fields(**overrides))
    assert refused.value.field == field


def test_targeting_and_validity_rules() -> None:
    assert targets([], [], "330106", "C39")
    assert targets(["33"], ["C39"], "330106", "C39")
    assert not targets(["3302"], [], "330106", "C39")
    assert not targets([], ["C13"], "330106", "C39")
    assert in_force("published", None, date(2026, 3, 1), date(2026, 3, 1))
    assert not in_force("published", date(2026, 3, 2), None, date(2026, 3, 1))
    assert not in_force("withdrawn", None, None, date(2026, 3, 1))


def test_the_demo_has_a_dozen_policies_for_different_regions_and_industries(
    app: Marketplace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    load_demo(app)
    policies = [
        app.repository.get(n.originator_id)
        for n in app.recorder.select_notifications(start=1, limit=10_000)
        if n.topic.endswith("Policy.Published")
    ]
    assert len(policies) == 12 and all(isinstance(p, Policy) for p in policies)
    topics = {t for p in policies for t in p.topics}
    assert {"fiscal_tax", "finance", "social_security", "digitalization", "employment"} <= topics
    assert len({tuple(p.regions) for p in policies}) >= 5
    assert any(p.industries for p in policies) and any(not p.industries for p in policies)
    today = START.date()
    assert all(in_force(p.status, p.effective_from, p.effective_until, today) for p in policies)
