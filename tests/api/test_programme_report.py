"""`GET /reports/programme` (API.md, "Contract document and programme report"): a small known
history written over HTTP (and one service request straight through the aggregate, at a chosen
time), then the report's figures for several periods, its roles, its validation and its XLSX.
The figures over a long generated history are checked against an independent fold of the log
in tests/integration/test_stats_fold.py."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from aggregates.service_request import ServiceRequest
from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import (
    NEEDS,
    accept,
    make_offer,
    post_need,
    sign_contract,
    verified_bank,
)
from tests.api.helpers import API, assert_problem, head, no_new_events
from tests.api.service_request_helpers import submit
from tests.api.stats_helpers import make_deal, sign_all
from tests.api.test_exhibitions import schedule
from tests.api.test_policies import publish as publish_policy
from tests.api.test_stats import shifted_clock
from tests.pdf_text import PDF, pdf_text, squeezed

__all__ = ["shifted_clock"]  # the fixture, used by name

REPORT = f"{API}/reports/programme"
CST = timezone(timedelta(hours=8))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class History:
    today: date  # the CST day the history was written on (give or take a midnight)
    activity_day: date  # the CST day the activities start on
    enterprises: list[Account]
    sale_amount: Decimal
    position: int


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """`section.figure` → value."""
    return {f"{s['key']}.{f['key']}": f["value"] for s in report["sections"] for f in s["figures"]}


def read(
    client: TestClient, account: Account, start: date, end: date, **params: Any
) -> dict[str, Any]:
    query = {"from": start.isoformat(), "to": end.isoformat(), **params}
    response = client.get(REPORT, params=query, headers=account.auth)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    assert int(response.headers["Market-Position"]) == data["position"]
    return data


def check_in(client: TestClient, operator: Account, activity: str, who: Account, n: int) -> None:
    url = f"{API}/exhibitions/{activity}"
    joined = client.post(f"{url}/signups", json={"attendees": n}, headers=who.auth)
    assert joined.status_code == 201, joined.text
    body: dict[str, Any] = {"organization_id": who.id}
    if n > 1:
        body["attended"] = n - 1
    checked = client.post(f"{url}/check-ins", json=body, headers=operator.auth)
    assert checked.status_code == 201, checked.text


@pytest.fixture(scope="module")
def history(client: TestClient, services: Services, operator: Account) -> History:
    """Five enterprises act today: e1 posts and e2 bids (a signed sale contract), e3 asks for
    financing (matched, loan signed, 1,500,000 disbursed), e4 signs up for a lecture (3 seats,
    2 attended), e5 asks for a service; e1 also takes part in an exhibition. The bank offers
    and disburses, which serves no enterprise by itself. One policy is published."""
    e1, e2, e3, e4, e5 = (sign_up(client) for _ in range(5))
    deal = make_deal(client, e1, e2)
    sign_all(client, deal)
    bank = verified_bank(client, operator)
    need = post_need(client, e3)
    offer = make_offer(client, bank, need["id"])
    accepted = accept(client, e3, need["id"], offer["id"])
    sign_contract(client, accepted["contract_id"], e3, bank)
    paid = client.post(
        f"{NEEDS}/{need['id']}/disburse", json={"amount": "1500000.00"}, headers=bank.auth
    )
    assert paid.status_code == 200, paid.text
    lecture = schedule(client, operator, kind="lecture", capacity=10)
    fair = schedule(client, operator, kind="exhibition", capacity=10)
    check_in(client, operator, lecture["id"], e4, 3)
    check_in(client, operator, fair["id"], e1, 1)
    submit(client, e5)
    publish_policy(client, operator)
    starts = datetime.fromisoformat(lecture["starts_at"]).astimezone(CST).date()
    assert starts == datetime.fromisoformat(fair["starts_at"]).astimezone(CST).date()
    return History(
        datetime.now(CST).date(),
        starts,
        [e1, e2, e3, e4, e5],
        Decimal("15000.00") * 500,
        head(services),
    )


def test_the_report_of_the_days_the_history_was_written(
    client: TestClient, auditor: Account, history: History
) -> None:
    day = timedelta(days=1)
    start, end = history.today - day, history.today + day
    report = read(client, auditor, start, end, min_position=history.position)
    assert (report["from"], report["to"]) == (start.isoformat(), end.isoformat())
    assert report["position"] >= history.position
    got = figures(report)
    assert got["enterprises.served"] == 5
    assert (got["service_requests.received"], got["service_requests.closed"]) == (1, 0)
    assert got["service_requests.response_rate"] is None  # nothing dispatched
    assert got["policies.published"] == 1
    assert (got["supply_demand.postings"], got["supply_demand.deals"]) == (1, 1)
    assert Decimal(got["supply_demand.deal_amount"]) == history.sale_amount
    assert (got["financing.needs"], got["financing.matched"]) == (1, 1)
    assert Decimal(got["financing.amount_matched"]) == Decimal("1500000")
    assert Decimal(got["financing.amount_disbursed"]) == Decimal("1500000")
    assert got["financing.enterprises_financed"] == 1
    assert (got["contracts.sale_signed"], got["contracts.loan_signed"]) == (1, 1)
    assert Decimal(got["contracts.sale_amount"]) == history.sale_amount
    assert Decimal(got["contracts.loan_amount"]) == Decimal("1500000")
    # The activities start in two weeks: none held yet, none in these days.
    assert got["activities.lectures"] == got["exhibitions.held"] == 0
    assert got["activities.participants"] == got["activities.trained"] == 0


def test_activities_count_on_the_day_they_start_once_started(
    client: TestClient, operator: Account, history: History, shifted_clock: Any
) -> None:
    start = history.today + timedelta(days=2)
    end = history.activity_day
    before = figures(read(client, operator, start, end, min_position=history.position))
    assert before["activities.lectures"] == 0  # not started yet
    shifted_clock(20)
    got = figures(read(client, operator, start, end))
    assert (got["activities.lectures"], got["activities.exhibitions"]) == (1, 1)
    assert (got["activities.matchmaking"], got["activities.trainings"]) == (0, 0)
    assert got["activities.participants"] == 2 + 1
    assert got["activities.trained"] == 2
    assert (got["exhibitions.held"], got["exhibitions.exhibitors"]) == (1, 1)
    # Everything else happened before the period.
    assert got["enterprises.served"] == got["supply_demand.postings"] == 0
    assert got["contracts.sale_signed"] == got["financing.needs"] == 0
    after = figures(read(client, operator, end + timedelta(days=1), end + timedelta(days=9)))
    assert after["activities.lectures"] == after["activities.participants"] == 0


def test_days_are_china_standard_time(
    client: TestClient, services: Services, operator: Account, history: History
) -> None:
    """A request submitted at 00:30 on 1 March 2031 in China (28 February in UTC)."""
    enterprise = UUID(history.enterprises[4].id)
    request = ServiceRequest.submit(
        enterprise,
        datetime(2031, 2, 28, 16, 30, tzinfo=UTC),
        category="legal",
        title="劳动合同审查",
        description="请审查劳动合同模板",
        urgency="timely",
        region="330106",
        product_id=None,
    )
    services.app.save(request)
    position = head(services)
    march = figures(
        read(client, operator, date(2031, 3, 1), date(2031, 3, 1), min_position=position)
    )
    assert (march["enterprises.served"], march["service_requests.received"]) == (1, 1)
    february = figures(read(client, operator, date(2031, 2, 28), date(2031, 2, 28)))
    assert (february["enterprises.served"], february["service_requests.received"]) == (0, 0)


def test_every_figure_has_zh_and_en_labels(
    client: TestClient, operator: Account, history: History
) -> None:
    report = read(client, operator, history.today, history.today)
    keys = [s["key"] for s in report["sections"]]
    assert keys == [
        "enterprises",
        "service_requests",
        "policies",
        "activities",
        "supply_demand",
        "financing",
        "exhibitions",
        "contracts",
    ]
    for item in [*report["sections"], *(f for s in report["sections"] for f in s["figures"])]:
        assert item["label"]["zh"] and item["label"]["en"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in item["label"]["zh"])


def test_xlsx_holds_the_same_figures(
    client: TestClient, auditor: Account, history: History
) -> None:
    start, end = history.today - timedelta(days=1), history.today + timedelta(days=1)
    report = read(client, auditor, start, end, min_position=history.position)
    params = {"from": start.isoformat(), "to": end.isoformat(), "format": "xlsx"}
    response = client.get(REPORT, params=params, headers=auditor.auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert "attachment" in response.headers["content-disposition"]
    assert int(response.headers["Market-Position"]) >= report["position"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("section", "figure", "指标", "figure (en)", "value")
    expected = [
        (s["key"], f["key"], f["label"]["zh"], f["label"]["en"], f["value"])
        for s in report["sections"]
        for f in s["figures"]
    ]
    assert len(rows) - 1 == len(expected)
    for row, want in zip(rows[1:], expected, strict=True):
        assert row[:4] == want[:4]
        if want[4] is None:
            assert row[4] is None
        else:
            assert isinstance(row[4], int | float)  # a number cell
            assert Decimal(str(row[4])) == Decimal(str(want[4]))


@pytest.mark.parametrize("kind", ["enterprise", "bank", "provider"])
def test_only_operators_and_auditors(client: TestClient, kind: str) -> None:
    account = sign_up(
        client, kind, **({"service_categories": ["legal"]} if kind == "provider" else {})
    )
    params = {"from": "2026-01-01", "to": "2026-12-31"}
    response = client.get(REPORT, params=params, headers=account.auth)
    assert_problem(response, 403)
    assert_problem(client.get(REPORT, params=params), 401)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-01", "to": "2026-01-31"}, "from"),
        ({"to": "2026-01-31"}, "from"),
        ({"from": "2026-01-01"}, "to"),
        ({"from": "2026-13-01", "to": "2026-12-31"}, "from"),
        ({"from": "2026-01-01", "to": "2026-12-31", "format": "csv"}, "format"),
    ],
)
def test_bad_periods_and_formats_answer_422(
    client: TestClient, services: Services, operator: Account, params: dict[str, str], field: str
) -> None:
    with no_new_events(services):
        response = client.get(REPORT, params=params, headers=operator.auth)
    assert_problem(response, 422, field=field)


def test_pdf_holds_the_same_figures(
    client: TestClient, operator: Account, history: History
) -> None:
    report = read(client, operator, history.today, history.today, min_position=history.position)
    params = {"from": history.today.isoformat(), "to": history.today.isoformat(), "format": "pdf"}
    response = client.get(REPORT, params=params, headers=operator.auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PDF
    assert "attachment" in response.headers["content-disposition"]
    position = int(response.headers["Market-Position"])
    lines = pdf_text(response.content).splitlines()
    assert f"日志位置 Log position {position}" in lines
    assert any(history.today.isoformat() in line and "Period" in line for line in lines)
    values = [f["value"] for s in report["sections"] for f in s["figures"]]
    assert any(isinstance(v, str) and "." in v for v in values)  # amounts and rates too
    for section in report["sections"]:
        assert f"{section['label']['zh']}  {section['label']['en']}" in lines
        for figure in section["figures"]:
            row = f"{figure['label']['zh']} {figure['label']['en']} {value_text(figure)}"
            assert row in lines or _wrapped(row, lines), row


def _wrapped(row: str, lines: list[str]) -> bool:
    """A long English label wraps in its cell: the row's text is there without line breaks."""
    return squeezed(row) in squeezed("".join(lines))


def value_text(figure: dict[str, Any]) -> str:
    """As the JSON has it; a rate with its percentage."""
    value = figure["value"]
    if value is None:
        return "—（无 / none）"
    if figure["key"].endswith("_rate"):
        return f"{value} ({Decimal(value) * 100:.2f}%)"
    return str(value)
