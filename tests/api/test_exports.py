"""Exports (API.md, "Conventions, tightened" → "Exports"): every *exportable* list answers
`?format=csv|xlsx` with the JSON answer's rows (same visibility and filters), every page, a
BOM and an English header with nested fields flattened, and formula-like text neutralised.

The export reads two items a page here, so that a handful of rows crosses several pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

import api.exports
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import NEEDS, post_need, verified_bank
from tests.api.helpers import API, assert_problem
from tests.api.service_request_helpers import REQUESTS, submit
from tests.api.stats_helpers import make_deal, schedule_exhibition, sign_all

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(api.exports, "EXPORT_PAGE", 2)
    yield


def fetch(
    client: TestClient, path: str, account: Account | None, fmt: str, **params: Any
) -> httpx.Response:
    headers = {} if account is None else account.auth
    return client.get(f"{API}{path}", params={**params, "format": fmt}, headers=headers)


def table(client: TestClient, path: str, account: Account | None, fmt: str, **params: Any) -> Any:
    """The download's rows as text (header first), after checking its type and name."""
    response = fetch(client, path, account, fmt, **params)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith(f'.{fmt}"')
    if fmt == "csv":
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.content.startswith("\ufeff".encode())
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def records(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def json_items(client: TestClient, path: str, account: Account | None, **params: Any) -> Any:
    headers = {} if account is None else account.auth
    response = client.get(f"{API}{path}", params={**params, "limit": 200}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["items"] if isinstance(body, dict) and "items" in body else body


@pytest.fixture(scope="module")
def asker(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def stranger(client: TestClient) -> Account:
    return sign_up(client)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_service_requests_export_every_page_of_what_the_caller_sees(
    client: TestClient, asker: Account, stranger: Account, operator: Account, fmt: str
) -> None:
    if not json_items(client, "/service-requests", asker):
        for n in range(4):
            submit(client, asker, title=f"第{n}号诉求", urgency="urgent" if n % 2 else "general")
        submit(client, asker, title=FORMULA, description="-1+1 @sum")
        submit(client, stranger, title="别人的诉求")
    expected = json_items(client, "/service-requests", asker)
    rows = records(table(client, "/service-requests", asker, fmt))
    assert [r["id"] for r in rows] == [i["id"] for i in expected] and len(rows) == 5
    first = rows[-1]
    assert first["enterprise.id"] == asker.id and first["enterprise.name"] == asker.name
    assert {"provider.id", "provider.name", "overdue.accept", "overdue.resolve"} <= set(first)
    assert first["provider.id"] == "" and first["overdue.accept"] == "false"
    formula = next(r for r in rows if r["title"].endswith('点我")'))
    assert formula["title"] == "'" + FORMULA and formula["description"] == "'-1+1 @sum"
    urgent = records(table(client, "/service-requests", asker, fmt, urgency="urgent"))
    assert len(urgent) == 2 and {r["urgency"] for r in urgent} == {"urgent"}
    everyone = records(table(client, "/service-requests", operator, fmt))
    assert stranger.id in {r["enterprise.id"] for r in everyone}
    assert stranger.id not in {r["enterprise.id"] for r in rows}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_signups_export_all_for_staff_and_its_own_for_an_enterprise(
    client: TestClient, operator: Account, auditor: Account, fmt: str
) -> None:
    enterprises = [sign_up(client) for _ in range(3)]
    exhibition = schedule_exhibition(client, operator, *enterprises)
    path = f"/exhibitions/{exhibition}/signups"
    for staff in (operator, auditor):
        rows = records(table(client, path, staff, fmt))
        assert [r["organization.id"] for r in rows] == [e.id for e in enterprises]
        assert rows[0]["organization.name"] == enterprises[0].name
        assert rows[0]["exhibition_id"] == exhibition and rows[0]["status"] == "confirmed"
        assert rows[0]["attendees"] == "1"
    own = records(table(client, path, enterprises[1], fmt))
    assert [r["organization.id"] for r in own] == [enterprises[1].id]
    missing = fetch(
        client, "/exhibitions/00000000-0000-0000-0000-000000000001/signups", operator, fmt
    )
    assert_problem(missing, 404)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_contracts_export_a_party_its_own(
    client: TestClient, operator: Account, stranger: Account, fmt: str
) -> None:
    seller, buyer = sign_up(client), sign_up(client)
    deals = [make_deal(client, seller, buyer) for _ in range(3)]
    sign_all(client, deals[0])
    make_deal(client, stranger, sign_up(client))
    rows = records(table(client, "/contracts", seller, fmt))
    assert {r["id"] for r in rows} == {d.contract_id for d in deals}
    assert [r["id"] for r in rows] == [c["id"] for c in json_items(client, "/contracts", seller)]
    signed = next(r for r in rows if r["id"] == deals[0].contract_id)
    assert signed["status"] == "signed" and signed["kind"] == "sale"
    assert seller.id in signed["parties"] and signed["parties"].startswith("[{")
    assert signed["terms"].startswith("{")
    only_signed = records(table(client, "/contracts", seller, fmt, status="signed"))
    assert [r["id"] for r in only_signed] == [deals[0].contract_id]
    staff = {r["id"] for r in records(table(client, "/contracts", operator, fmt))}
    assert {d.contract_id for d in deals} <= staff
    assert staff - {d.contract_id for d in deals}  # the stranger's contract too
    assert_problem(fetch(client, "/contracts", None, fmt), 401)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_financing_needs_export_amounts_and_own_needs(
    client: TestClient, operator: Account, stranger: Account, fmt: str
) -> None:
    owner = sign_up(client)
    for n in range(3):
        post_need(client, owner, amount=f"{n + 1}00000.50", purpose=f"+{n} 流动资金")
    post_need(client, stranger)
    rows = records(table(client, "/financing-needs", owner, fmt))
    assert [r["id"] for r in rows] == [
        n["id"] for n in json_items(client, "/financing-needs", owner)
    ]
    assert len(rows) == 3 and {r["owner.id"] for r in rows} == {owner.id}
    amounts = ["100000.50", "200000.50", "300000.50"]  # XLSX: numbers, read back as floats
    assert sorted(r["amount"] for r in rows) == [a if fmt == "csv" else a[:-1] for a in amounts]
    assert {r["purpose"] for r in rows} == {f"'+{n} 流动资金" for n in range(3)}
    bank = verified_bank(client, operator)
    seen = {r["owner.id"] for r in records(table(client, "/financing-needs", bank, fmt))}
    assert {owner.id, stranger.id} <= seen


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/stats/deals", {"group_by": "month"}),
        ("/stats/financing", {"group_by": "product_type"}),
        ("/stats/services", {"group_by": "category"}),
    ],
)
def test_statistics_groups_export_anonymously(
    client: TestClient, asker: Account, fmt: str, path: str, params: dict[str, str]
) -> None:
    post_need(client, asker)
    submit(client, asker)
    make_deal(client, asker, sign_up(client))
    expected = json_items(client, path, None, **params)
    assert expected
    response = fetch(client, path, None, fmt, **params)
    assert int(response.headers["Market-Position"]) > 0
    rows = records(table(client, path, None, fmt, **params))
    assert [r["key"] for r in rows] == [_text(g["key"]) for g in expected]
    assert list(rows[0]) == list(expected[0])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_platform_figures_export_as_one_flattened_row(client: TestClient, fmt: str) -> None:
    (row,) = records(table(client, "/stats", None, fmt))
    figures = json_items(client, "/stats", None)
    assert row["contracts.sale.signed"] == str(figures["contracts"]["sale"]["signed"])
    assert row["organizations.enterprise"] == str(figures["organizations"]["enterprise"])
    assert row["activities.held.lecture"] == str(figures["activities"]["held"]["lecture"])
    assert {"services.response_rate", "financing.amount_matched", "position"} <= set(row)
    assert row["contracts.amount_by_currency"].startswith("{")


@pytest.mark.parametrize(
    "path",
    [
        "/service-requests",
        "/exhibitions/00000000-0000-0000-0000-000000000001/signups",
        "/contracts",
        "/financing-needs",
        "/stats",
        "/stats/deals?group_by=month",
        "/stats/financing?group_by=month",
        "/stats/services?group_by=month",
    ],
)
def test_an_unknown_format_is_422_naming_it(
    client: TestClient, operator: Account, path: str
) -> None:
    response = client.get(f"{API}{path}", params={"format": "pdf"}, headers=operator.auth)
    assert_problem(response, 422, field="format")


def test_the_json_answer_is_unchanged_without_format(client: TestClient, asker: Account) -> None:
    response = client.get(REQUESTS, headers=asker.auth)
    assert response.headers["content-type"].startswith("application/json")
    assert "content-disposition" not in response.headers
    assert client.get(NEEDS, headers=asker.auth).json()["items"]
