"""`marketplace.ocds`: a sale contract's row as an OCDS release, and exact JSON numbers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from marketplace.ocds import dumps, release_package, sale_release

BUYER, SELLER = "7c0d5a6e-2f55-5b8e-9a57-0d1b1f4c1a01", "7c0d5a6e-2f55-5b8e-9a57-0d1b1f4c1a02"
DRAFTED = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
SIGNED = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": UUID("11111111-1111-4111-8111-111111111111"),
        "posting_id": UUID("22222222-2222-4222-8222-222222222222"),
        "bid_id": UUID("33333333-3333-4333-8333-333333333333"),
        "status": "signed",
        "version": 3,
        "amount": Decimal("7500000.00"),
        "currency": "CNY",
        "parties": [
            {"organization_id": BUYER, "role": "buyer"},
            {"organization_id": SELLER, "role": "seller"},
        ],
        "names": {BUYER: "杭州买方有限公司", SELLER: "宁波卖方有限公司"},
        "side": "demand",
        "title": "采购不锈钢板材 500 吨",
        "description": None,
        "category": "C31",
        "quantity": Decimal("500"),
        "unit": "吨",
        "posting_status": "awarded",
        "bid_count": 2,
        "drafted_at": DRAFTED,
        "signed_at": SIGNED,
        "completed_at": None,
        "cancelled_at": None,
    }
    base.update(changes)
    return base


def test_a_signed_contract() -> None:
    release = sale_release(row(), "ocds-abc123-")
    assert release["ocid"] == "ocds-abc123-22222222-2222-4222-8222-222222222222"
    assert release["id"] == "11111111-1111-4111-8111-111111111111-3"
    assert release["date"] == "2026-03-03T16:30:00Z"
    assert release["contracts"][0]["dateSigned"] == "2026-03-03T16:30:00Z"
    assert release["contracts"][0]["status"] == "active"
    assert release["awards"][0]["date"] == "2026-03-02T06:00:00Z"
    assert "description" not in release["tender"]  # unknown fields are left out, not null
    assert release["tender"]["items"][0]["classification"] == {
        "scheme": "GB/T 4754-2017",
        "id": "C31",
        "description": "黑色金属冶炼和压延加工业",
    }


@pytest.mark.parametrize(
    ("status", "contract", "award", "tag"),
    [
        ("drafted", "pending", "active", ["award", "contract"]),
        ("completed", "terminated", "active", ["award", "contract", "contractTermination"]),
        ("cancelled", "cancelled", "cancelled", ["awardCancellation", "contract"]),
    ],
)
def test_statuses_in_the_ocds_codelists(
    status: str, contract: str, award: str, tag: list[str]
) -> None:
    signed_at = None if status in ("drafted", "cancelled") else SIGNED
    release = sale_release(row(status=status, signed_at=signed_at), "ocds-abc123-")
    assert release["contracts"][0]["status"] == contract
    assert release["awards"][0]["status"] == award
    assert release["tag"] == tag
    assert ("dateSigned" in release["contracts"][0]) == (signed_at is not None)


def test_the_bidder_is_also_a_tenderer() -> None:
    demand = sale_release(row(), "ocds-abc123-")["parties"]
    supply = sale_release(row(side="supply"), "ocds-abc123-")["parties"]
    assert [p["roles"] for p in demand] == [["buyer"], ["supplier", "tenderer"]]
    assert [p["roles"] for p in supply] == [["buyer", "tenderer"], ["supplier"]]


def test_an_empty_package_is_published_now() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    package = release_package(
        [],
        uri="https://x/ocds",
        publisher="P",
        ocid_prefix="ocds-abc123-",
        now=now,
        next_after=None,
    )
    assert package["publishedDate"] == "2026-05-01T00:00:00Z"
    assert package["releases"] == [] and package["next_after"] is None


def test_decimals_are_written_as_exact_numbers() -> None:
    data = {"amount": Decimal("123456789012345678.90"), "名": ["中文", None, True, 3]}
    text = dumps(data)
    assert text == '{"amount":123456789012345678.90,"名":["中文",null,true,3]}'
    assert json.loads(text, parse_float=Decimal)["amount"] == Decimal("123456789012345678.90")
