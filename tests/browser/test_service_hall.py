"""The service hall's pages: a provider publishes a product on its desk (a field error first),
revises it and retires it after a confirmation; anyone finds it in the catalogue by category,
pricing and text, opens its page, and sees the catalogue and the page follow live."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, add_regions, confirm_binding, log_in, open_page

Shot = Callable[[Page, str], Path]


def product_card(page: Page, name: str) -> object:
    return page.locator("article.service-product").filter(has_text=name)


def test_a_provider_publishes_revises_and_retires_a_product_that_the_hall_shows_live(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    provider = accounts.provider("legal", "management")
    name = f"知识产权合规咨询 {random.randrange(10**6)}"
    visitor = new_page(mobile=True)
    open_page(visitor, "/services?category=legal")
    expect(visitor.locator("#view .page-title")).to_have_text("服务大厅")

    page = new_page()
    log_in(page, provider)
    page.get_by_role("link", name="我的服务产品").click()
    expect(page.locator("#view .page-title")).to_have_text("我的服务产品")
    form = page.locator("form.service-product-form")
    form.get_by_label("服务名称").fill(name)
    form.get_by_label("服务类别").select_option("legal")
    form.get_by_label("服务内容").fill("商标与专利布局咨询，出具书面意见。")
    form.get_by_label("收费方式").select_option("market")
    add_regions(form, "3301", "3302")
    form.get_by_label("承诺响应时间（小时，1–720）").fill("36")
    form.get_by_role("button", name="发布").click()
    # A market-priced service needs a price: the API's 422 is shown beside the field.
    expect(form.locator("[data-field=price] .field__error")).not_to_be_empty()
    expect(form.get_by_label("价格（元）")).to_have_attribute("aria-invalid", "true")
    shot(page, "provider-product-price-missing")
    form.get_by_label("价格（元）").fill("2,000")
    form.get_by_role("button", name="发布").click()
    expect(page.get_by_text(f"已发布“{name}”。")).to_be_visible()
    mine = product_card(page, name)
    expect(mine).to_contain_text("¥2,000.00 / 次")
    expect(mine).to_contain_text("36 小时内")

    # The visitor's catalogue (filtered by legal) shows it without a reload.
    theirs = product_card(visitor, name)
    expect(theirs).to_contain_text("市场化")
    expect(theirs).to_contain_text(provider.name)
    shot(visitor, "service-hall-live")

    mine.get_by_role("button", name=f"修改“{name}”").click()
    editor = mine.locator("form.service-product-form")
    expect(editor.locator(".picker__chip > span")).to_have_text(["浙江省 杭州市", "浙江省 宁波市"])
    editor.get_by_label("收费方式").select_option("free")
    expect(editor.get_by_label("价格（元）")).to_be_disabled()
    editor.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text(f"已修改“{name}”。")).to_be_visible()
    expect(product_card(page, name)).to_contain_text("公益（免费）")

    visitor.locator("#view [name=q]").fill(name.split()[1])
    visitor.locator("#view [name=pricing]").select_option("free")
    visitor.get_by_role("button", name="筛选").click()
    expect(visitor.locator("article.service-product")).to_have_count(1)
    theirs.get_by_role("link", name=name).click()
    expect(visitor.locator("#view .page-title")).to_have_text(name)
    expect(visitor.locator("#view")).to_contain_text("商标与专利布局咨询")
    expect(visitor.locator("#view")).to_contain_text("服务中")

    product_card(page, name).get_by_role("button", name=f"下架“{name}”").click()
    confirm_binding(page, shows=(name, "法律"))
    expect(page.get_by_text("服务产品已下架。")).to_be_visible()
    retired = page.locator("section.results").filter(has_text="已下架的产品")
    expect(product_card(retired, name)).to_be_visible()
    expect(visitor.locator("#view")).to_contain_text("已下架")
    shot(visitor, "service-product-retired-live")


def test_an_unverified_provider_is_told_it_awaits_verification(
    new_page: Callable[..., Page], accounts: Accounts
) -> None:
    provider = accounts.provider("legal", verified=False)
    page = new_page()
    log_in(page, provider)
    open_page(page, "/provider/products")
    expect(page.get_by_text("等待平台审核")).to_be_visible()
    expect(page.locator("form.service-product-form")).to_have_count(0)
