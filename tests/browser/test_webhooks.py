"""Webhooks (#/webhooks), reached from the inbox: an enterprise adds one (the secret is shown
once), a refused address says why beside its field, a bid on its posting is delivered to a
receiver on this machine and shows in the delivery log, and the webhook is deleted; in English
on a phone too."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, log_in, open_page
from tests.support import bid_body, posting_body
from tests.webhook_receiver import Receiver, receiving

Shot = Callable[[Page, str], Path]


@pytest.fixture
def receiver(accounts: Accounts) -> Iterator[Receiver]:
    """A receiver on 127.0.0.1, which this test allows (as MARKET_WEBHOOK_ALLOW_HOSTS would)."""
    services = accounts.services
    sender = services.sender
    assert sender is not None
    before = services.webhooks.allowed_hosts, sender.allowed
    services.webhooks.allowed_hosts = sender.allowed = frozenset({"127.0.0.1"})
    try:
        with receiving() as opened:
            yield opened
    finally:
        services.webhooks.allowed_hosts, sender.allowed = before


def test_an_enterprise_adds_a_webhook_sees_it_deliver_and_deletes_it(
    new_page: Callable[..., Page], accounts: Accounts, receiver: Receiver, shot: Shot
) -> None:
    owner_who, bidder_who = accounts.enterprise(), accounts.enterprise()
    page = new_page()
    log_in(page, owner_who)
    open_page(page, "/inbox")
    page.locator("[data-webhooks-link]").click()
    expect(page.get_by_role("heading", name="回调地址（Webhook）")).to_be_visible()
    expect(page.get_by_text("尚未添加回调地址。")).to_be_visible()

    form = page.locator(".webhook-form")
    form.get_by_label("回调地址", exact=True).fill("https://169.254.169.254/latest")
    form.get_by_role("button", name="添加").click()
    expect(form.locator("[data-field=url] .field__error")).to_contain_text("链路本地")
    expect(page.locator(".webhook")).to_have_count(0)

    form.get_by_label("回调地址", exact=True).fill(receiver.url)
    form.get_by_label("全部类型").uncheck()
    form.get_by_label("收到报价").check()
    form.get_by_role("button", name="添加").click()
    secret = page.locator(".webhook-secret__value")
    expect(secret).to_have_text(re.compile(r"^whsec_[\w-]{40,}$"))
    hook = page.locator(".webhook")
    expect(hook).to_have_count(1)
    expect(hook).to_contain_text(receiver.url)
    expect(hook).to_contain_text("收到报价")
    shot(page, "webhooks")

    posting = accounts.api("POST", "/postings", owner_who, json=posting_body())
    accounts.api("POST", f"/postings/{posting['id']}/bids", bidder_who, json=bid_body())
    deadline = time.monotonic() + 15
    while not receiver.delivered() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(receiver.delivered()) == 1
    hook.get_by_role("button", name="推送记录").click()
    delivery = hook.locator(".webhook-delivery")
    expect(delivery).to_have_count(1)
    expect(delivery).to_contain_text("已送达")
    expect(delivery).to_contain_text("HTTP 200")
    expect(delivery).to_contain_text(receiver.delivered()[0].delivery)
    shot(page, "webhook-deliveries")

    hook.get_by_role("button", name="删除").click()
    expect(page.locator(".webhook")).to_have_count(0)
    assert accounts.api("GET", "/webhooks", owner_who)["items"] == []
    page.reload()
    expect(page.locator(".webhook-secret__value")).to_have_count(0)  # shown once


def test_the_page_in_english_on_a_phone(
    new_page: Callable[..., Page], accounts: Accounts, receiver: Receiver, shot: Shot
) -> None:
    who = accounts.enterprise()
    accounts.api("POST", "/webhooks", who, json={"url": receiver.url, "kinds": ["*"]})
    page = new_page(mobile=True)
    log_in(page, who)
    page.locator("#language").select_option("en")
    open_page(page, "/webhooks")
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    expect(page.locator(".webhook")).to_contain_text("All kinds")
    page.locator(".webhook").get_by_role("button", name="Delivery log").click()
    expect(page.locator(".webhook-deliveries")).to_contain_text("No deliveries yet.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    shot(page, "webhooks-phone-en")
