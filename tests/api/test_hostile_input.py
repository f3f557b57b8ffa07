"""Hostile text and times: control characters and years outside [2000, 2100) never get in.

Every refusal is a field-named 422 problem and writes no event (API.md, "Conventions,
tightened": Text and Times).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.api.financing_helpers import NEEDS, need_body, offer_body, verified_bank
from tests.api.helpers import API, assert_problem, no_new_events, publish
from tests.api.test_exhibitions import exhibition_body
from tests.support import bid_body, organization_body, posting_body

EVIL = "evil\u0000org"
CONTROLS = ["\u0000", "\u0001", "\u0007", "\u000b", "\u000c", "\u001b", "\u001f"]


def refused(response: Any, field: str, code: str = "control_characters") -> None:
    body = assert_problem(response, 422, field=field)
    codes = {e["field"]: e.get("code") for e in body["errors"]}
    assert codes[field] == code, body


# Text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("control", CONTROLS)
def test_anonymous_registration_with_a_control_character_is_refused(
    client: TestClient, services: Services, control: str
) -> None:
    with no_new_events(services):
        response = client.post(
            f"{API}/organizations", json=organization_body(name=f"evil{control}org")
        )
    refused(response, "name")


def test_a_nested_field_is_named_with_its_path(client: TestClient, services: Services) -> None:
    contact = {"name": EVIL, "phone": "+86 571 8888 0000"}
    with no_new_events(services):
        response = client.post(f"{API}/organizations", json=organization_body(contact=contact))
    refused(response, "contact.name")


def test_every_string_field_of_a_posting_is_checked(
    client: TestClient, services: Services, owner: Account
) -> None:
    for field in ("title", "description", "unit", "category", "region", "currency", "side"):
        with no_new_events(services):
            response = client.post(
                f"{API}/postings", json=posting_body(**{field: "ab\u0000c"}), headers=owner.auth
            )
        refused(response, field)


def test_control_characters_in_a_bid_message_are_refused(
    client: TestClient, services: Services, owner: Account, bidder: Account
) -> None:
    posting = publish(client, owner)
    with no_new_events(services):
        response = client.post(
            f"{API}/postings/{posting['id']}/bids",
            json=bid_body(message="ok\u001b[31m"),
            headers=bidder.auth,
        )
    refused(response, "message")


def test_control_characters_in_a_financing_purpose_are_refused(
    client: TestClient, services: Services, owner: Account
) -> None:
    with no_new_events(services):
        response = client.post(NEEDS, json=need_body(purpose="cash\u0000"), headers=owner.auth)
    refused(response, "purpose")


def test_control_characters_in_offer_conditions_and_product_regions_are_refused(
    client: TestClient, services: Services, owner: Account, operator: Account
) -> None:
    bank = verified_bank(client, operator)
    need = client.post(NEEDS, json=need_body(), headers=owner.auth).json()
    with no_new_events(services):
        response = client.post(
            f"{NEEDS}/{need['id']}/offers",
            json=offer_body(conditions="\u0000"),
            headers=bank.auth,
        )
        refused(response, "conditions")
        response = client.post(
            f"{API}/bank-products",
            json={"name": "贷", "regions": ["33", "3\u00003"]},
            headers=bank.auth,
        )
    refused(response, "regions.1")


def test_control_characters_in_an_exhibition_name_are_refused(
    client: TestClient, services: Services, operator: Account
) -> None:
    with no_new_events(services):
        response = client.post(
            f"{API}/exhibitions", json=exhibition_body(name=EVIL), headers=operator.auth
        )
    refused(response, "name")


def test_a_key_with_control_characters_is_refused_without_echoing_it(
    client: TestClient, services: Services
) -> None:
    body = {**organization_body(), "x\u0000y": 1}
    with no_new_events(services):
        response = client.post(f"{API}/organizations", json=body)
    refused(response, "xy")


def test_a_lone_surrogate_is_refused(client: TestClient, services: Services) -> None:
    raw = json.dumps(organization_body(name="evil@org")).replace("@", "\\ud800")
    with no_new_events(services):
        response = client.post(
            f"{API}/organizations",
            content=raw.encode(),
            headers={"content-type": "application/json"},
        )
    refused(response, "name", "invalid_text")


def test_tab_line_feed_and_carriage_return_are_welcome(client: TestClient, owner: Account) -> None:
    text = "Line one\r\nLine two\tand a tab"
    posting = publish(client, owner, description=text)
    assert posting["description"] == text


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/postings", "q"),
        ("/postings", "cursor"),
        ("/exhibitions", "cursor"),
        ("/organizations", "cursor"),
    ],
)
def test_control_characters_in_a_query_are_refused(
    client: TestClient, path: str, name: str
) -> None:
    refused(client.get(f"{API}{path}", params={name: "steel\u0000"}), name)


def test_a_query_parameter_name_with_control_characters_is_refused(client: TestClient) -> None:
    refused(client.get(f"{API}/postings?st%00eel=1"), "steel")


# Times --------------------------------------------------------------------------------------

FAR = "9999-12-31T23:59:59-14:00"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ends_at", FAR),
        ("starts_at", "1999-12-31T23:59:59Z"),
        ("signup_deadline", "0001-01-01T00:00:00+14:00"),
        ("ends_at", "2100-01-01T00:00:00Z"),
        ("ends_at", "2099-12-31T23:00:00-14:00"),  # 2100-01-01 in UTC
    ],
)
def test_exhibition_times_outside_the_era_are_refused(
    client: TestClient, services: Services, operator: Account, field: str, value: str
) -> None:
    with no_new_events(services):
        response = client.post(
            f"{API}/exhibitions", json=exhibition_body(**{field: value}), headers=operator.auth
        )
    refused(response, field, "out_of_range")
    assert client.get(f"{API}/exhibitions").status_code == 200


def test_posting_expiry_outside_the_era_is_refused(
    client: TestClient, services: Services, owner: Account
) -> None:
    with no_new_events(services):
        response = client.post(
            f"{API}/postings", json=posting_body(expires_at=FAR), headers=owner.auth
        )
    refused(response, "expires_at", "out_of_range")


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2100-01-01", FAR])
def test_financing_deadlines_outside_the_era_are_refused(
    client: TestClient, services: Services, owner: Account, value: str
) -> None:
    with no_new_events(services):
        response = client.post(NEEDS, json=need_body(respond_by=value), headers=owner.auth)
    refused(response, "respond_by", "out_of_range")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "0001-01-01", "to": "9999-12-31"}, "from"),
        ({"from": "2026-01-01", "to": "9999-12-31"}, "to"),
        ({"from": "1999-12-31"}, "from"),
    ],
)
def test_statistics_periods_outside_the_era_are_refused(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    for path in ("/stats/deals", "/stats/financing"):
        response = client.get(f"{API}{path}", params={"group_by": "month", **params})
        refused(response, field, "out_of_range")


def test_audit_state_at_a_time_outside_the_era_is_refused(
    client: TestClient, operator: Account
) -> None:
    response = client.get(
        f"{API}/audit/streams/{operator.id}", params={"at": FAR}, headers=operator.auth
    )
    refused(response, "at", "out_of_range")


def test_a_body_that_is_not_json_text_is_a_field_named_422(client: TestClient) -> None:
    """Bytes that are not UTF-8 used to answer an undocumented 400."""
    for body in (b"Iq\xff\xfeQ\x12\x80\x81d\xc3", b"\x00", b"{"):
        response = client.post(
            f"{API}/organizations", content=body, headers={"Content-Type": "application/json"}
        )
        problem = assert_problem(response, 422, field="body")
        assert problem["errors"][0]["code"] in {"invalid_json", "json_invalid"}, problem
