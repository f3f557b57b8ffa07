"""Helpers shared by the tests: valid credit codes, accounts, request bodies, use case terms."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aggregates.organization import Organization
from aggregates.values import CREDIT_CODE_CHARSET, make_credit_code

if TYPE_CHECKING:
    from marketplace.application import Marketplace
    from marketplace.commands import Outcome

_BODY_CHARS = CREDIT_CODE_CHARSET
_random = random.Random()


def new_credit_code(region: str = "330106") -> str:
    """A fresh, valid Unified Social Credit Code for a company (91…) in the given region."""
    body = "".join(_random.choice(_BODY_CHARS) for _ in range(9))
    return make_credit_code("91" + region + body)


def future(days: float = 30) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def organization_body(kind: str = "enterprise", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "name": f"测试企业 {_random.randint(1, 10**6)}",
        "credit_code": new_credit_code(),
        "region": "330106",
        "password": "correct horse battery",
    }
    if kind == "enterprise":
        body["industry"] = "C39"
    body.update(overrides)
    return body


def posting_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "side": "demand",
        "title": "采购不锈钢板材 500 吨",
        "description": "Need 304 stainless steel plates, 2mm, delivered to Hangzhou.",
        "category": "C31",
        "quantity": "500",
        "unit": "吨",
        "price_min": "14000.00",
        "price_max": "16000.00",
        "currency": "CNY",
        "region": "330106",
        "expires_at": future(),
    }
    body.update(overrides)
    return body


def bid_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"unit_price": "15000.00", "quantity": "500", "delivery_days": 20}
    body.update(overrides)
    return body


def register_body(app: Marketplace, body: dict[str, Any]) -> Outcome:
    """Registers the organization of an `organization_body` through the use case (as the
    command line does: no contact)."""
    return app.register_organization(
        kind=body["kind"],
        name=body["name"],
        credit_code=body["credit_code"],
        region=body["region"],
        industry=body.get("industry"),
        contact=None,
        password=body["password"],
    )


def new_enterprise(name: str) -> Organization:
    """An enterprise aggregate, made directly (not through the use case: no password)."""
    return Organization(
        kind="enterprise",
        name=name,
        credit_code=new_credit_code(),
        region="330106",
        industry="C39",
        sealed_contact=None,
    )


def steel_terms(**overrides: Any) -> dict[str, Any]:
    """The use case's terms of a small posting: 5 吨 of steel on offer, no prices, expiring in
    3 days."""
    terms: dict[str, Any] = {
        "side": "supply",
        "title": "钢材",
        "description": "",
        "category": "C31",
        "quantity": Decimal("5"),
        "unit": "吨",
        "price_min": None,
        "price_max": None,
        "currency": "CNY",
        "region": "330106",
        "expires_at": datetime.now(UTC) + timedelta(days=3),
    }
    terms.update(overrides)
    return terms
