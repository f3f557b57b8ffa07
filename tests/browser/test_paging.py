"""Paged lists (web/paging.js), seen on "my postings": "load more" reads the next page, can be
tried again after a failed read, and disappears at the end; a new filter starts over."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, Route, expect

from tests.browser.accounts import Accounts, log_in, open_page
from tests.support import posting_body

Shot = Callable[[Page, str], Path]
PAGE_SIZE = 20


def test_load_more_reads_the_next_page_and_can_be_retried_after_a_failure(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner = accounts.enterprise()
    for number in range(PAGE_SIZE + 1):
        accounts.api("POST", "/postings", owner, json=posting_body(title=f"分页测试 {number:02d}"))
    page = new_page()
    log_in(page, owner)
    open_page(page, "/my/postings")
    cards = page.locator(".trade-my-postings > li")
    expect(cards).to_have_count(PAGE_SIZE)
    expect(page.get_by_text(f"共显示 {PAGE_SIZE} 条")).to_be_visible()

    # The first read of the next page is refused; the second goes through.
    refused: list[str] = []

    def refuse_once(route: Route) -> None:
        if refused:
            route.continue_()
            return
        refused.append(route.request.url)
        problem = {
            "title": "Too Many Requests",
            "status": 429,
            "detail": "请求过于频繁，请稍后再试",
        }
        route.fulfill(status=429, content_type="application/problem+json", body=json.dumps(problem))

    page.route(re.compile(r"/api/v1/postings\?.*cursor="), refuse_once)
    more = page.get_by_role("button", name="加载更多")
    more.click()
    expect(page.get_by_role("alert")).to_have_text("请求过于频繁，请稍后再试")
    expect(cards).to_have_count(PAGE_SIZE)
    expect(more).to_be_enabled()
    more.click()
    expect(cards).to_have_count(PAGE_SIZE + 1)
    expect(page.get_by_text(f"共显示 {PAGE_SIZE + 1} 条")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(more).to_be_hidden()
    assert len(refused) == 1
    shot(page, "my-postings-paged")

    page.get_by_label("状态").select_option("withdrawn")
    expect(page.get_by_text("没有符合条件的供需信息。")).to_be_visible()
    expect(cards).to_have_count(0)
    expect(more).to_be_hidden()
    expect(page).to_have_url(re.compile(r"#/my/postings\?status=withdrawn$"))
