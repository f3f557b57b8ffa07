"""Policies in the browser: the operator publishes one with the editor (seeing how many
enterprises it reaches), an enterprise finds it among "policies for you" on its home, unread
until opened, the library searches and filters, and the operator revises and withdraws it."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import Accounts, add_regions, confirm_binding, log_in, open_page

Shot = Callable[[Page, str], Path]


def policy_card(page: Page, title: str) -> Locator:
    return page.locator("article.policy-card", has_text=title)


def test_publish_push_read_search_revise_and_withdraw_a_policy(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    tag = str(random.randint(10_000, 99_999))
    title = f"杭州市小微企业设备更新贴息政策 {tag}"
    operator = accounts.staff("operator")
    reader = accounts.enterprise(name=f"杭州精密机械有限公司 {tag}")  # 330106, C39

    # The operator writes the policy; the preview counts the enterprises it targets.
    desk = new_page()
    log_in(desk, operator)
    open_page(desk, "/policies")
    desk.get_by_role("link", name="发布政策").click()
    form = desk.locator("form.policy-form")
    expect(form).to_be_visible()
    form.get_by_label("标题").fill(title)
    form.get_by_label("发文机关").fill("杭州市经济和信息化局")
    form.get_by_label("文号（选填）").fill(f"杭经信〔2026〕{tag}号")
    form.get_by_label("金融信贷").check()
    add_regions(form, "3301")
    form.get_by_label("适用行业").fill("C39")
    form.get_by_label("政策内容").fill("对购置设备的小微企业给予贷款贴息。Interest subsidies.")
    reached = accounts.api(
        "GET", "/policies/preview-targets?regions=3301&industries=C39", operator
    )["enterprises"]
    assert reached >= 1
    expect(desk.locator(".policy-preview__count")).to_have_text(
        f"将推送给 {reached} 家已注册企业。"
    )
    shot(desk, "policy-editor-preview")
    form.get_by_role("button", name="发布").click()
    expect(desk.get_by_role("heading", name=title)).to_be_visible()
    expect(desk.locator(".policy-facts")).to_contain_text("浙江省 杭州市")
    expect(desk.locator(".policy-facts")).to_contain_text("金融信贷")
    shot(desk, "policy-page-operator")

    # The enterprise (on a phone) finds it on its home, unread until it opens it.
    phone = new_page(mobile=True)
    log_in(phone, reader)
    open_page(phone, "/")
    mine = phone.locator("section.policies-for-me")
    expect(policy_card(phone, title)).to_contain_text("未读")
    shot(phone, "policies-for-me-unread")
    policy_card(phone, title).get_by_role("link", name=title).click()
    expect(phone.locator(".policy-body__text")).to_contain_text("贷款贴息")
    open_page(phone, "/")
    expect(mine.locator("article.policy-card", has_text=title)).to_be_visible()
    expect(policy_card(phone, title)).not_to_contain_text("未读")

    # The library finds it by words and topic, not under another topic.
    library = new_page()
    open_page(library, "/policies")
    filters = library.get_by_role("search")
    filters.get_by_label("关键词").fill(f"设备更新贴息 {tag}")
    filters.get_by_role("button", name="查找").click()
    expect(policy_card(library, title)).to_be_visible()
    filters.get_by_label("政策主题").select_option("fiscal_tax")
    filters.get_by_role("button", name="查找").click()
    expect(policy_card(library, title)).to_have_count(0)
    shot(library, "library-filtered")

    # The operator revises the title, then withdraws the policy: gone from the library.
    desk.get_by_role("link", name="修订").click()
    form = desk.locator("form.policy-form")
    revised = f"{title}（修订）"
    form.get_by_label("标题").fill(revised)
    form.get_by_role("button", name="保存修订").click()
    expect(desk.get_by_role("heading", name=revised)).to_be_visible()
    desk.get_by_role("button", name="撤回").click()
    confirm_binding(desk, shows=(revised,))
    expect(desk.locator(".policy-status")).to_have_text("已撤回")
    expect(desk.get_by_role("button", name="撤回")).to_have_count(0)
    filters.get_by_label("政策主题").select_option("")
    filters.get_by_role("button", name="查找").click()
    expect(policy_card(library, title)).to_have_count(0)
    filters.get_by_label("包括已撤回和已失效的政策").check()
    filters.get_by_role("button", name="查找").click()
    expect(policy_card(library, revised)).to_contain_text("已撤回")
