"""Documents in the browser: files uploaded with progress on the posting form, shown on the
posting with a thumbnail and downloaded whole; a bank files its business licence on its
account page and the operator sees it on the verification list; a party attaches a document
to a drafted contract and the terms show its hash."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, log_in, open_page, pick_industry
from tests.documents_support import png, unique_pdf_bytes
from tests.support import bid_body, posting_body

Shot = Callable[[Page, str], Path]
UUID = r"[0-9a-f-]{36}"


def test_a_posting_is_published_with_documents_shown_and_downloaded(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot, tmp_path: Path
) -> None:
    owner = accounts.enterprise()
    photo, spec = tmp_path / "样品照片.png", tmp_path / "技术规格.pdf"
    photo.write_bytes(png(16, 16))
    spec.write_bytes(unique_pdf_bytes("browser spec"))
    page = new_page()
    log_in(page, owner)
    open_page(page, "/postings/new")
    expect(page.get_by_role("heading", name="发布供需信息")).to_be_visible()
    page.get_by_label("标题").fill("求购不锈钢板（附规格书）")
    pick_industry(page, "C33")
    page.get_by_label("数量").fill("20")
    page.get_by_label("单位").fill("吨")
    page.get_by_label("添加附件").set_input_files([str(photo), str(spec)])
    picker = page.locator(".documents-picker")
    expect(picker.locator("li.document:not(.document--uploading)")).to_have_count(2)
    expect(picker.locator(".document__thumb[src^='data:image/png']")).to_have_count(1)
    shot(page, "posting-form-with-documents")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page).to_have_url(re.compile(rf"#/postings/{UUID}$"))
    documents = page.locator("section.documents")
    expect(documents.locator("li.document")).to_have_count(2)
    expect(documents).to_contain_text("技术规格.pdf")
    expect(documents).to_contain_text("样品照片.png")
    expect(documents.locator(".document__thumb[src^='data:image/png']")).to_have_count(1)
    shot(page, "posting-with-documents")

    visitor = new_page()  # anyone reads a public posting's documents
    visitor.goto(page.url.split("#", 1)[0] + "#" + page.url.split("#", 1)[1])
    row = visitor.locator("li.document").filter(has_text="技术规格.pdf")
    with visitor.expect_download() as info:
        row.get_by_role("button", name="下载 技术规格.pdf").click()
    download = info.value
    assert download.suggested_filename == "技术规格.pdf"
    saved = Path(download.path())
    assert (
        hashlib.sha256(saved.read_bytes()).hexdigest()
        == hashlib.sha256(spec.read_bytes()).hexdigest()
    )


def test_a_bank_files_its_licence_and_the_operator_sees_it(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot, tmp_path: Path
) -> None:
    bank = accounts.bank(verified=False)
    licence = tmp_path / "营业执照.png"
    licence.write_bytes(png(24, 16))
    page = new_page()
    log_in(page, bank)
    open_page(page, "/account")
    section = page.locator("#account-documents").locator("xpath=..")
    section.get_by_label("添加附件").set_input_files(str(licence))
    expect(
        section.locator(".documents-picker li.document:not(.document--uploading)")
    ).to_have_count(1)
    section.get_by_role("button", name="提交已上传的材料").click()
    expect(section).to_contain_text("材料已提交")
    expect(section.locator("section.documents li.document")).to_have_count(1)
    shot(page, "account-licence")

    operator = new_page()
    log_in(operator, accounts.staff("operator"))
    open_page(operator, "/operator/organizations")
    operator.get_by_label("名称或统一社会信用代码").fill(bank.name)
    row = operator.locator("tr").filter(has_text=bank.name)
    expect(row.locator("li.document")).to_contain_text("营业执照.png")
    expect(row.locator(".document__thumb[src^='data:image/png']")).to_have_count(1)
    shot(operator, "operator-sees-licence")


def test_a_party_attaches_a_document_to_a_drafted_contract(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot, tmp_path: Path
) -> None:
    seller, buyer = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", seller, json=posting_body(side="supply"))
    offer = accounts.api("POST", f"/postings/{posting['id']}/bids", buyer, json=bid_body())
    accepted = accounts.api("POST", f"/postings/{posting['id']}/bids/{offer['id']}/accept", seller)
    contract_id = accepted["contract_id"]
    standard = tmp_path / "质量标准.pdf"
    standard.write_bytes(unique_pdf_bytes("quality standard"))
    page = new_page()
    log_in(page, buyer)
    open_page(page, f"/contracts/{contract_id}")
    digest = page.locator("#contract-digest").inner_text()
    panel = page.locator("section[aria-labelledby=contract-documents]")
    panel.get_by_label("为合同添加附件").set_input_files(str(standard))
    expect(panel.locator(".documents-picker li.document")).to_have_count(1)  # (uploading or done)
    panel.get_by_role("button", name="提交已上传的材料").click()
    expect(page.locator("#contract-terms").locator("xpath=..")).to_contain_text("质量标准.pdf")
    expect(page.locator("#contract-digest")).not_to_have_text(digest)
    sha256 = hashlib.sha256(standard.read_bytes()).hexdigest()
    expect(page.locator("#view")).to_contain_text(f"SHA-256 {sha256[:16]}")
    expect(
        page.locator("section[aria-labelledby=contract-documents] section.documents")
    ).to_contain_text("质量标准.pdf")
    shot(page, "contract-with-document")
