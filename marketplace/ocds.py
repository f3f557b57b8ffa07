"""Sale contracts as OCDS 1.1 releases (Open Contracting Data Standard).

One release per state of a sale contract: the posting is the tender, the accepted bid the
award, the contract the contract, with `dateSigned` once every party has signed. A release
is a pure function of the row `StatsQueries.sale_contracts_after` reads. OCDS wants amounts
and quantities as JSON numbers: `dumps` writes our decimals as numbers, digit for digit.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from aggregates.categories import CATEGORIES
from aggregates.values import format_decimal

OCDS_VERSION = "1.1"
CLASSIFICATION_SCHEME = "GB/T 4754-2017"
# Our statuses in the OCDS 1.1 codelists (tenderStatus, awardStatus, contractStatus, tag).
TENDER_STATUS = {
    "open": "active",
    "awarded": "complete",
    "withdrawn": "withdrawn",
    "expired": "unsuccessful",
    "removed": "cancelled",
}
CONTRACT_STATUS = {
    "drafted": "pending",
    "signed": "active",
    "completed": "terminated",
    "cancelled": "cancelled",
}
TAGS = {
    "drafted": ["award", "contract"],
    "signed": ["award", "contract"],
    "completed": ["award", "contract", "contractTermination"],
    "cancelled": ["awardCancellation", "contract"],
}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def release_date(row: dict[str, Any]) -> datetime:
    """When the contract took the state this release shows."""
    moments = [row["drafted_at"], row["signed_at"], row["completed_at"], row["cancelled_at"]]
    latest: datetime = max(m for m in moments if m is not None)
    return latest


def _parties(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """buyer and seller: id, name and OCDS roles (the bidder is also a tenderer)."""
    names = row["names"] or {}
    bidder_role = "seller" if row["side"] == "demand" else "buyer"
    parties = {}
    for party in row["parties"]:
        org_id, role = party["organization_id"], party["role"]
        roles = ["buyer"] if role == "buyer" else ["supplier"]
        if role == bidder_role:
            roles.append("tenderer")
        parties[role] = {"id": org_id, "name": names.get(org_id), "roles": roles}
    return parties


def _value(row: dict[str, Any]) -> dict[str, Any]:
    return {"amount": row["amount"], "currency": row["currency"]}


def _tender(row: dict[str, Any]) -> dict[str, Any]:
    category = row["category"]
    item: dict[str, Any] = {
        "id": "1",
        "description": row["title"],
        "classification": {
            "scheme": CLASSIFICATION_SCHEME,
            "id": category,
            "description": CATEGORIES[category][0] if category in CATEGORIES else None,
        },
        "quantity": row["quantity"],
        "unit": {"name": row["unit"]},
    }
    return _compact(
        {
            "id": str(row["posting_id"]),
            "title": row["title"],
            "description": row["description"],
            "status": TENDER_STATUS[row["posting_status"]],
            "mainProcurementCategory": "goods",
            "items": [_compact(item)],
            "numberOfTenderers": row["bid_count"],
        }
    )


def sale_release(row: dict[str, Any], ocid_prefix: str) -> dict[str, Any]:
    """The OCDS release of one sale contract in its current state."""
    parties = _parties(row)
    buyer, seller = parties["buyer"], parties["seller"]
    status = row["status"]
    award = {
        "id": str(row["bid_id"]),
        "status": "cancelled" if status == "cancelled" else "active",
        "date": _iso(row["drafted_at"]),
        "value": _value(row),
        "suppliers": [{"id": seller["id"], "name": seller["name"]}],
    }
    contract = {
        "id": str(row["id"]),
        "awardID": str(row["bid_id"]),
        "status": CONTRACT_STATUS[status],
        "value": _value(row),
        "dateSigned": _iso(row["signed_at"]) if row["signed_at"] else None,
    }
    return {
        "ocid": ocid_prefix + str(row["posting_id"]),
        "id": f"{row['id']}-{row['version']}",
        "date": _iso(release_date(row)),
        "tag": TAGS[status],
        "initiationType": "tender",
        "language": "zh",
        "parties": [_compact(buyer), _compact(seller)],
        "buyer": _compact({"id": buyer["id"], "name": buyer["name"]}),
        "tender": _tender(row),
        "awards": [award],
        "contracts": [_compact(contract)],
    }


def release_package(
    rows: list[dict[str, Any]],
    *,
    uri: str,
    publisher: str,
    ocid_prefix: str,
    now: datetime,
    next_after: int | None,
    next_uri: str | None = None,
) -> dict[str, Any]:
    """A release package; published at its newest release's date (`now` when it is empty),
    so that the same page always reads the same. `next_after`/`next_uri`: the next page."""
    releases = [sale_release(row, ocid_prefix) for row in rows]
    published = max((release_date(row) for row in rows), default=now)
    package: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _iso(published),
        "publisher": {"name": publisher},
        "releases": releases,
    }
    if next_uri is not None:
        package["links"] = {"next": next_uri}
    package["next_after"] = next_after  # as in the audit log: null on the last page
    return package


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """OCDS leaves out what is not known rather than writing null."""
    return {key: value for key, value in data.items() if value is not None}


def dumps(data: Any) -> str:
    """JSON with decimals as numbers written exactly (a float would round large amounts)."""
    if isinstance(data, Decimal):
        return format_decimal(data)
    if isinstance(data, dict):
        fields = (json.dumps(str(k), ensure_ascii=False) + ":" + dumps(v) for k, v in data.items())
        return "{" + ",".join(fields) + "}"
    if isinstance(data, list | tuple):
        return "[" + ",".join(dumps(v) for v in data) + "]"
    return json.dumps(data, ensure_ascii=False)
