"""Markup typed into postings and organization names is shown as text on every page that shows
it (listings, posting detail, audit log), never run: no dialog opens, no element is created."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.accounts import Accounts, log_in, open_page
from tests.support import posting_body

Shot = Callable[[Page, str], Path]
TITLE = "<img src=x onerror=alert(1)>"
DESCRIPTION = "<script>alert(2)</script> 详见 <b>附件</b>"
OWNER = "<svg onload=alert(3)>有限公司"


@pytest.fixture(scope="module")
def hostile(accounts: Accounts) -> dict[str, Any]:
    """A posting whose title, description and owner's name are markup."""
    owner = accounts.enterprise(name=OWNER)
    posting: dict[str, Any] = accounts.api(
        "POST", "/postings", owner, json=posting_body(title=TITLE, description=DESCRIPTION)
    )
    return posting


@pytest.fixture
def dialogs() -> Iterator[list[str]]:
    """Messages of dialogs opened by any page of the test (there must be none)."""
    seen: list[str] = []
    yield seen
    assert seen == [], f"a dialog opened: {seen}"


def watched(new_page: Callable[..., Page], dialogs: list[str]) -> Page:
    page = new_page()

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return page


def assert_nothing_injected(page: Page) -> None:
    expect(page.locator('img[src="x"]')).to_have_count(0)
    expect(page.locator("#view script, #view b, #view svg[onload]")).to_have_count(0)
    assert page.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0


def test_markup_in_a_posting_is_literal_text_on_the_listings(
    new_page: Callable[..., Page], dialogs: list[str], hostile: dict[str, Any], shot: Shot
) -> None:
    page = watched(new_page, dialogs)
    open_page(page, "/")
    card = page.locator(f'li[data-posting-id="{hostile["id"]}"]')
    expect(card.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    expect(card).to_contain_text(DESCRIPTION)
    expect(card).to_contain_text(OWNER)
    assert_nothing_injected(page)
    shot(page, "listings")


def test_markup_in_a_posting_is_literal_text_on_its_detail_page(
    new_page: Callable[..., Page], dialogs: list[str], hostile: dict[str, Any], shot: Shot
) -> None:
    page = watched(new_page, dialogs)
    open_page(page, "/")
    page.get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#/postings/{hostile['id']}")
    expect(page.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    expect(page.get_by_text(DESCRIPTION, exact=True)).to_be_visible()
    expect(page.get_by_text(OWNER).first).to_be_visible()
    assert_nothing_injected(page)
    shot(page, "posting")


def test_markup_in_a_posting_is_literal_text_in_the_audit_log(
    new_page: Callable[..., Page],
    dialogs: list[str],
    hostile: dict[str, Any],
    accounts: Accounts,
    shot: Shot,
) -> None:
    page = watched(new_page, dialogs)
    log_in(page, accounts.staff("auditor"))
    open_page(page, "/audit")
    event = page.locator("tbody").filter(
        has=page.locator(f'a[href="#/audit/streams/{hostile["id"]}"]')
    )
    expect(event).to_have_count(1)
    event.locator("button[aria-expanded]").click()
    data = event.locator(".audit-data")
    expect(data).to_be_visible()
    expect(data).to_contain_text(TITLE)
    expect(data).to_contain_text(DESCRIPTION)
    data.get_by_text("原始数据（JSON）").click()  # the raw JSON, text as well
    expect(data.locator("pre")).to_contain_text(TITLE)
    assert_nothing_injected(page)
    shot(page, "audit-log")

    open_page(page, f"/audit/streams/{hostile['id']}")
    expect(page.get_by_text(TITLE, exact=True).first).to_be_visible()
    assert_nothing_injected(page)
    shot(page, "audit-stream")
