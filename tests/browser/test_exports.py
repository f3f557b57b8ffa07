""" "下载 CSV / Excel" on the exportable list pages (web/downloads.js): the download carries the
page's filters and the session token, and the file holds what the list shows; "下载 PDF" on
a contract's page."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.api.financing_helpers import need_body
from tests.browser.accounts import Accounts, log_in, open_page
from tests.pdf_text import pdf_text
from tests.support import bid_body, posting_body

Shot = Callable[[Page, str], Path]


def asked(title: str, urgency: str) -> dict[str, str]:
    return {
        "category": "legal",
        "title": title,
        "description": "导出测试 export test",
        "urgency": urgency,
    }


def test_my_requests_download_as_csv_and_excel_with_the_filters_shown(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot, tmp_path: Path
) -> None:
    enterprise, other = accounts.enterprise(), accounts.enterprise()
    accounts.api("POST", "/service-requests", enterprise, json=asked("=1+1 紧急诉求", "urgent"))
    accounts.api("POST", "/service-requests", enterprise, json=asked("一般诉求", "general"))
    accounts.api("POST", "/service-requests", other, json=asked("别人的紧急诉求", "urgent"))
    page = new_page()
    log_in(page, enterprise)
    open_page(page, "/requests")
    page.get_by_label("紧急程度").select_option("urgent")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("一般诉求")).to_have_count(0)

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="下载 CSV").click()
    assert csv_download.value.suggested_filename == "service-requests.csv"
    data = Path(csv_download.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode())
    header, *rows = data.decode("utf-8-sig").splitlines()
    assert header.startswith("id,enterprise.id,enterprise.name,category,title,")
    assert len(rows) == 1 and "'=1+1 紧急诉求" in rows[0] and enterprise.id in rows[0]

    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="下载 Excel").click()
    assert xlsx_download.value.suggested_filename == "service-requests.xlsx"
    workbook = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    titles = [row[4] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert titles == ["'=1+1 紧急诉求"]
    shot(page, "requests-downloads")


def test_the_financing_board_downloads_every_need_for_a_verified_bank(
    new_page: Callable[..., Page], accounts: Accounts
) -> None:
    owner, bank = accounts.enterprise(), accounts.bank()
    need = need_body(amount="880000.00", purpose="+导出测试资金")
    created = accounts.api("POST", "/financing-needs", owner, json=need)
    page = new_page()
    log_in(page, bank)
    open_page(page, "/financing")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    assert download.value.suggested_filename == "financing-needs.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    line = next(row for row in text.splitlines() if row.startswith(created["id"]))
    assert "'+导出测试资金" in line and "880000.00" in line


def test_the_statistics_page_downloads_the_overview_and_each_chart(
    new_page: Callable[..., Page],
) -> None:
    page = new_page()
    open_page(page, "/stats")
    with page.expect_download() as overview:
        page.get_by_role("button", name="下载 CSV: 概览").click()
    assert overview.value.suggested_filename == "stats.csv"
    header, row = Path(overview.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert "contracts.sale.signed" in header.split(",") and row
    with page.expect_download() as chart:
        page.get_by_role("button", name="下载 Excel: 按月份的成交额").click()
    assert chart.value.suggested_filename == "stats-deals-by-month.xlsx"
    sheet = load_workbook(io.BytesIO(Path(chart.value.path()).read_bytes())).worksheets[0]
    assert next(sheet.iter_rows(max_row=1, values_only=True))[:2] == ("key", "contracts")


def test_staff_download_an_exhibitions_signups(
    new_page: Callable[..., Page], accounts: Accounts
) -> None:
    operator, joining = accounts.staff("operator"), [accounts.enterprise() for _ in range(2)]
    starts_at = datetime.now(UTC) + timedelta(days=14)
    exhibition = accounts.api(
        "POST",
        "/exhibitions",
        operator,
        json={
            "name": "导出测试展会",
            "venue": "杭州国际博览中心",
            "online": False,
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(days=2)).isoformat(),
            "capacity": 10,
            "signup_deadline": (starts_at - timedelta(days=3)).isoformat(),
        },
    )
    for account in joining:
        accounts.api("POST", f"/exhibitions/{exhibition['id']}/signups", account)
    page = new_page()
    log_in(page, operator)
    open_page(page, f"/exhibitions/{exhibition['id']}")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV: 报名名单").click()
    assert download.value.suggested_filename == f"signups-{exhibition['id']}.csv"
    header, *rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("exhibition_id,organization.id,organization.name,status")
    assert [row.split(",")[1] for row in rows] == [account.id for account in joining]


def test_a_party_downloads_the_contract_as_pdf(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    """ "下载 PDF" on the contract page (web/pages/contract.js): the document with both parties,
    the amount in capitals, and no signature yet."""
    buyer, seller = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", buyer, json=posting_body())
    body = bid_body(unit_price="10100.00", quantity="10")  # 101,000: a zero at the 万 place
    placed = accounts.api("POST", f"/postings/{posting['id']}/bids", seller, json=body)
    accepted = accounts.api(
        "POST", f"/postings/{posting['id']}/bids/{placed['id']}/accept", buyer, json={}
    )
    contract_id = accepted["contract_id"]
    page = new_page()
    log_in(page, seller)
    open_page(page, f"/contracts/{contract_id}")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 PDF").click()
    assert download.value.suggested_filename == f"contract-{contract_id}.pdf"
    text = pdf_text(Path(download.value.path()).read_bytes())
    for party in (buyer, seller):
        assert party.name in text and party.credit_code in text
    capitals = page.locator(".fact", has_text="金额（大写）").locator("dd")
    expect(capitals).to_have_text("壹拾万零壹仟元整")  # web/format.js, as the PDF writes it
    assert "人民币壹拾万零壹仟元整" in text and "CNY 101,000.00" in text
    assert text.count("未签署 / not signed") == 2
    shot(page, "contract-pdf")
