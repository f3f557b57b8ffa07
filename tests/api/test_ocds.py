"""`GET /ocds/releases`: sale contracts as an OCDS 1.1 release package.

No package on PyPI ships the OCDS 1.1 schema, so `PACKAGE_SCHEMA` below restates what the
standard requires of a release package and its releases (required fields, types, codelists
of the fields we fill) as a JSON Schema, and every answer is validated with `jsonschema`.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft4Validator

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import accept as accept_offer
from tests.api.financing_helpers import make_offer, post_need, verified_bank
from tests.api.helpers import API, assert_problem
from tests.api.stats_helpers import Deal, act, make_deal, read_contract, sign_all

RELEASES = f"{API}/ocds/releases"
DATE_TIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
ID = {"type": "string", "minLength": 1}
VALUE = {
    "type": "object",
    "required": ["amount", "currency"],
    "properties": {
        "amount": {"type": "number"},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    },
}
ORGANIZATION_REFERENCE = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": ID, "name": {"type": "string"}},
}
RELEASE_TAGS = [
    "planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate",
    "tenderCancellation", "award", "awardUpdate", "awardCancellation", "contract",
    "contractUpdate", "contractAmendment", "implementation", "implementationUpdate",
    "contractTermination", "compiled",
]  # fmt: skip
TENDER_STATUSES = [
    "planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn",
]  # fmt: skip
RELEASE = {
    "type": "object",
    "required": ["ocid", "id", "date", "tag", "initiationType"],
    "properties": {
        "ocid": {"type": "string", "pattern": r"^ocds-[a-z0-9]{6}-"},
        "id": ID,
        "date": DATE_TIME,
        "tag": {"type": "array", "minItems": 1, "items": {"enum": RELEASE_TAGS}},
        "initiationType": {"enum": ["tender"]},
        "language": {"type": "string"},
        "parties": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": ID,
                    "name": {"type": "string"},
                    "roles": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "buyer": ORGANIZATION_REFERENCE,
        "tender": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": ID,
                "title": {"type": "string"},
                "description": {"type": "string"},
                "status": {"enum": TENDER_STATUSES},
                "numberOfTenderers": {"type": "integer", "minimum": 0},
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id"],
                        "properties": {
                            "id": ID,
                            "description": {"type": "string"},
                            "classification": {
                                "type": "object",
                                "required": ["scheme", "id"],
                                "properties": {"scheme": {"type": "string"}, "id": ID},
                            },
                            "quantity": {"type": "number"},
                            "unit": {"type": "object", "properties": {"name": {"type": "string"}}},
                        },
                    },
                },
            },
        },
        "awards": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": ID,
                    "status": {"enum": ["pending", "active", "cancelled", "unsuccessful"]},
                    "date": DATE_TIME,
                    "value": VALUE,
                    "suppliers": {"type": "array", "items": ORGANIZATION_REFERENCE},
                },
            },
        },
        "contracts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "awardID"],
                "properties": {
                    "id": ID,
                    "awardID": ID,
                    "status": {"enum": ["pending", "active", "cancelled", "terminated"]},
                    "value": VALUE,
                    "dateSigned": DATE_TIME,
                },
            },
        },
    },
}
PACKAGE_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["uri", "publisher", "publishedDate", "releases", "version"],
    "properties": {
        "uri": {"type": "string", "pattern": "^https?://"},
        "version": {"enum": ["1.1"]},
        "publishedDate": DATE_TIME,
        "publisher": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string", "minLength": 1}},
        },
        "releases": {"type": "array", "items": RELEASE},
        "links": {
            "type": "object",
            "properties": {"next": {"type": "string", "pattern": "^https?://"}},
        },
    },
}
VALIDATOR = Draft4Validator(PACKAGE_SCHEMA)


@pytest.fixture(scope="module")
def alice(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def bob(client: TestClient) -> Account:
    return sign_up(client)


def package(client: TestClient, account: Account, **params: Any) -> dict[str, Any]:
    """A validated release package (amounts parsed as exact decimals)."""
    response = client.get(RELEASES, params=params, headers=account.auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    data: dict[str, Any] = json.loads(response.text, parse_float=Decimal)
    VALIDATOR.validate(json.loads(response.text))
    ids = [r["id"] for r in data["releases"]]
    assert len(set(ids)) == len(ids), "release ids must be unique"
    for release in data["releases"]:
        party_ids = {p["id"] for p in release["parties"]}
        assert release["buyer"]["id"] in party_ids
        assert {s["id"] for a in release["awards"] for s in a["suppliers"]} <= party_ids
        assert {c["awardID"] for c in release["contracts"]} <= {a["id"] for a in release["awards"]}
    return data


def releases_of(
    client: TestClient, account: Account, deal: Deal, after: int
) -> list[dict[str, Any]]:
    """The releases of one deal's contract changed after `after`."""
    data = package(client, account, after=after, min_position=deal.position, limit=200)
    return [r for r in data["releases"] if r["contracts"][0]["id"] == deal.contract_id]


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# The release --------------------------------------------------------------------------------


