"""Fit for a service centre (issue 17): binding acts ask again, numbers are taken as people type
them and sent exact, and refusals name the field as the form does, in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, Credentials, log_in, open_page
from tests.support import bid_body, posting_body

Shot = Callable[[Page, str], Path]


def drafted_sale(accounts: Accounts) -> tuple[Credentials, Credentials, dict[str, object]]:
    buyer, seller = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", buyer, json=posting_body(quantity="200"))
    bids = f"/postings/{posting['id']}/bids"
    bid = accounts.api("POST", bids, seller, json=bid_body(unit_price="14650", quantity="200"))
    accepted = accounts.api("POST", f"{bids}/{bid['id']}/accept", buyer, json={})
    contract = accounts.api("GET", f"/contracts/{accepted['contract_id']}", buyer)
    return buyer, seller, contract


def test_a_wrong_password_on_signing_writes_nothing(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    buyer, seller, contract = drafted_sale(accounts)
    page = new_page()
    log_in(page, buyer)
    open_page(page, f"/contracts/{contract['id']}")
    amount = page.locator(".fact").filter(has=page.get_by_text("合同金额", exact=True))
    expect(amount.locator("dd")).to_have_text("¥2,930,000.00")
    page.get_by_role("button", name="签署合同").click()
    dialog = page.get_by_role("dialog")
    for shown in (
        seller.name,
        "卖方",
        "¥2,930,000.00",
        "贰佰玖拾叁万元整",
        str(contract["digest"]),
    ):
        expect(dialog).to_contain_text(shown)
    dialog.get_by_label("密码").fill("not-the-password-2026")
    dialog.get_by_role("button", name="确认签署").click()
    expect(dialog.get_by_role("alert")).to_contain_text("密码不正确，未执行任何操作")
    shot(page, "sign-wrong-password")
    after = accounts.api("GET", f"/contracts/{contract['id']}", buyer)
    assert after["version"] == contract["version"]
    assert all(party["signed_at"] is None for party in after["parties"])  # type: ignore[union-attr]

    dialog.get_by_label("密码").fill(buyer.password)
    dialog.get_by_role("button", name="确认签署").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_text("您已签署，等待对方签署。")).to_be_visible()


def test_cancelling_the_confirmation_writes_nothing(
    new_page: Callable[..., Page], accounts: Accounts
) -> None:
    buyer, seller = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", buyer, json=posting_body(quantity="3"))
    bid = bid_body(unit_price="14650.5", quantity="3")
    accounts.api("POST", f"/postings/{posting['id']}/bids", seller, json=bid)
    page = new_page()
    log_in(page, buyer)
    open_page(page, f"/postings/{posting['id']}")
    row = page.locator("tr", has_text=seller.name)
    expect(row).to_contain_text("¥14,650.50")
    row.get_by_role("button", name="接受").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("¥43,951.50")  # 14,650.50 × 3, to the fen
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_have_count(0)
    assert accounts.api("GET", f"/postings/{posting['id']}", buyer)["status"] == "open"


def test_numbers_are_taken_as_people_type_them_and_sent_exact(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner, seller = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", owner, json=posting_body(price_max="20000"))
    page = new_page(mobile=True)
    log_in(page, seller)
    open_page(page, f"/postings/{posting['id']}")
    page.get_by_label("报价单价").fill("１４，６５０")  # full-width digits and comma
    page.get_by_label("数量").fill("1.5万")
    shot(page, "bid-typed-the-everyday-way")
    page.get_by_role("button", name="提交报价").click()
    row = page.locator("section.trade-bids tbody tr")
    expect(row).to_contain_text("¥14,650.00")
    expect(row).to_contain_text("15,000")
    (bid,) = accounts.api("GET", f"/postings/{posting['id']}/bids", seller)["items"]
    assert (bid["unit_price"], bid["quantity"]) in {("14650.00", "15000"), ("14650", "15000")}


def test_refusals_name_the_field_as_the_form_does_in_the_readers_language(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner, seller = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", owner, json=posting_body())
    page = new_page()
    log_in(page, seller)
    open_page(page, f"/postings/{posting['id']}")
    page.get_by_label("报价单价").fill("0")
    page.get_by_role("button", name="提交报价").click()
    refusal = page.locator(".trade-bid-form .notice--error")
    expect(refusal).to_contain_text("报价单价（元）：")
    expect(refusal).not_to_contain_text("unit_price")
    expect(refusal.locator(".notice__field")).not_to_contain_text(re.compile("[A-Za-z]"))
    shot(page, "refusal-in-chinese")

    page.get_by_label("语言").select_option("en")
    open_page(page, f"/postings/{posting['id']}")
    page.get_by_label("Unit price").fill("0")
    page.get_by_role("button", name="Submit bid").click()
    refusal = page.locator(".trade-bid-form .notice--error")
    expect(refusal).to_contain_text("Unit price (CNY): ")
    expect(refusal).not_to_contain_text(re.compile("[\u4e00-\u9fff]"))
    shot(page, "refusal-in-english")
