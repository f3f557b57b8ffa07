"""Saved searches on the listings page: an enterprise saves the search shown, a matching
posting reaches its inbox, and it deletes the search again; phone-sized too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, log_in, open_page
from tests.support import posting_body

Shot = Callable[[Page, str], Path]


def test_an_enterprise_saves_and_deletes_a_search_from_the_listings(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    buyer, seller = accounts.enterprise(), accounts.enterprise()
    page = new_page()
    log_in(page, buyer)
    open_page(page, "/?q=不锈钢&side=supply")
    panel = page.locator(".saved-searches-panel")
    expect(panel.get_by_text("暂无保存的搜索。")).to_be_visible()
    panel.get_by_role("button", name="保存搜索").click()
    expect(panel.get_by_role("status")).to_have_text("已保存搜索。")
    saved = panel.locator(".saved-searches__item")
    expect(saved).to_have_count(1)
    expect(saved).to_contain_text("不锈钢")
    expect(saved).to_contain_text("供应")
    shot(page, "saved-searches")

    posting = accounts.api("POST", "/postings", seller,
                           json=posting_body(side="supply", title="304不锈钢卷板"))  # fmt: skip
    inbox: dict[str, Any] = accounts.api(
        "GET", "/notifications", buyer, params={"kind": "posting_matches_subscription"}
    )
    assert [n["subject"]["id"] for n in inbox["items"]] == [posting["id"]]

    saved.get_by_role("button", name="删除").click()
    expect(saved).to_have_count(0)
    expect(panel.get_by_text("暂无保存的搜索。")).to_be_visible()
    assert accounts.api("GET", "/subscriptions", buyer)["items"] == []


def test_no_filter_is_refused_and_staff_see_no_panel(
    new_page: Callable[..., Page], accounts: Accounts
) -> None:
    page = new_page(mobile=True)
    log_in(page, accounts.enterprise())
    open_page(page, "/")
    panel = page.locator(".saved-searches-panel")
    panel.get_by_role("button", name="保存搜索").click()
    expect(panel.get_by_role("alert")).to_contain_text("请至少填写一个筛选条件")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    other = new_page()
    log_in(other, accounts.staff("operator"))
    open_page(other, "/")
    expect(other.locator(".saved-searches-panel")).to_have_count(0)
