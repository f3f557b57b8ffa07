"""The service request loop in the browser, as the three roles: an enterprise asks for help in
the service hall (a field error first), the operator dispatches it from the dispatch board with
the provider picker, the provider accepts it on its desk, writes a note and resolves it, and the
enterprise gives its feedback; each page follows the others' steps live. Then an order of a
product goes straight to its provider, who returns it to the board."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, Credentials, confirm_binding, log_in

Shot = Callable[[Page, str], Path]
REQUEST_URL = re.compile(r"#/requests/([0-9a-f-]{36})$")


def publish(accounts: Accounts, provider: Credentials, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": f"劳动合同审查 {random.randrange(10**6)}",
        "category": "legal",
        "description": "律师审查劳动合同与规章制度。",
        "pricing": "free",
        "unit": "次",
        "regions": ["33"],
        "response_hours": 12,
    }
    body.update(overrides)
    product: dict[str, Any] = accounts.api("POST", "/service-products", provider, json=body)
    return product


def status_of(page: Page) -> Any:
    return page.locator("#view .request-status .badge").first


def test_an_enterprise_asks_the_operator_dispatches_the_provider_resolves_and_it_is_rated(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    enterprise = accounts.enterprise()
    operator = accounts.staff("operator")
    provider = accounts.provider("legal", "management")
    elsewhere = accounts.provider("legal", name=f"远方律师事务所 {random.randrange(10**6)}")
    publish(accounts, provider)
    title = f"劳动纠纷咨询 {random.randrange(10**6)}"

    asking = new_page(mobile=True)
    log_in(asking, enterprise)
    asking.goto("/#/services")
    asking.get_by_role("link", name="提出服务诉求").click()
    expect(asking.locator("#view .page-title")).to_have_text("提出服务诉求")
    form = asking.locator("form.service-ask-form")
    form.get_by_label("服务类别").select_option("legal")
    form.get_by_label("具体情况").fill("员工离职后申请仲裁，需要律师协助应诉。")
    form.get_by_role("button", name="提交诉求").click()
    # No title: the API's 422 is shown beside the field, and nothing is submitted.
    expect(form.locator("[data-field=title] .field__error")).not_to_be_empty()
    form.get_by_label("诉求标题").fill(title)
    form.get_by_label("紧急程度").select_option("urgent")
    form.get_by_role("button", name="提交诉求").click()
    expect(asking).to_have_url(REQUEST_URL)
    expect(asking.locator("#view .page-title")).to_have_text(title)
    expect(status_of(asking)).to_have_text("待派单")
    shot(asking, "request-submitted")

    board = new_page()
    log_in(board, operator)
    board.get_by_role("link", name="派单台").click()
    card = board.locator("article.service-request").filter(has_text=title)
    card.locator("summary").click()
    picker = card.get_by_label("服务机构")
    # The provider with a product serving the region comes first, in its own group.
    expect(picker.locator("optgroup").first).to_have_attribute("label", "有服务本地区的产品")
    expect(picker.locator("optgroup").first.locator("option")).to_contain_text([provider.name])
    expect(picker.locator("optgroup").last).to_contain_text(elsewhere.name)
    # Each with its figures: nothing dispatched to it yet, so no rates.
    expect(picker.locator("optgroup").first.locator("option")).to_contain_text(
        ["响应率 — · 满意率 —"]
    )
    picker.select_option(provider.id)
    card.get_by_label("派单说明（可选）").fill("请今日内联系企业。")
    shot(board, "dispatch-board")
    card.get_by_role("button", name="派单").click()
    expect(board.get_by_text("已派单。")).to_be_visible()
    expect(board.locator("article.service-request").filter(has_text=title)).to_have_count(0)
    expect(status_of(asking)).to_have_text("已派单")  # live, without a reload

    desk = new_page()
    log_in(desk, provider)
    desk.get_by_role("link", name="诉求工作台").click()
    waiting = desk.locator("section.results").filter(has_text="待签收")
    waiting.get_by_role("link", name=title).click()
    expect(desk.locator("#view .page-title")).to_have_text(title)
    expect(desk.locator("#view")).to_contain_text("请今日内联系企业。")
    desk.get_by_role("button", name="签收").click()
    confirm_binding(desk, shows=(title, "法律"))
    expect(desk.get_by_text("已签收。")).to_be_visible()
    expect(status_of(asking)).to_have_text("办理中")
    desk.get_by_label("留言内容").fill("已电话联系，周三上门。")
    desk.get_by_role("button", name="发送留言").click()
    expect(asking.locator(".request-timeline")).to_contain_text("已电话联系，周三上门。")
    desk.get_by_label("办理结果").fill("已协助企业完成仲裁答辩。")
    desk.get_by_role("button", name="办结").click()
    expect(status_of(desk)).to_have_text("已办结")
    shot(desk, "request-resolved")

    expect(status_of(asking)).to_have_text("已办结")
    feedback = asking.locator("form.request-feedback")
    feedback.get_by_label("满意度").select_option("5")
    feedback.get_by_label("评价（可选）").fill("响应很快。")
    feedback.get_by_role("button", name="提交评价").click()
    expect(asking.get_by_text("感谢评价，诉求已结案。")).to_be_visible()
    expect(status_of(asking)).to_have_text("已回访")
    steps = asking.locator(".request-timeline > li strong")
    expect(steps).to_have_text(["提出诉求", "派单", "签收", "留言", "办结", "回访评价", "结案"])
    expect(asking.locator("form.request-feedback")).to_have_count(0)
    shot(asking, "request-closed")

    asking.get_by_role("link", name="服务诉求").click()
    mine = asking.locator("article.service-request").filter(has_text=title)
    expect(mine).to_contain_text("已回访")
    expect(mine).to_contain_text("5 分")

    # The operator's assessment table counts it for the provider: accepted, resolved, satisfied.
    board.get_by_role("link", name="机构考核").click()
    row = board.locator(f"table.assessment-table tr[data-provider-id='{provider.id}']")
    expect(row.locator("th")).to_have_text(provider.name)
    expect(row.locator("td").nth(1)).to_have_text("100%")  # 满意率
    expect(row.locator("td").nth(4)).to_have_text("1")  # 诉求数
    shot(board, "provider-assessment")


def test_an_order_goes_to_the_products_provider_who_returns_it_to_the_board(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    enterprise = accounts.enterprise()
    operator = accounts.staff("operator")
    provider = accounts.provider("legal")
    product = publish(accounts, provider, pricing="market", price="1500")

    ordering = new_page()
    log_in(ordering, enterprise)
    ordering.goto(f"/#/services/{product['id']}")
    ordering.get_by_role("link", name="下单此服务").click()
    expect(ordering.locator("#view .page-title")).to_have_text("下单服务产品")
    expect(ordering.locator("#view")).to_contain_text(product["name"])
    expect(ordering.locator("#view [name=category]")).to_have_count(0)
    title = f"规章制度审查 {random.randrange(10**6)}"
    ordering.get_by_label("诉求标题").fill(title)
    ordering.get_by_label("具体情况").fill("员工手册修订。")
    ordering.get_by_role("button", name="提交订单").click()
    expect(ordering).to_have_url(REQUEST_URL)
    expect(status_of(ordering)).to_have_text("已派单")
    expect(ordering.locator("#view")).to_contain_text(provider.name)

    desk = new_page()
    log_in(desk, provider)
    desk.goto(ordering.url.split("#")[0] + "#/provider/requests")
    desk.locator("section.results").filter(has_text="待签收").get_by_role(
        "link", name=title
    ).click()
    desk.get_by_role("button", name="退单").click()
    dialog = desk.get_by_role("dialog")
    dialog.get_by_label("退单原因").fill("本所近期无法安排律师。")
    confirm_binding(desk, shows=(title,))
    expect(desk.get_by_text("已退单。")).to_be_visible()
    # No longer the provider's to read: the page does not re-read it into an error.
    expect(desk.get_by_role("link", name="返回诉求工作台")).to_be_visible()
    expect(desk.get_by_role("alert")).to_have_count(0)
    expect(status_of(ordering)).to_have_text("待派单")
    expect(ordering.locator(".request-timeline")).to_contain_text("本所近期无法安排律师。")

    board = new_page()
    log_in(board, operator)
    board.goto(ordering.url.split("#")[0] + "#/operator/dispatch")
    waiting = board.locator("section.results").filter(has_text="待派单")
    expect(waiting.locator("article.service-request").filter(has_text=title)).to_be_visible()
    shot(board, "returned-on-the-board")
