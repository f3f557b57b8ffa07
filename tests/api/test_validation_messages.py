"""422 answers name each refused field as a person reads it, in zh or en, with a stable code."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from pydantic_core.core_schema import ErrorType

from api.labels import LABELS
from api.validation import describe, message
from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.api.financing_helpers import NEEDS, need_body
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.api.test_exhibitions import exhibition_body
from tests.support import future, organization_body, posting_body


def error_of(response: Any, field: str) -> dict[str, str]:
    body = assert_problem(response, 422, field=field)
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}, error
    found: dict[str, str] = next(e for e in body["errors"] if e["field"] == field)
    return found


def both(
    client: TestClient, owner: Account, path: str, body: dict[str, Any], field: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The error naming `field`, answered in English and in Chinese."""
    en = error_of(client.post(path, json=body, headers=owner.auth), field)
    zh = error_of(client.post(path, json=body, headers={**owner.auth, **ZH}), field)
    assert en["code"] == zh["code"]
    return en, zh


@pytest.mark.parametrize(
    ("overrides", "field", "code", "en", "zh"),
    [
        ({"quantity": "-1"}, "quantity", "out_of_range", "Quantity: must be greater than 0",
         "数量："),
        ({"quantity": "many"}, "quantity", "not_a_number", "Quantity: ", "数量："),
        ({"quantity": "1.1234567"}, "quantity", "too_many_digits", "Quantity: ", "数量："),
        ({"price_min": "-5"}, "price_min", "out_of_range", "Minimum price: must be at least 0",
         "最低单价："),
        ({"title": "x" * 121}, "title", "too_long", "Title: must be at most 120 characters",
         "标题：最多 120 个字符"),
        ({"title": "  "}, "title", "too_short", "Title: must not be empty", "标题：不能为空"),
        ({"side": "both"}, "side", "invalid_choice", "Side: must be one of",
         "供需类型：须为以下之一"),
        ({"region": "99"}, "region", "invalid_value", "Region: must be", "地区："),
        ({"expires_at": "2026-01-01T00:00:00"}, "expires_at", "missing_offset",
         "Expires at: needs an offset", "截止时间：须带时区偏移"),
        ({"colour": "red"}, "colour", "unknown_field", "colour: is not a known field",
         "colour：不是可接受的字段"),
    ],
)  # fmt: skip
def test_posting_fields_are_named_in_both_languages(
    client: TestClient,
    services: Services,
    owner: Account,
    overrides: dict[str, Any],
    field: str,
    code: str,
    en: str,
    zh: str,
) -> None:
    with no_new_events(services):
        english, chinese = both(client, owner, f"{API}/postings", posting_body(**overrides), field)
    assert english["code"] == code, english
    assert english["message"].startswith(en), english
    assert chinese["message"].startswith(zh), chinese


def test_a_missing_field_is_required(client: TestClient, owner: Account) -> None:
    body = posting_body()
    del body["title"]
    english, chinese = both(client, owner, f"{API}/postings", body, "title")
    assert english == {"field": "title", "code": "missing", "message": "Title: is required"}
    assert chinese["message"] == "标题：必填"


def test_a_nested_field_gets_its_own_label(client: TestClient) -> None:
    body = organization_body(contact={"name": "", "phone": "+86 571 8888 0000"})
    english = error_of(client.post(f"{API}/organizations", json=body), "contact.name")
    chinese = error_of(client.post(f"{API}/organizations", json=body, headers=ZH), "contact.name")
    assert english["message"] == "Contact name: must not be empty"
    assert chinese["message"] == "联系人姓名：不能为空"


def test_an_enterprise_without_industry_is_told_so(client: TestClient) -> None:
    body = organization_body()
    del body["industry"]
    chinese = error_of(client.post(f"{API}/organizations", json=body, headers=ZH), "industry")
    assert chinese == {
        "field": "industry",
        "code": "missing",
        "message": "行业：企业须填写所属行业",
    }


def test_bounds_of_whole_numbers(client: TestClient, operator: Account) -> None:
    body = exhibition_body(capacity=0)
    english = error_of(
        client.post(f"{API}/exhibitions", json=body, headers=operator.auth), "capacity"
    )
    assert english == {
        "field": "capacity",
        "code": "out_of_range",
        "message": "Capacity: must be at least 1",
    }
    response = client.post(f"{API}/exhibitions", json=body, headers={**operator.auth, **ZH})
    assert error_of(response, "capacity")["message"] == "展位数：不能小于 1"


def test_query_parameters_are_named_too(client: TestClient) -> None:
    english = error_of(client.get(f"{API}/postings", params={"limit": 0}), "limit")
    assert english == {
        "field": "limit",
        "code": "out_of_range",
        "message": "Limit: must be at least 1",
    }
    chinese = error_of(client.get(f"{API}/postings", params={"limit": "x"}, headers=ZH), "limit")
    assert chinese == {"field": "limit", "code": "not_an_integer", "message": "条数：须为整数"}


