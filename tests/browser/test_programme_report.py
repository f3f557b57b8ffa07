"""The programme report page (#/reports/programme) for an auditor: the table for the period
picked, the same figures as GET /reports/programme, and the Excel and PDF downloads holding
them."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, log_in, open_page
from tests.pdf_text import pdf_text, squeezed

Shot = Callable[[Page, str], Path]


def test_an_auditor_reads_and_downloads_the_programme_report(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    enterprise, auditor = accounts.enterprise(), accounts.staff("auditor")
    accounts.api(
        "POST",
        "/service-requests",
        enterprise,
        json={
            "category": "legal",
            "title": "报表测试诉求",
            "description": "报表",
            "urgency": "general",
        },
    )
    page = new_page()
    log_in(page, auditor)
    open_page(page, "/reports/programme")
    expect(page.get_by_role("heading", name="项目报表", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="下载 CSV")).to_have_count(0)
    start = date(date.today().year - 1, 1, 1).isoformat()
    end = date(date.today().year + 1, 12, 31).isoformat()
    page.get_by_label("起始日期").fill(start)
    page.get_by_label("截止日期").fill(end)
    page.get_by_role("button", name="查看").click()
    report = accounts.api("GET", "/reports/programme", auditor, params={"from": start, "to": end})
    served = next(s for s in report["sections"] if s["key"] == "enterprises")["figures"][0]
    assert served["value"] >= 1
    row = page.locator('tr[data-figure="enterprises.served"]')
    expect(row).to_contain_text(served["label"]["zh"])
    expect(row.locator("td")).to_have_text(str(served["value"]))
    received = page.locator('tr[data-figure="service_requests.received"] td')
    expect(received).not_to_have_text("0")

    with page.expect_download() as download:
        page.get_by_role("button", name="下载 Excel").click()
    assert download.value.suggested_filename == f"programme-report-{start}-{end}.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    figures = [(s["key"], f) for s in report["sections"] for f in s["figures"]]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (k, f["key"], f["label"]["zh"]) for k, f in figures
    ]
    by_key = {(r[0], r[1]): r[4] for r in rows}
    assert Decimal(str(by_key[("enterprises", "served")])) == served["value"]

    with page.expect_download() as pdf:
        page.get_by_role("button", name="下载 PDF").click()
    assert pdf.value.suggested_filename == f"programme-report-{start}-{end}.pdf"
    text = squeezed(pdf_text(Path(pdf.value.path()).read_bytes()))
    label = served["label"]
    assert squeezed(f"{label['zh']}{label['en']}{served['value']}") in text
    shot(page, "programme-report")
