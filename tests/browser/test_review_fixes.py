"""Regressions of the front end's security and correctness review: the skip link under hash
routing, malformed and dot-segment addresses, script URLs refused by `el()`, a slow answer for
an older filter not replacing a newer one, and a deadline date sent with the local offset."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Request, Route, expect

from tests.browser.accounts import Accounts, log_in, open_page, pick_region

Shot = Callable[[Page, str], Path]

# Records, per fetched URL, that the page's own continuation of `response.json()` has run: the
# app renders in the microtasks after the body is parsed, the record is made in the next task.
SETTLED_FETCHES = """
window.__settled = [];
const originalFetch = window.fetch;
window.fetch = (...args) => originalFetch(...args).then((response) => {
  const json = response.json.bind(response);
  response.json = () => json().finally(() => {
    window.setTimeout(() => window.__settled.push(String(args[0])), 0);
  });
  return response;
});
"""


def test_the_skip_link_moves_focus_to_the_content_and_stays_on_the_page(
    new_page: Callable[..., Page], shot: Shot
) -> None:
    page = new_page()
    open_page(page, "/")
    expect(page.get_by_role("heading", name="供需大厅", level=2)).to_be_visible()
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#view")).to_be_focused()
    assert page.url.endswith("#/"), page.url
    expect(page.get_by_role("heading", name="供需大厅", level=2)).to_be_visible()
    shot(page, "skipped-to-content")


def test_malformed_and_dot_segment_addresses_are_refused_in_the_page(
    new_page: Callable[..., Page], shot: Shot
) -> None:
    page = new_page()
    open_page(page, "/postings/%zz")
    expect(page.get_by_role("heading", name="找不到该页面")).to_be_visible()
    shot(page, "malformed-escape")

    api_root: list[str] = []

    def note(request: Request) -> None:
        if re.search(r"/api/v1/?$", request.url):
            api_root.append(request.url)

    page.on("request", note)
    open_page(page, "/postings/..")
    expect(page.get_by_role("heading", name="无法显示该供需信息")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("该地址无效，平台上没有对应的内容。")
    assert api_root == []
    shot(page, "dot-segment")


def test_el_refuses_script_urls_and_handler_attributes(
    new_page: Callable[..., Page], shot: Shot
) -> None:
    page = new_page()
    open_page(page, "/")
    refused = page.evaluate(
        """async () => {
          const { el, link } = await import("/dom.js");
          const attempts = [
            () => link("javascript:alert(1)", "x"),
            () => link(" JavaScript:alert(1)", "x"),
            () => el("img", { attrs: { src: "data:text/html,<b>x</b>" } }),
            () => el("a", { attrs: { onclick: "alert(1)" } }),
          ];
          const outcomes = attempts.map((attempt) => {
            try { attempt(); return "made"; } catch (error) { return error.name; }
          });
          const fine = link("#/postings/abc", "ok").getAttribute("href");
          return { outcomes, fine };
        }"""
    )
    assert refused == {"outcomes": ["TypeError"] * 4, "fine": "#/postings/abc"}
    shot(page, "listings")


def product(accounts: Accounts, bank: Any, name: str, product_type: str) -> None:
    accounts.api(
        "POST",
        "/bank-products",
        bank,
        json={
            "name": name,
            "product_type": product_type,
            "amount_min": "100000",
            "amount_max": "5000000",
            "term_min": 6,
            "term_max": 24,
            "rate_min": "3.1",
            "rate_max": "4.9",
            "regions": ["33"],
        },
    )


def test_a_slow_answer_for_an_older_filter_does_not_replace_the_newer_one(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    bank = accounts.bank()
    credit = f"信用快贷 {random.randrange(10**6)}"
    receivables = f"应收账款通 {random.randrange(10**6)}"
    product(accounts, bank, credit, "credit_loan")
    product(accounts, bank, receivables, "receivables")

    page = new_page()
    page.add_init_script(SETTLED_FETCHES)
    open_page(page, "/bank-products")
    expect(page.get_by_text(credit, exact=True)).to_be_visible()

    held: list[Route] = []

    def hold_credit_loans(route: Route) -> None:
        if "product_type=credit_loan" in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/api/v1/bank-products\?"), hold_credit_loans)
    kind = page.get_by_label("产品类型", exact=True)
    kind.select_option("credit_loan")
    with page.expect_request(lambda request: "product_type=credit_loan" in request.url):
        page.get_by_role("button", name="筛选").click()
    kind.select_option("receivables")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text(receivables, exact=True)).to_be_visible()
    expect(page.get_by_text(credit, exact=True)).to_have_count(0)

    assert len(held) == 1
    held[0].continue_()
    page.wait_for_function(
        "() => window.__settled.some((url) => url.includes('product_type=credit_loan'))"
    )
    expect(page.get_by_text(receivables, exact=True)).to_be_visible()
    expect(page.get_by_text(credit, exact=True)).to_have_count(0)
    shot(page, "newer-filter-kept")


def test_a_deadline_date_is_sent_as_the_end_of_that_day_with_the_local_offset(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    enterprise = accounts.enterprise()
    page = new_page()
    log_in(page, enterprise)
    open_page(page, "/financing/new")
    day = date.today() + timedelta(days=20)
    page.get_by_label("金额（元）").fill("800000")
    page.get_by_label("期限（月）").fill("12")
    page.get_by_label("融资用途").fill(f"采购原材料 {random.randrange(10**6)}")
    pick_region(page, "330106")
    page.get_by_label("答复截止日期（选填）").fill(day.isoformat())
    shot(page, "need-form")
    with page.expect_request(
        lambda request: request.method == "POST" and request.url.endswith("/api/v1/financing-needs")
    ) as sent:
        page.get_by_role("button", name="发布需求").click()
    body: dict[str, Any] = sent.value.post_data_json or {}
    assert re.fullmatch(rf"{day.isoformat()}T23:59:00\+08:00", body["respond_by"]), body
    expect(page.get_by_role("heading", name="融资需求详情")).to_be_visible()
    respond_by = page.locator(".fact").filter(
        has=page.locator("dt", has_text=re.compile("^答复截止$"))
    )
    expect(respond_by.locator("time")).to_contain_text(f"{day.month}月{day.day}日 23:59")
    shot(page, "need-page")
