"""The workbench inbox (#/inbox): a bid for an enterprise's posting reaches the owner's badge and
list live; opening it marks it read; accepting the bid makes the to-do done (and brings the
contract to sign); "mark all read"; the bidder reads its news in English on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import Accounts, Credentials, log_in, open_page
from tests.support import bid_body, posting_body

Shot = Callable[[Page, str], Path]
TITLE = "求购 304 不锈钢板 80 吨"
EN_TITLE = "Buying 304 stainless plates, 80 t"
BADGE = "#nav-links [data-inbox-count]"


def caught_up_and_read(accounts: Accounts, *people: Credentials) -> None:
    """Everything so far projected, and each one's notifications marked read (other tests'
    policies may already have reached a new enterprise)."""
    position = accounts.http.get("/stats").json()["position"]
    assert accounts.services.watcher.wait_sync(position, timeout=10)
    for who in people:
        accounts.api("POST", "/notifications/read-all", who, json={"before_position": position})


def item(page: Page, text: str) -> Locator:
    return page.locator(".inbox__item", has_text=text)


def test_a_bid_arrives_live_is_read_by_opening_it_and_done_once_accepted(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner_who, bidder_who = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", owner_who, json=posting_body(title=TITLE))
    caught_up_and_read(accounts, owner_who, bidder_who)

    owner = new_page()
    log_in(owner, owner_who)
    expect(owner.locator(BADGE)).to_be_hidden()
    open_page(owner, "/inbox")
    expect(owner.get_by_role("heading", name="待办与消息")).to_be_visible()
    expect(owner.locator("[data-tab=todo]")).to_have_attribute("aria-pressed", "true")
    expect(owner.locator(".live-badge")).to_have_text("实时更新中")
    expect(owner.locator(".results__status")).to_have_text("没有待办事项")

    bid = accounts.api("POST", f"/postings/{posting['id']}/bids", bidder_who, json=bid_body())
    # Live: the badge counts it and the to-do list shows it at the top, unread, with its due time.
    expect(owner.locator(BADGE)).to_have_text("1")
    first = owner.locator(".inbox__item").first
    expect(first).to_contain_text(f"收到新报价：{TITLE}")
    expect(first).to_have_class("inbox__item inbox__item--unread")
    expect(first).to_contain_text("截止")
    expect(owner.locator("[data-inbox-summary]")).to_have_text("未读 1 条，待办 1 项")
    shot(owner, "inbox-bid-live")

    # Opening it goes to the posting and marks it read.
    first.get_by_role("link", name=f"收到新报价：{TITLE}").click()
    expect(owner.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(owner.locator(BADGE)).to_be_hidden()
    open_page(owner, "/inbox")
    expect(item(owner, TITLE)).to_have_class("inbox__item")
    expect(item(owner, TITLE).get_by_role("button", name="标为已读")).to_have_count(0)

    # Accepting the bid does the to-do, and the contract to sign arrives live in its place.
    accounts.api("POST", f"/postings/{posting['id']}/bids/{bid['id']}/accept", owner_who, json={})
    expect(item(owner, f"待签合同：{TITLE}")).to_have_class("inbox__item inbox__item--unread")
    expect(owner.locator(BADGE)).to_have_text("1")
    owner.reload()
    expect(owner.locator("#view")).to_have_attribute("aria-busy", "false")
    expect(item(owner, "收到新报价")).to_have_count(0)
    expect(item(owner, f"待签合同：{TITLE}")).to_be_visible()
    contract_link = item(owner, "待签合同").get_by_role("link")
    expect(contract_link).to_have_attribute("href", re.compile(r"^#/contracts/"))
    owner.locator("[data-tab=all]").click()
    expect(owner).to_have_url(re.compile(r"#/inbox\?tab=all$"))
    expect(item(owner, f"收到新报价：{TITLE}").locator(".badge--done")).to_have_text("已完成")
    shot(owner, "inbox-all")

    # "Mark all read": the badge goes, no item is marked unread any more.
    owner.get_by_role("button", name="全部标为已读").click()
    expect(owner.locator("#view .notice")).to_have_text("已将 1 条标为已读")
    expect(owner.locator(BADGE)).to_be_hidden()
    expect(owner.locator(".inbox__item--unread")).to_have_count(0)
    expect(owner.locator("[data-inbox-summary]")).to_have_text("未读 0 条，待办 1 项")


def test_the_bidder_reads_its_news_in_english_on_a_phone(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner_who, bidder_who = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api("POST", "/postings", owner_who, json=posting_body(title=EN_TITLE))
    caught_up_and_read(accounts, owner_who, bidder_who)
    bid = accounts.api("POST", f"/postings/{posting['id']}/bids", bidder_who, json=bid_body())
    accounts.api("POST", f"/postings/{posting['id']}/bids/{bid['id']}/accept", owner_who, json={})

    bidder = new_page(mobile=True)
    log_in(bidder, bidder_who)
    bidder.locator("#language").select_option("en")
    expect(bidder.locator("html")).to_have_attribute("lang", "en")
    open_page(bidder, "/inbox?tab=all")
    expect(bidder.get_by_role("heading", name="To-dos and messages")).to_be_visible()
    expect(bidder.locator("[data-tab=all]")).to_have_attribute("aria-pressed", "true")
    expect(bidder.locator(BADGE)).to_have_text("2")
    expect(bidder.locator(BADGE)).to_have_attribute("aria-label", "2 unread")
    accepted = item(bidder, f"Your bid was accepted: {EN_TITLE}")
    expect(accepted.get_by_role("link")).to_have_attribute("href", f"#/postings/{posting['id']}")
    expect(accepted.locator(".badge--unread")).to_have_text("Unread")
    expect(item(bidder, f"Contract to sign: {EN_TITLE}")).to_contain_text("To do")
    expect(bidder.locator("[data-inbox-summary]")).to_have_text("2 unread, 1 to do")
    shot(bidder, "inbox-en-phone")

    accepted.get_by_role("button", name="Mark read").click()
    expect(accepted).to_have_class("inbox__item")
    expect(bidder.locator(BADGE)).to_have_text("1")
    bidder.locator("[data-tab=todo]").click()
    expect(bidder.locator(".inbox__item")).to_have_count(1)
    expect(bidder.locator(".inbox__item")).to_contain_text(f"Contract to sign: {EN_TITLE}")
