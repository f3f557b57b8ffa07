"""Bank products (published by verified banks, public) and matching needs with them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import (
    NEEDS,
    PRODUCTS,
    post_need,
    product_body,
    publish_product,
    verified_bank,
)
from tests.api.helpers import assert_problem, head, no_new_events

PRODUCT_KEYS = {
    "id", "bank", "name", "product_type", "amount_min", "amount_max", "term_min", "term_max",
    "rate_min", "rate_max", "regions", "status", "published_at",
}  # fmt: skip


@pytest.fixture(scope="module")
def bank(client: TestClient, operator: Account) -> Account:
    return verified_bank(client, operator)


def listed(client: TestClient, **params: Any) -> list[str]:
    response = client.get(PRODUCTS, params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["items"]]


# Publishing --------------------------------------------------------------------------------


def test_publish_a_product(client: TestClient, services: Services, bank: Account) -> None:
    body = product_body(regions=["33", "3201", "440305"], rate_max="6.5")
    response = client.post(PRODUCTS, json=body, headers=bank.auth)
    assert response.status_code == 201, response.text
    data = response.json()
    assert set(data) >= PRODUCT_KEYS | {"version", "position"}
    assert data["bank"] == {"id": bank.id, "name": bank.name}
    assert (data["amount_min"], data["amount_max"]) == ("100000.00", "5000000.00")
    assert (data["term_min"], data["term_max"]) == (6, 36)
    assert (data["rate_min"], data["rate_max"]) == ("3.45", "6.5")
    assert data["regions"] == ["33", "3201", "440305"]
    assert (data["version"], data["position"]) == (1, head(services))
    found = client.get(PRODUCTS, params={"bank": bank.id}).json()["items"]
    assert found[0]["id"] == data["id"]
    assert found[0] == {k: v for k, v in data.items() if k not in {"version", "position"}}


def test_unverified_banks_and_others_cannot_publish(
    client: TestClient, services: Services, owner: Account, operator: Account
) -> None:
    unverified = sign_up(client, "bank")
    with no_new_events(services):
        problem = assert_problem(
            client.post(PRODUCTS, json=product_body(), headers=unverified.auth), 403
        )
        assert "verified" in problem["detail"]
        for caller in (owner, operator):
            assert_problem(client.post(PRODUCTS, json=product_body(), headers=caller.auth), 403)
        assert_problem(client.post(PRODUCTS, json=product_body()), 401)


BAD_PRODUCTS: list[tuple[str, dict[str, Any], str]] = [
    ("name empty", {"name": " "}, "name"),
    ("name too long", {"name": "贷" * 101}, "name"),
    ("unknown type", {"product_type": "mortgage"}, "product_type"),
    ("amount range reversed", {"amount_min": "6000000.00"}, "amount_min"),
    ("amount_min negative", {"amount_min": "-1"}, "amount_min"),
    ("amount_max zero", {"amount_min": "0", "amount_max": "0"}, "amount_max"),
    ("amount as number", {"amount_max": 5000000}, "amount_max"),
    ("term range reversed", {"term_min": 40}, "term_min"),
    ("term zero", {"term_min": 0}, "term_min"),
    ("term above 360", {"term_max": 361}, "term_max"),
    ("term as string", {"term_max": "36"}, "term_max"),
    ("rate range reversed", {"rate_min": "7.00"}, "rate_min"),
    ("rate zero", {"rate_min": "0"}, "rate_min"),
    ("rate above 36", {"rate_max": "36.5"}, "rate_max"),
    ("rate as number", {"rate_max": 6.5}, "rate_max"),
    ("no regions", {"regions": []}, "regions"),
    ("regions not a list", {"regions": "33"}, "regions"),
    ("region not a code", {"regions": ["33", "hangzhou"]}, "regions.1"),
    ("region unknown province", {"regions": ["99"]}, "regions.0"),
    ("region of odd length", {"regions": ["330"]}, "regions.0"),
    ("repeated region", {"regions": ["33", "33"]}, "regions"),
    ("unknown field", {"currency": "CNY"}, "currency"),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [(o, f) for _, o, f in BAD_PRODUCTS],
    ids=[n for n, _, _ in BAD_PRODUCTS],
)
def test_bad_product_is_422(
    client: TestClient, services: Services, bank: Account, overrides: dict[str, Any], field: str
) -> None:
    with no_new_events(services):
        response = client.post(PRODUCTS, json=product_body(**overrides), headers=bank.auth)
        assert_problem(response, 422, field=field)


# Reading -----------------------------------------------------------------------------------


def test_anyone_lists_products_by_type_and_region(client: TestClient, bank: Account) -> None:
    county = publish_product(client, bank, product_type="order_financing", regions=["350205"])
    province = publish_product(client, bank, product_type="order_financing", regions=["35"])
    other = publish_product(client, bank, product_type="guaranteed_loan", regions=["44"])
    orders = listed(client, product_type="order_financing")
    assert {county["id"], province["id"]} <= set(orders) and other["id"] not in orders
    assert orders.index(province["id"]) < orders.index(county["id"])  # newest first
    # A full code finds products covering it; a prefix also finds products inside it.
    assert {county["id"], province["id"]} <= set(listed(client, region="350205"))
    assert province["id"] in listed(client, region="350206")
    assert county["id"] not in listed(client, region="350206")
    assert {county["id"], province["id"]} <= set(listed(client, region="35"))
    assert not {county["id"], province["id"]} & set(listed(client, region="44"))
    assert other["id"] in listed(client, region="4403")


@pytest.mark.parametrize(
    ("param", "value"),
    [("product_type", "mortgage"), ("region", "9"), ("limit", "201"), ("bank", "x")],
)
def test_bad_product_filter_is_422(client: TestClient, param: str, value: str) -> None:
    assert_problem(client.get(PRODUCTS, params={param: value}), 422, field=param)


def test_products_page_with_cursors(client: TestClient, bank: Account) -> None:
    for _ in range(3):
        publish_product(client, bank, name="分页产品")
    first = client.get(PRODUCTS, params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(PRODUCTS, params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}


# Matching ----------------------------------------------------------------------------------

# Gansu (62…) is used by no other test of this module, so only these products can fit.
NEED_TERMS = {
    "product_type": "warehouse_receipt",
    "amount": "2000000.00",
    "term_months": 12,
    "region": "620102",
}
FITS = {"product_type": "warehouse_receipt", "amount_min": "1000000.00",
        "amount_max": "3000000.00", "term_min": 6, "term_max": 24}  # fmt: skip


@pytest.fixture(scope="module")
def matching(client: TestClient, bank: Account, owner: Account) -> dict[str, Any]:
    """A need in Lanzhou and products that fit it (or miss by exactly one condition)."""

    def product(name: str, **overrides: Any) -> str:
        return str(publish_product(client, bank, **{**FITS, "name": name, **overrides})["id"])

    products = {
        "county": product("县级仓单贷", regions=["620102"], rate_min="5.00", rate_max="6.00"),
        "city": product("市级仓单贷", regions=["6201", "44"], rate_min="3.50", rate_max="6.00"),
        "province": product("省级仓单贷", regions=["62"], rate_min="3.50", rate_max="6.00"),
        "cheap_province": product("低息仓单贷", regions=["62"], rate_min="3.20"),
        "edges": product("边界仓单贷", regions=["62"], amount_min="2000000.00",
                         amount_max="2000000.00", term_min=12, term_max=12, rate_min="9.00",
                         rate_max="12.00"),
        "amount_low": product("额度太低", regions=["62"], amount_max="1999999.99"),
        "amount_high": product("起点太高", regions=["62"], amount_min="2000000.01",
                               amount_max="9000000.00"),
        "term_short": product("期限太短", regions=["62"], term_min=1, term_max=11),
        "term_long": product("期限太长", regions=["62"], term_min=13, term_max=36),
        "region_other": product("外省", regions=["6301", "44", "620103"]),
        "type_other": product("类型不同", regions=["62"], product_type="inventory_pledge"),
    }  # fmt: skip
    need = post_need(client, owner, **NEED_TERMS)
    return {"need": need, "products": products}


def _matches(client: TestClient, owner: Account, need_id: str, **params: Any) -> list[Any]:
    response = client.get(f"{NEEDS}/{need_id}/matches", params=params, headers=owner.auth)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


def test_products_outside_a_range_region_or_type_are_never_matched(
    client: TestClient, owner: Account, matching: dict[str, Any]
) -> None:
    products = matching["products"]
    found = {m["id"] for m in _matches(client, owner, matching["need"]["id"])}
    fitting = {"county", "city", "province", "cheap_province", "edges"}
    assert found == {products[k] for k in fitting}
    for missing in set(products) - fitting:
        assert products[missing] not in found, missing


def test_matches_are_ranked_and_explained_by_their_reasons(
    client: TestClient, owner: Account, matching: dict[str, Any]
) -> None:
    products = matching["products"]
    matches = _matches(client, owner, matching["need"]["id"])
    by_id = {m["id"]: m for m in matches}
    for match in matches:
        assert 0 <= match["score"] <= 1
        assert match["score"] == pytest.approx(sum(r["contribution"] for r in match["reasons"]))
        for reason in match["reasons"]:
            assert set(reason) == {"code", "en", "zh", "contribution"}
            assert reason["en"] and reason["zh"]
        codes = [r["code"] for r in match["reasons"]]
        assert codes[:3] == ["product_type", "amount", "term"] and codes[-1] == "rate"
    assert [m["id"] for m in matches] == [
        products["county"],
        products["city"],
        products["cheap_province"],
        products["province"],
        products["edges"],
    ]
    region = {k: next(r for r in by_id[products[k]]["reasons"] if r["code"].startswith("region"))
              for k in ("county", "city", "province")}  # fmt: skip
    assert region["county"]["code"] == "region_county" and "620102" in region["county"]["en"]
    assert region["city"]["code"] == "region_city" and "6201" in region["city"]["zh"]
    assert region["province"]["code"] == "region_province" and "Gansu" in region["province"]["en"]
    assert region["county"]["contribution"] > region["city"]["contribution"]
    assert region["city"]["contribution"] > region["province"]["contribution"]
    cheap = next(r for r in by_id[products["cheap_province"]]["reasons"] if r["code"] == "rate")
    dear = next(r for r in by_id[products["province"]]["reasons"] if r["code"] == "rate")
    assert "3.20%" in cheap["en"] and cheap["contribution"] > dear["contribution"]
    assert matches[0]["bank"]["id"] and matches[0]["name"] == "县级仓单贷"
    assert len(_matches(client, owner, matching["need"]["id"], limit=2)) == 2


def test_only_the_owner_sees_matches(
    client: TestClient,
    services: Services,
    matching: dict[str, Any],
    bank: Account,
    operator: Account,
) -> None:
    url = f"{NEEDS}/{matching['need']['id']}/matches"
    stranger = sign_up(client)
    for caller in (stranger, bank, operator):
        assert_problem(client.get(url, headers=caller.auth), 403)
    assert_problem(client.get(url), 401)
    assert_problem(client.get(f"{NEEDS}/{uuid.uuid4()}/matches", headers=stranger.auth), 404)