def test_domain_refusals_are_labelled_like_the_others(
    client: TestClient, services: Services, owner: Account
) -> None:
    body = need_body(respond_by=future(days=400))
    with no_new_events(services):
        english = client.post(NEEDS, json=body, headers=owner.auth)
        chinese = client.post(NEEDS, json=body, headers={**owner.auth, **ZH})
    assert error_of(english, "respond_by")["message"] == "Respond by: must be within 365 days"
    assert english.json()["detail"] == "Respond by: must be within 365 days"
    assert error_of(chinese, "respond_by")["message"] == "答复截止日期：不得超过365天"


def test_every_error_of_a_bad_body_carries_a_code(client: TestClient, owner: Account) -> None:
    body = {"side": 1, "title": None, "quantity": 5, "expires_at": "soon", "extra": True}
    response = client.post(f"{API}/postings", json=body, headers=owner.auth)
    codes = {e["field"]: e["code"] for e in assert_problem(response, 422)["errors"]}
    assert codes["title"] == "not_a_string"
    assert codes["quantity"] == "not_a_number"
    assert codes["expires_at"] == "not_a_datetime"
    assert codes["extra"] == "unknown_field"
    assert codes["category"] == "missing"


def test_a_bad_email_address_is_named(client: TestClient) -> None:
    contact = {"name": "王经理", "phone": "+86 571 8888 0000", "email": "not-an-address"}
    body = organization_body(contact=contact)
    chinese = error_of(client.post(f"{API}/organizations", json=body, headers=ZH), "contact.email")
    assert chinese == {
        "field": "contact.email",
        "code": "invalid_email",
        "message": "电子邮箱：不是有效的电子邮箱地址",
    }


def test_every_request_field_and_query_parameter_has_a_label(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    names: set[str] = set()

    def walk(schema: dict[str, Any]) -> None:
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        for nested in (*schema.get("anyOf", ()), *schema.get("allOf", ())):
            walk(nested)
        for name, member in schema.get("properties", {}).items():
            names.add(name)
            walk(member)
        if "items" in schema:
            walk(schema["items"])

    for item in spec["paths"].values():
        for operation in item.values():
            names.update(
                p["name"] for p in operation.get("parameters", []) if p["in"] in {"query", "path"}
            )
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"])
    assert sorted(names - set(LABELS)) == []


def test_a_number_that_is_not_finite_is_named_in_chinese(client: TestClient) -> None:
    for value in ("NaN", "inf"):
        zh = error_of(
            client.get(f"{API}/postings", params={"price_max": value}, headers=ZH), "price_max"
        )
        assert zh == {
            "field": "price_max",
            "code": "not_a_number",
            "message": "最高单价：须为有限的数值",
        }
    en = error_of(client.get(f"{API}/postings", params={"price_max": "NaN"}), "price_max")
    assert en["message"] == "Maximum price: must be a finite number"


@pytest.mark.parametrize(
    ("path", "field", "zh", "en"),
    [
        ("/postings/x", "posting_id", "供需信息编号", "Posting ID"),
        ("/financing-needs/x", "need_id", "融资需求编号", "Financing need ID"),
        ("/contracts/x", "contract_id", "合同编号", "Contract ID"),
        ("/exhibitions/x", "exhibition_id", "展会", "Exhibition"),
    ],
)
def test_path_parameters_are_named_too(
    client: TestClient, owner: Account, path: str, field: str, zh: str, en: str
) -> None:
    chinese = error_of(client.get(API + path, headers={**owner.auth, **ZH}), field)
    assert chinese == {"field": field, "code": "not_a_uuid", "message": f"{zh}：须为 UUID"}
    english = error_of(client.get(API + path, headers=owner.auth), field)
    assert english["message"] == f"{en}: must be a UUID"


def test_an_unknown_path_is_not_found_in_chinese(client: TestClient) -> None:
    assert assert_problem(client.get(f"{API}/no-such-thing", headers=ZH), 404)["detail"] == (
        "没有该资源"
    )
    assert assert_problem(client.get(f"{API}/no-such-thing"), 404)["detail"] == "no such resource"


@pytest.mark.parametrize("kind", sorted(get_args(ErrorType)))
def test_every_pydantic_error_type_has_a_chinese_phrase(kind: str) -> None:
    """Whatever pydantic reports, a zh reader gets Chinese (the English may be pydantic's)."""
    error = {"type": kind, "msg": "Some English", "ctx": {"expected": "'a' or 'b'"}}
    code, en, zh = describe(error, "quantity")
    assert code and en
    assert is_chinese(zh), (kind, zh)
    assert is_chinese(message("quantity", zh, chinese=True))