def test_a_signed_deal_as_a_release(
    client: TestClient, services: Services, alice: Account, bob: Account, operator: Account
) -> None:
    deal = make_deal(client, alice, bob, category="C17", quantity="800", unit="米")
    drafted_at = deal.position
    sign_all(client, deal)
    contract = read_contract(client, alice, deal)
    (release,) = releases_of(client, operator, deal, after=drafted_at - 1)
    assert release["ocid"] == services.settings.ocds_prefix + deal.posting_id
    assert release["id"] == f"{deal.contract_id}-{contract['version']}"
    assert release["tag"] == ["award", "contract"]
    assert release["initiationType"] == "tender"
    buyer, seller = release["parties"]
    assert (buyer["id"], buyer["name"], buyer["roles"]) == (alice.id, alice.name, ["buyer"])
    assert (seller["id"], seller["name"]) == (bob.id, bob.name)
    assert seller["roles"] == ["supplier", "tenderer"]  # bob bid on alice's demand
    assert release["buyer"] == {"id": alice.id, "name": alice.name}
    tender = release["tender"]
    assert (tender["id"], tender["title"], tender["status"]) == (
        deal.posting_id,
        deal.posting["title"],
        "complete",
    )
    assert tender["description"] == deal.posting["description"]
    assert tender["numberOfTenderers"] == 1
    (item,) = tender["items"]
    assert item["classification"]["scheme"] == "GB/T 4754-2017"
    assert item["classification"]["id"] == "C17"
    assert (item["quantity"], item["unit"]) == (Decimal("800"), {"name": "米"})
    (award,) = release["awards"]
    assert (award["id"], award["status"]) == (deal.bid_id, "active")
    assert award["value"] == {"amount": Decimal(contract["amount"]), "currency": "CNY"}
    assert award["suppliers"] == [{"id": bob.id, "name": bob.name}]
    (signed,) = release["contracts"]
    assert (signed["id"], signed["awardID"], signed["status"]) == (
        deal.contract_id,
        deal.bid_id,
        "active",
    )
    last_signature = max(when(p["signed_at"]) for p in contract["parties"])
    assert when(signed["dateSigned"]) == last_signature
    assert when(release["date"]) == last_signature


def test_each_change_is_a_new_release_after_its_position(
    client: TestClient, alice: Account, bob: Account, auditor: Account
) -> None:
    deal = make_deal(client, alice, bob)
    drafted_position = deal.position
    (drafted,) = releases_of(client, auditor, deal, after=drafted_position - 1)
    assert drafted["id"] == f"{deal.contract_id}-1"
    assert drafted["contracts"][0]["status"] == "pending"
    assert "dateSigned" not in drafted["contracts"][0]
    sign_all(client, deal)
    assert releases_of(client, auditor, deal, after=deal.position) == []
    (signed,) = releases_of(client, auditor, deal, after=drafted_position)
    assert signed["id"] == f"{deal.contract_id}-3"
    assert signed["ocid"] == drafted["ocid"]
    act(client, deal.buyer, deal, "complete")
    (completed,) = releases_of(client, auditor, deal, after=drafted_position)
    assert completed["id"] == f"{deal.contract_id}-4"
    assert completed["contracts"][0]["status"] == "terminated"
    assert completed["tag"] == ["award", "contract", "contractTermination"]
    assert completed["contracts"][0]["dateSigned"] == signed["contracts"][0]["dateSigned"]


def test_a_cancelled_contract(
    client: TestClient, alice: Account, bob: Account, operator: Account
) -> None:
    deal = make_deal(client, alice, bob)
    act(client, deal.seller, deal, "cancel")
    (release,) = releases_of(client, operator, deal, after=deal.position - 1)
    assert release["tag"] == ["awardCancellation", "contract"]
    assert release["awards"][0]["status"] == "cancelled"
    assert release["contracts"][0]["status"] == "cancelled"


