"""The public pages: live listings with search and filters, the language switch, a phone-sized
layout, and the statistics page with its figures and SVG charts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import Accounts, log_in, open_page, pick_region
from tests.support import bid_body, posting_body

PHONE_WIDTH = 390  # the width new_page(mobile=True) emulates
Shot = Callable[[Page, str], Path]


def unique(title: str) -> str:
    """A title no other test of the module uses (the live server is shared by the module)."""
    return f"{title} {uuid4().hex[:6]}"


def card(page: Page, title: str) -> Locator:
    return page.locator("li.posting").filter(has=page.get_by_role("link", name=title, exact=True))


def test_listings_show_postings_published_through_the_api(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    seller = accounts.enterprise()
    title = unique("供应冷轧不锈钢卷")
    posting = accounts.api(
        "POST", "/postings", seller, json=posting_body(side="supply", title=title, region="320500")
    )
    page = new_page()
    open_page(page, "/")
    found = card(page, title)
    expect(found).to_be_visible()
    expect(found.locator(".badge")).to_have_text("供应")
    expect(found).to_contain_text("¥14,000.00 – ¥16,000.00 / 吨")
    expect(found).to_contain_text("江苏省 苏州市")
    expect(found).to_contain_text("C31 · 黑色金属冶炼和压延加工业")
    expect(found).to_contain_text(seller.name)
    expect(found.get_by_role("link", name=title)).to_have_attribute(
        "href", f"#/postings/{posting['id']}"
    )
    expect(page.locator(".live-badge")).to_have_text("实时更新中")
    shot(page, "listings")


def test_a_posting_published_while_the_page_is_open_appears_without_reload(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    buyer = accounts.enterprise()
    page = new_page()
    open_page(page, "/")
    expect(page.locator(".live-badge")).to_be_visible()
    marker = page.evaluate("window.__notReloaded = true")
    assert marker is True
    title = unique("求购锂电池电芯")
    posting = accounts.api("POST", "/postings", buyer, json=posting_body(title=title))
    found = card(page, title)
    expect(found).to_be_visible()
    expect(found).to_contain_text("0 条报价")
    accounts.api("POST", f"/postings/{posting['id']}/bids", accounts.enterprise(), json=bid_body())
    expect(found).to_contain_text("1 条报价")
    accounts.api("POST", f"/postings/{posting['id']}/withdraw", buyer)
    expect(found).to_have_count(0)
    assert page.evaluate("window.__notReloaded") is True
    shot(page, "live")


def test_searching_a_chinese_word_and_filtering_by_side_narrow_the_list(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner = accounts.enterprise()
    word = "钛合金"
    wanted = unique("求购钛合金棒材")
    offered = unique("供应钛合金棒材")
    other = unique("供应纯棉纱线")
    for side, title in (("demand", wanted), ("supply", offered), ("supply", other)):
        accounts.api("POST", "/postings", owner, json=posting_body(side=side, title=title))
    page = new_page()
    open_page(page, "/")
    expect(card(page, other)).to_be_visible()

    page.get_by_label("关键词").fill(word)
    page.get_by_role("button", name="搜索").click()
    expect(card(page, other)).to_have_count(0)
    expect(card(page, wanted)).to_be_visible()
    expect(card(page, offered)).to_be_visible()
    assert "q=" in page.url

    page.get_by_label("类型").select_option("demand")
    page.get_by_role("button", name="搜索").click()
    expect(card(page, offered)).to_have_count(0)
    expect(card(page, wanted)).to_be_visible()
    shot(page, "searched")

    # The search is in the address: a bookmark opens the same results.
    bookmark = page.url
    again = new_page()
    again.goto(bookmark)
    expect(again.get_by_label("关键词")).to_have_value(word)
    expect(card(again, wanted)).to_be_visible()
    expect(card(again, offered)).to_have_count(0)
    shot(again, "bookmarked")

    # A malformed price filter is pointed out beside its field (and not sent).
    again.get_by_label("最高单价").fill("-1")
    again.get_by_role("button", name="搜索").click()
    expect(again.get_by_role("alert")).to_have_text("请检查标出的搜索条件。")
    expect(card(again, wanted)).to_be_visible()
    expect(again.get_by_label("最高单价")).to_have_attribute("aria-invalid", "true")
    shot(again, "refused")


def test_a_search_that_finds_nothing_gives_advice(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    title = f"供应钛合金板 {uuid4().hex[:6]}"
    body = posting_body(title=title, side="supply")
    accounts.api("POST", "/postings", accounts.enterprise(), json=body)
    page = new_page()
    open_page(page, "/?q=火星 钛合金板&side=supply")
    advice = page.locator(".results__advice")
    expect(advice).to_contain_text("没有符合条件的供需信息。")
    expect(advice.get_by_role("link", name="只搜“火星”")).to_be_visible()
    expect(advice.get_by_role("link", name="发布求购信息，让供应方找到您")).to_be_visible()
    shot(page, "empty-advice")
    advice.get_by_role("link", name="只搜“钛合金板”").click()
    expect(card(page, title)).to_be_visible()
    expect(page.locator(".results__advice")).to_have_count(0)


def test_load_more_follows_the_cursor_and_live_updates_keep_the_longer_list(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner = accounts.enterprise()
    batch = f"lot{uuid4().hex[:8]}"
    for n in range(21):
        body = posting_body(side="supply", title=f"供应紧固件 {batch} 第{n + 1}批")
        accounts.api("POST", "/postings", owner, json=body)
    page = new_page()
    open_page(page, f"/?q={batch}")
    cards = page.locator("li.posting")
    expect(cards).to_have_count(20)
    expect(cards.first).to_contain_text("第21批")  # newest first
    more = page.get_by_role("button", name="加载更多")
    more.click()
    expect(cards).to_have_count(21)
    expect(cards.last).to_contain_text("第1批")
    expect(more).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="已显示")).to_have_text("已显示 21 条信息")
    # A live refresh re-reads as many as are shown.
    accounts.api("POST", "/postings", owner, json=posting_body(title=f"求购紧固件 {batch}"))
    expect(cards).to_have_count(22)
    shot(page, "load-more")


def test_the_english_switch_changes_labels_and_survives_a_reload(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    title = unique("供应铝型材")
    accounts.api(
        "POST", "/postings", accounts.enterprise(), json=posting_body(side="supply", title=title)
    )
    page = new_page()
    open_page(page, "/")
    expect(page.get_by_role("heading", name="供需大厅")).to_be_visible()
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Marketplace", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Search")).to_be_visible()
    expect(card(page, title).locator(".badge")).to_have_text("Supply")
    page.reload()
    expect(page.get_by_label("Language")).to_have_value("en")
    expect(page.get_by_label("Keywords")).to_be_visible()
    expect(card(page, title)).to_contain_text("0 bids")
    # Cities and counties are named in Hanyu Pinyin, smallest first.
    expect(card(page, title)).to_contain_text("Xihu District, Hangzhou, Zhejiang")
    assert page.evaluate("document.documentElement.lang") == "en"
    shot(page, "english")


def test_the_listings_fit_a_phone(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    title = unique("求购精密轴承 6205")
    body = posting_body(title=title, side="supply")
    accounts.api("POST", "/postings", accounts.enterprise(), json=body)
    page = new_page(mobile=True)
    open_page(page, "/")
    expect(card(page, title)).to_be_visible()
    # Phone emulation widens the layout viewport to fit the page: compare with the device width.
    overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE_WIDTH
    assert overflow <= 0
    # The less used filters fold away on a phone, behind a toggle.
    expect(page.get_by_label("省份")).to_be_hidden()
    toggle = page.get_by_role("button", name="更多筛选")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    shot(page, "phone")
    toggle.click()
    expect(page.get_by_role("button", name="收起筛选")).to_have_attribute("aria-expanded", "true")
    pick_region(page, "33")
    page.get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"region=33"))
    expect(card(page, title)).to_be_visible()
    shot(page, "phone-more-filters")


def signed_sale(accounts: Accounts) -> dict[str, Any]:
    """A sale contract both parties signed (published, bid, accepted, signed with its digest)."""
    buyer, seller = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", buyer, json=posting_body(region="440305"))
    bid = accounts.api("POST", f"/postings/{posting['id']}/bids", seller, json=bid_body())
    url = f"/postings/{posting['id']}/bids/{bid['id']}/accept"
    contract_id = accounts.api("POST", url, buyer, json={})["contract_id"]
    for party in (buyer, seller):
        contract = accounts.api("GET", f"/contracts/{contract_id}", party)
        signed = accounts.api(
            "POST", f"/contracts/{contract_id}/sign", party, json={"digest": contract["digest"]}
        )
    assert signed["status"] == "signed"
    result: dict[str, Any] = accounts.api("GET", f"/contracts/{contract_id}", buyer)
    return result


# Every visible table cell inside its scroll box and the viewport, and no column header squeezed
# to one character per line (a header more than two lines tall).
TABLE_PROBLEMS = """() => {
  const problems = [];
  for (const table of document.querySelectorAll("#view table")) {
    const box = (table.closest(".table-wrap") ?? table.parentElement).getBoundingClientRect();
    const right = Math.min(box.right, window.innerWidth) + 1;
    for (const cell of table.querySelectorAll("th, td")) {
      const head = cell.closest("thead");
      if (head && head.getBoundingClientRect().width <= 1) continue;  // visually hidden
      const r = cell.getBoundingClientRect();
      if (!r.width) continue;
      const name = `${table.closest("figure")?.id}: ${cell.textContent}`;
      if (r.right > right || r.left < Math.max(box.left, 0) - 1) problems.push(`clipped ${name}`);
      const line = parseFloat(getComputedStyle(cell).lineHeight) || 20;
      if (head && r.height > 2.5 * line + 16) problems.push(`squeezed ${name} (${r.height}px)`);
    }
  }
  return problems;
}"""


def table_problems(page: Page) -> list[str]:
    problems: list[str] = page.evaluate(TABLE_PROBLEMS)
    return problems


def test_the_statistics_page_shows_the_figures_and_bars_of_a_signed_deal(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    contract = signed_sale(accounts)
    stats = accounts.api("GET", "/stats", accounts.enterprise())
    assert stats["contracts"]["signed"] >= 1
    page = new_page()
    open_page(page, "/stats")
    expect(page.get_by_role("heading", name="平台统计")).to_be_visible()
    expect(page.locator('[data-stat="contracts.signed"]')).to_have_text(
        str(stats["contracts"]["signed"])
    )
    # Sale volume and loan principal apart (GET /stats contracts.sale / contracts.loan).
    expect(page.locator('[data-stat="contracts.sale.amount"]')).to_have_text("¥750万")
    expect(page.locator('[data-stat="contracts.loan.amount"]')).to_have_text("¥0")
    expect(page.locator('[data-stat="contracts.amount"]')).to_have_count(0)
    expect(page.locator('[data-stat="postings.total"]')).to_have_text(
        str(stats["postings"]["total"])
    )
    expect(page.locator('[data-stat="organizations.enterprise"]')).to_have_text(
        re.compile(r"^[\d,]+$")
    )
    # The service hall and the activities (GET /stats services / activities).
    expect(page.get_by_role("heading", name="服务大厅")).to_be_visible()
    expect(page.locator('[data-stat="services.providers"]')).to_have_text(
        str(stats["services"]["providers"])
    )
    rate = stats["services"]["response_rate"]
    expect(page.locator('[data-stat="services.response_rate"]')).to_have_text(
        "—" if rate is None else re.compile(r"^\d+(\.\d)?%$")
    )
    expect(page.locator('[data-stat="activities.trained"]')).to_have_text(
        str(stats["activities"]["trained"])
    )

    by_month = page.locator("#chart-deals-month")
    expect(by_month.locator("figcaption")).to_have_text("按月份的成交额")
    expect(by_month.locator("svg[role=img] rect.chart__bar")).to_have_count(1)
    expect(by_month.locator("svg[role=img]")).to_have_attribute("aria-label", re.compile("¥750万"))
    expect(by_month.locator("table")).to_contain_text("¥7,500,000")
    by_region = page.locator("#chart-deals-region")
    expect(by_region.locator("table")).to_contain_text("广东省 深圳市 南山区")
    expect(by_region.locator("rect.chart__bar")).to_have_count(1)
    expect(page.locator("#chart-deals-exhibition table")).to_contain_text("非展会成交")
    # The figures per bank are for operators and auditors only.
    expect(page.locator("#chart-financing-bank")).to_have_count(0)
    assert contract["amount"] in ("7500000.00", "7500000")
    shot(page, "stats")

    # A month filter before the deal leaves the charts empty; clearing it brings them back.
    page.get_by_label("截止月份").fill("2020-01")
    page.get_by_role("button", name="应用").click()
    expect(by_month.locator(".chart__empty")).to_be_visible()
    assert "to=2020-01" in page.url
    page.get_by_role("button", name="全部期间").click()
    expect(by_month.locator("rect.chart__bar")).to_have_count(1)

    phone = new_page(mobile=True)
    phone.goto("/")
    phone.get_by_label("语言").select_option("en")
    open_page(phone, "/stats")
    expect(phone.get_by_role("heading", name="Platform statistics")).to_be_visible()
    expect(phone.locator("#chart-deals-month figcaption")).to_have_text("Deals by month")
    # 万 is a Chinese unit: the English page writes aggregate figures out.
    expect(phone.locator("#chart-deals-month svg")).to_contain_text("¥7,500,000 (1 contract)")
    expect(phone.locator('[data-stat="contracts.sale.amount"]')).to_have_text("¥7,500,000")
    expect(phone.locator("#view")).not_to_contain_text("万")
    overflow = phone.evaluate("document.documentElement.scrollWidth") - PHONE_WIDTH
    assert overflow <= 0
    assert table_problems(phone) == []
    shot(phone, "stats-phone-english")
    phone.get_by_label("Language").select_option("zh-CN")
    expect(phone.get_by_role("heading", name="平台统计")).to_be_visible()
    expect(phone.locator("#chart-deals-month table")).to_be_visible()
    assert table_problems(phone) == []
    shot(phone, "stats-phone")


def test_staff_see_financing_figures_per_bank(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    borrower, bank = accounts.enterprise(), accounts.bank()
    need = accounts.api("POST", "/financing-needs", borrower, json=need_body())
    offer = accounts.api("POST", f"/financing-needs/{need['id']}/offers", bank, json=offer_body())
    accounts.api("POST", f"/financing-needs/{need['id']}/offers/{offer['id']}/accept", borrower)
    page = new_page()
    log_in(page, accounts.staff("auditor"))
    open_page(page, "/stats")
    by_bank = page.locator("#chart-financing-bank")
    expect(by_bank.locator("figcaption")).to_have_text("按银行的融资匹配")
    expect(by_bank.locator("table")).to_contain_text(bank.name)
    expect(by_bank.locator("rect.chart__bar").first).to_be_visible()
    expect(page.locator("#chart-financing-product_type table")).to_contain_text("信用贷款")
    assert table_problems(page) == []
    shot(page, "stats-staff")


def need_body() -> dict[str, Any]:
    return {
        "amount": "2000000.00",
        "term_months": 12,
        "purpose": "采购原材料的流动资金",
        "product_type": "credit_loan",
        "region": "330106",
    }


def offer_body() -> dict[str, Any]:
    return {"amount": "1500000.00", "annual_rate": "4.35", "term_months": 12}
