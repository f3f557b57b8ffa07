"""Financing pages: a need posted, found on the board, offered on, accepted live, disbursed;
the unverified bank's notice; bank products; overdue needs highlighted on the board."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accounts import (
    Accounts,
    Credentials,
    add_regions,
    confirm_binding,
    log_in,
    open_page,
    pick_region,
)
from tests.browser.conftest import LiveServer

Shot = Callable[[Page, str], Path]
NEED_URL = re.compile(r"#/financing/([0-9a-f-]{36})$")


def unique_amount() -> str:
    """An amount no other need of the run has, so a board filter finds just this one."""
    return str(random.randrange(10_000, 90_000) * 100)


def post_need(accounts: Accounts, owner: Credentials, **overrides: Any) -> dict[str, Any]:
    body = {
        "amount": unique_amount(),
        "term_months": 12,
        "purpose": f"采购原材料周转 {random.randrange(10**6)}",
        "product_type": "credit_loan",
        "region": "330106",
    }
    body.update(overrides)
    need: dict[str, Any] = accounts.api("POST", "/financing-needs", owner, json=body)
    return need


def need_card(page: Page, purpose: str) -> Any:
    return page.locator("article.financing-need").filter(has_text=purpose)


def filter_board_by_amount(page: Page, amount: str) -> None:
    page.get_by_label("最低金额（元）", exact=True).fill(amount)
    page.get_by_label("最高金额（元）", exact=True).fill(amount)
    page.get_by_role("button", name="筛选").click()


def test_a_need_is_posted_offered_on_accepted_and_disbursed(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    enterprise, bank = accounts.enterprise(), accounts.bank()
    amount = unique_amount()
    purpose = f"扩大订单生产，采购钢材 {random.randrange(10**6)}"
    product = f"订单快贷 {random.randrange(10**6)}"
    accounts.api(
        "POST",
        "/bank-products",
        bank,
        json={
            "name": product,
            "product_type": "order_financing",
            "amount_min": "100000",
            "amount_max": "50000000",
            "term_min": 6,
            "term_max": 24,
            "rate_min": "3.1",
            "rate_max": "4.9",
            "regions": ["33"],
        },
    )

    owner = new_page(mobile=True)
    log_in(owner, enterprise)
    open_page(owner, "/financing")
    expect(owner.get_by_role("heading", name="我的融资需求")).to_be_visible()
    shot(owner, "own-needs")
    owner.get_by_role("link", name="发布融资需求").click()
    expect(owner.get_by_role("heading", name="发布融资需求")).to_be_visible()
    owner.get_by_label("金额（元）", exact=True).fill(amount)
    expect(owner.locator(".financing-amount-preview")).to_contain_text(f"¥{int(amount):,}.00（")
    owner.get_by_label("期限（月）", exact=True).fill("12")
    owner.get_by_label("产品类型").select_option(label="订单融资")
    owner.get_by_label("融资用途").fill(purpose)
    pick_region(owner, "330106")
    shot(owner, "need-form")
    owner.get_by_role("button", name="发布需求").click()
    expect(owner).to_have_url(NEED_URL)
    found = NEED_URL.search(owner.url)
    assert found
    need_id = found.group(1)
    expect(owner.locator(".financing-summary")).to_contain_text(purpose)
    expect(owner.locator(".financing-summary")).to_contain_text("征集中")
    expect(owner.get_by_text("还没有银行报价")).to_be_visible()
    match = owner.locator(".financing-match").filter(has_text=product)
    expect(match).to_contain_text(re.compile(r"匹配度 \d+%"))
    expect(owner.locator("#view")).not_to_contain_text("null")
    shot(owner, "need-without-offers")

    lender = new_page()
    log_in(lender, bank)
    open_page(lender, "/financing")
    expect(lender.get_by_role("heading", name="融资需求大厅")).to_be_visible()
    filter_board_by_amount(lender, amount)
    expect(lender.locator("article.financing-need")).to_have_count(1)
    expect(need_card(lender, purpose)).to_contain_text("订单融资")
    shot(lender, "board-filtered")
    lender.get_by_role("link", name=purpose).click()
    expect(lender.get_by_role("heading", name="提交报价")).to_be_visible()
    lender.get_by_label("金额（元）", exact=True).fill(amount)
    lender.get_by_label("年化利率（%）").fill("3.65")
    lender.get_by_label("期限（月）", exact=True).fill("12")
    lender.get_by_label("附加条件（选填）").fill("以订单应收账款作为还款来源")
    shot(lender, "offer-form")
    lender.get_by_role("button", name="提交报价").click()
    expect(lender.get_by_text("报价已提交。")).to_be_visible()
    expect(lender.locator("section", has_text="我行的报价")).to_contain_text("3.65%")
    expect(lender.get_by_role("heading", name="提交报价")).to_be_hidden()
    shot(lender, "offer-made")

    # The owner's page has been open all along: the offer arrives over the live stream.
    offers = owner.locator(".financing-offer-table")
    expect(offers).to_contain_text(bank.name)
    expect(offers).to_contain_text("3.65%")
    expect(offers.locator(".financing-offer--best")).to_contain_text("最低利率")
    shot(owner, "offer-arrived-live")
    owner.get_by_role("button", name="接受报价").click()
    confirm_binding(owner, shows=(bank.name, f"¥{int(amount):,}.00", "3.65%", "12 个月"))
    expect(owner.get_by_text("已接受报价，借款合同已生成")).to_be_visible()
    expect(owner.locator(".financing-summary")).to_contain_text("已匹配")
    contract_id = accounts.api("GET", f"/financing-needs/{need_id}", enterprise)["contract_id"]
    expect(owner.get_by_role("link", name="查看借款合同")).to_have_attribute(
        "href", f"#/contracts/{contract_id}"
    )
    shot(owner, "offer-accepted")

    contract = accounts.api("GET", f"/contracts/{contract_id}", enterprise)
    for party in (bank, enterprise):
        accounts.api(
            "POST", f"/contracts/{contract_id}/sign", party, json={"digest": contract["digest"]}
        )

    disburse = lender.locator("section", has=lender.locator("#disburse-form"))
    expect(disburse.locator(".financing-contract-status")).to_contain_text("已签署")
    disburse.get_by_label("放款金额（元）").fill(str(int(amount) * 2))
    disburse.get_by_role("button", name="确认放款").click()
    dialog = lender.get_by_role("dialog")
    expect(dialog).to_contain_text(enterprise.name)
    expect(dialog).to_contain_text(contract["digest"])
    dialog.get_by_label("密码").fill(bank.password)
    dialog.get_by_role("button", name="确认放款").click()
    expect(dialog.get_by_role("alert")).to_contain_text("超过已接受报价的金额")
    shot(lender, "disbursement-refused")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_have_count(0)
    # Typed the everyday way: "1,200,000" or "120万" is sent as the plain decimal.
    typed = f"{int(amount) // 10000}万" if int(amount) % 10000 == 0 else f"{int(amount):,}"
    disburse.get_by_label("放款金额（元）").fill(typed)
    disburse.get_by_role("button", name="确认放款").click()
    confirm_binding(lender, shows=(f"¥{int(amount):,}.00",), password=bank.password)
    expect(lender.get_by_text("放款已登记。")).to_be_visible()
    expect(lender.locator(".financing-summary")).to_contain_text("已放款")
    shot(lender, "disbursed")
    expect(owner.locator(".financing-summary")).to_contain_text("已放款")
    shot(owner, "disbursed-seen-by-owner")


def test_an_unverified_bank_is_told_to_wait_and_its_offer_is_refused(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    need = post_need(accounts, accounts.enterprise())
    bank = accounts.bank(verified=False)
    page = new_page()
    log_in(page, bank)
    open_page(page, "/financing")
    expect(page.get_by_text("贵行正在等待平台认证")).to_be_visible()
    expect(page.get_by_role("button", name="筛选")).to_have_count(0)
    shot(page, "board-unverified")

    open_page(page, f"/financing/{need['id']}")
    expect(page.get_by_text("贵行正在等待平台认证")).to_be_visible()
    expect(page.get_by_text(need["purpose"])).to_have_count(0)
    form = page.locator("#offer-form")
    form.get_by_label("金额（元）", exact=True).fill("1000000")
    form.get_by_label("年化利率（%）").fill("4.1")
    form.get_by_label("期限（月）", exact=True).fill("12")
    form.get_by_role("button", name="提交报价").click()
    refusal = page.locator("section", has=form).get_by_role("alert")
    expect(refusal).to_have_text("该银行尚未通过平台认证")
    shot(page, "offer-refused")

    # Verified meanwhile: the board opens although the session still says "unverified".
    accounts.services.app.verify_organization(UUID(bank.id))
    open_page(page, "/financing")
    expect(page.get_by_role("button", name="筛选")).to_be_visible()
    expect(page.get_by_text("贵行正在等待平台认证")).to_have_count(0)
    shot(page, "board-after-verification")


def test_a_verified_bank_publishes_a_product_listed_publicly(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    bank = accounts.bank()
    name = f"订单贷 {random.randrange(10**6)}"
    page = new_page()
    log_in(page, bank)
    open_page(page, "/bank-products")
    form = page.locator("#product-form")
    form.get_by_label("产品名称").fill(name)
    form.get_by_label("产品类型").select_option(label="仓单质押")
    form.get_by_label("最低额度").fill("500000")
    form.get_by_label("最高额度").fill("20000000")
    form.get_by_label("最短期限").fill("3")
    form.get_by_label("最长期限").fill("36")
    form.get_by_label("最低利率").fill("3.2")
    form.get_by_label("最高利率").fill("5.8")
    # Regions are picked by name, not typed as codes; a wrong one is taken off again.
    add_regions(form, "33", "3201", "44")
    chips = form.locator(".picker__chip > span")
    expect(chips).to_have_text(["浙江省", "江苏省 南京市", "广东省"])
    form.get_by_role("button", name="移除广东省").click()
    expect(chips).to_have_count(2)
    shot(page, "product-form")
    form.get_by_role("button", name="发布产品").click()
    expect(page.get_by_text("产品已发布。")).to_be_visible()
    own = page.locator("section", has=page.get_by_role("heading", name="我行的产品"))
    expect(own).to_contain_text(name)
    shot(page, "product-published")

    visitor = new_page(mobile=True)
    open_page(visitor, "/bank-products")
    visitor.get_by_label("产品类型").select_option(label="仓单质押")
    pick_region(visitor, "330106")
    visitor.get_by_role("button", name="筛选").click()
    card = visitor.locator("article.financing-product").filter(has_text=name)
    expect(card).to_contain_text(bank.name)
    expect(card).to_contain_text("3.2% – 5.8%")
    expect(card).to_contain_text("¥500,000.00")
    expect(card).to_contain_text("浙江省、江苏省 南京市")
    shot(visitor, "products-public")
    visitor.get_by_label("语言").select_option("en")
    expect(visitor.get_by_role("heading", name="Bank products")).to_be_visible()
    english = visitor.locator("article.financing-product").filter(has_text=name)
    expect(english).to_contain_text("Warehouse receipt")
    expect(english).to_contain_text("3 – 36 months")
    shot(visitor, "products-english")

    # The bank revises its product, then retires it (after confirming): gone from the list.
    mine = own.locator("article.financing-product").filter(has_text=name)
    mine.get_by_role("button", name=f"修改 {name}").click()
    expect(mine.locator(".picker__chip > span")).to_have_text(["浙江省", "江苏省 南京市"])
    mine.get_by_label("最高利率").fill("5.5")
    mine.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text(f"已修改产品：{name}")).to_be_visible()
    expect(mine).to_contain_text("3.2% – 5.5%")
    shot(page, "product-revised")
    mine.get_by_role("button", name=f"下架 {name}").click()
    confirm_binding(page, shows=(name, "仓单质押"))
    expect(page.get_by_text("产品已下架。")).to_be_visible()
    expect(own.locator("article.financing-product").filter(has_text=name)).to_have_count(0)
    open_page(visitor, "/bank-products")
    expect(visitor.locator("article.financing-product").filter(has_text=name)).to_have_count(0)


def test_needs_without_an_offer_after_the_response_time_stand_out(
    new_page: Callable[..., Page],
    accounts: Accounts,
    live_server: LiveServer,
    shot: Shot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enterprise, bank = accounts.enterprise(), accounts.bank()
    amount = unique_amount()
    waiting = post_need(accounts, enterprise, amount=amount)
    answered = post_need(accounts, enterprise, amount=amount)
    accounts.api(
        "POST",
        f"/financing-needs/{answered['id']}/offers",
        bank,
        json={"amount": amount, "annual_rate": "4.2", "term_months": 12},
    )
    page = new_page()
    log_in(page, bank)
    open_page(page, "/financing")
    filter_board_by_amount(page, amount)
    expect(page.locator("article.financing-need")).to_have_count(2)
    expect(page.locator(".financing-need--overdue")).to_have_count(0)
    shot(page, "board-within-response-time")

    # Eight days on (the window is the default seven): only the need nobody answered is late.
    days = live_server.services.settings.financing_response_days
    later = datetime.now(UTC) + timedelta(days=days + 1)
    monkeypatch.setattr(live_server.services.app, "clock", lambda: later)
    page.get_by_role("button", name="筛选").click()
    late = need_card(page, waiting["purpose"])
    expect(late).to_have_class(re.compile("financing-need--overdue"))
    expect(late).to_contain_text("超期未获报价")
    expect(need_card(page, answered["purpose"])).not_to_have_class(
        re.compile("financing-need--overdue")
    )
    expect(need_card(page, answered["purpose"])).not_to_contain_text("超期未获报价")
    shot(page, "board-overdue")
    page.get_by_label("只看超期未获报价的需求").check()
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("article.financing-need")).to_have_count(1)
    expect(need_card(page, waiting["purpose"])).to_be_visible()
    late.get_by_role("link").click()
    expect(page.locator(".financing-summary")).to_contain_text("超期未获报价")
    shot(page, "need-overdue")

    # Staff read the same board; offers stay sealed from them.
    auditor = new_page(mobile=True)
    log_in(auditor, accounts.staff("auditor"))
    open_page(auditor, f"/financing?overdue=true&amount_min={amount}&amount_max={amount}")
    expect(auditor.locator("article.financing-need")).to_have_count(1)
    expect(need_card(auditor, waiting["purpose"])).to_contain_text("超期未获报价")
    shot(auditor, "board-auditor")
    open_page(auditor, f"/financing/{answered['id']}")
    expect(auditor.locator(".financing-summary")).to_contain_text("1 条报价")
    expect(auditor.locator(".financing-offer-table")).to_have_count(0)
    shot(auditor, "need-auditor")


def test_the_owner_sorts_offers_and_withdraws_and_a_bank_withdraws_its_offer(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    enterprise, cheap, dear = accounts.enterprise(), accounts.bank(), accounts.bank()
    need = post_need(accounts, enterprise, amount="3000000")
    offers = f"/financing-needs/{need['id']}/offers"
    for bank, rate, amount in ((dear, "5.5", "3000000"), (cheap, "3.9", "2000000")):
        body = {"amount": amount, "annual_rate": rate, "term_months": 12}
        accounts.api("POST", offers, bank, json=body)

    owner = new_page()
    log_in(owner, enterprise)
    open_page(owner, f"/financing/{need['id']}")
    rows = owner.locator(".financing-offer-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(cheap.name)
    expect(rows.first).to_contain_text("最低利率")
    owner.get_by_role("button", name=re.compile("^融资金额")).click()
    expect(rows.first).to_contain_text("¥2,000,000.00")
    owner.get_by_role("button", name=re.compile("^融资金额")).click()
    expect(rows.first).to_contain_text("¥3,000,000.00")
    expect(owner.locator("th[aria-sort=descending]")).to_contain_text("融资金额")
    shot(owner, "offers-sorted-by-amount")

    lender = new_page(mobile=True)
    log_in(lender, cheap)
    open_page(lender, f"/financing/{need['id']}")
    expect(lender.get_by_role("heading", name="提交报价")).to_be_hidden()
    lender.get_by_role("button", name="撤回报价").click()
    expect(lender.get_by_text("报价已撤回。")).to_be_visible()
    expect(lender.get_by_role("heading", name="提交报价")).to_be_visible()
    shot(lender, "offer-withdrawn")

    # The owner's open page drops the withdrawn offer's "best rate" mark by itself.
    expect(owner.locator(".financing-offer--best")).to_contain_text(dear.name)
    owner.get_by_role("button", name="撤回需求").click()
    owner.get_by_role("button", name="确认撤回").click()
    expect(owner.get_by_text("融资需求已撤回。")).to_be_visible()
    expect(owner.locator(".financing-summary")).to_contain_text("已撤回")
    expect(owner.get_by_role("button", name="接受报价")).to_have_count(0)
    shot(owner, "need-withdrawn")