def test_a_supply_posting_bought_by_the_bidder(
    client: TestClient, alice: Account, bob: Account, operator: Account
) -> None:
    deal = make_deal(client, alice, bob, side="supply")
    (release,) = releases_of(client, operator, deal, after=deal.position - 1)
    buyer, seller = release["parties"]
    assert (buyer["id"], buyer["roles"]) == (bob.id, ["buyer", "tenderer"])
    assert (seller["id"], seller["roles"]) == (alice.id, ["supplier"])


def test_amounts_are_exact_json_numbers(
    client: TestClient, alice: Account, bob: Account, operator: Account
) -> None:
    deal = make_deal(
        client, alice, bob, bid_overrides={"unit_price": "123456789012.34", "quantity": "1000"}
    )
    response = client.get(
        RELEASES,
        params={"after": deal.position - 1, "min_position": deal.position},
        headers=operator.auth,
    )
    assert '"amount":123456789012340.00' in response.text  # a float would print 123456789012340.0
    (release,) = json.loads(response.text, parse_float=Decimal)["releases"]
    assert release["contracts"][0]["value"]["amount"] == Decimal("123456789012340.00")


def test_the_ocid_prefix_is_a_setting(
    client: TestClient, services: Services, alice: Account, bob: Account, operator: Account
) -> None:
    deal = make_deal(client, alice, bob)
    saved = services.settings.ocds_prefix
    services.settings.ocds_prefix = "ocds-h7x2k9-"
    try:
        (release,) = releases_of(client, operator, deal, after=deal.position - 1)
    finally:
        services.settings.ocds_prefix = saved
    assert release["ocid"] == "ocds-h7x2k9-" + deal.posting_id


def test_loan_contracts_are_not_released(
    client: TestClient, alice: Account, operator: Account
) -> None:
    bank = verified_bank(client, operator)
    need = post_need(client, alice)
    offer = make_offer(client, bank, need["id"])
    accepted = accept_offer(client, alice, need["id"], offer["id"])
    data = package(
        client, operator, after=accepted["position"] - 1, min_position=accepted["position"]
    )
    assert accepted["contract_id"] not in {r["contracts"][0]["id"] for r in data["releases"]}


# The package and its pages ------------------------------------------------------------------


def test_pages_follow_next_after_to_the_end(
    client: TestClient, alice: Account, bob: Account, operator: Account
) -> None:
    deals = [make_deal(client, alice, bob) for _ in range(3)]
    start = deals[0].position - 1
    whole = package(client, operator, after=start, min_position=deals[-1].position, limit=200)
    assert whole["next_after"] is None and "links" not in whole
    seen, after = [], start
    while True:
        page = package(client, operator, after=after, limit=1)
        seen += page["releases"]
        if page["next_after"] is None:
            break
        assert f"after={page['next_after']}" in page["links"]["next"]
        after = page["next_after"]
    assert seen == whole["releases"]
    assert len(seen) >= 3
    assert whole["publishedDate"] == max((r["date"] for r in whole["releases"]), key=when)


def test_package_fields(client: TestClient, services: Services, operator: Account) -> None:
    data = package(client, operator)
    assert data["version"] == "1.1"
    assert data["publisher"] == {"name": services.settings.ocds_publisher}
    assert data["uri"].startswith("http") and "/ocds/releases" in data["uri"]


@pytest.mark.parametrize("kind", ["enterprise", "bank"])
def test_only_operators_and_auditors_read_releases(client: TestClient, kind: str) -> None:
    assert_problem(client.get(RELEASES), 401)
    account = sign_up(client, kind)
    assert_problem(client.get(RELEASES, headers=account.auth), 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"after": -1}, "after"), ({"limit": 0}, "limit"), ({"limit": 201}, "limit")],
)
def test_bad_queries_are_422(
    client: TestClient, auditor: Account, params: dict[str, Any], field: str
) -> None:
    assert_problem(client.get(RELEASES, params=params, headers=auditor.auth), 422, field=field)


def test_openapi_documents_the_package(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][RELEASES]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ReleasePackage"}
    assert {p["name"] for p in operation["parameters"]} >= {"after", "limit", "min_position"}
