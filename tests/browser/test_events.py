"""Exhibitions, the check-in desk and bank verification, clicked through in the browser."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import Accounts, confirm_binding, log_in, open_page
from tests.browser.conftest import LiveServer
from tests.support import future

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the browser contexts' time zone

Shot = Callable[[Page, str], Path]


def local_time(days: float) -> str:
    """A datetime-local input value, `days` from now in the browser's time zone."""
    return (datetime.now(SHANGHAI) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def suffix() -> str:
    return str(random.randint(10_000, 99_999))


def card(page: Page, name: str) -> Locator:
    return page.locator("article.exhibition-card", has_text=name)


def desk_row(page: Page, name: str) -> Locator:
    return page.locator(".desk__table tbody tr", has_text=name)


def test_exhibition_signups_waitlist_check_in_and_promotion(
    new_page: Callable[..., Page], accounts: Accounts, live_server: LiveServer, shot: Shot
) -> None:
    tag = suffix()
    name = f"杭州中小企业供需对接会 {tag}"
    operator = accounts.staff("operator")
    first = accounts.enterprise(name=f"甲方精工机械有限公司 {tag}")
    second = accounts.enterprise(name=f"乙方纺织科技有限公司 {tag}")
    third = accounts.enterprise(name=f"丙方食品加工有限公司 {tag}")

    # The operator schedules an exhibition with one booth through the form.
    desk = new_page()
    log_in(desk, operator)
    desk.get_by_role("link", name="展会活动").click()
    desk.locator("summary", has_text="安排展会").click()
    form = desk.locator("form.schedule-form")
    form.get_by_label("展会名称").fill(name)
    form.get_by_label("场馆或线上平台").fill("杭州国际博览中心 A 馆")
    form.get_by_label("开始时间", exact=True).fill(local_time(10))
    form.get_by_label("结束时间", exact=True).fill(local_time(11))
    form.get_by_label("报名截止时间", exact=True).fill(local_time(9))
    form.get_by_label("展位数").fill("1")
    shot(desk, "operator-schedule-form")
    form.get_by_role("button", name="发布展会").click()
    expect(desk.get_by_role("status")).to_contain_text(f"已发布展会：{name}")
    expect(card(desk, name)).to_contain_text("1 个展位")
    expect(card(desk, name)).to_contain_text("报名中")
    shot(desk, "operator-scheduled")

    # The first enterprise (on a phone) gets the booth.
    one = new_page(mobile=True)
    log_in(one, first)
    open_page(one, "/exhibitions")
    card(one, name).get_by_role("button", name="报名").click()
    expect(card(one, name).locator(".signup-box")).to_contain_text("已确认")
    expect(one.get_by_role("status")).to_contain_text("报名成功")
    shot(one, "first-confirmed")

    # The second one is waitlisted, first in line.
    two = new_page()
    log_in(two, second)
    open_page(two, "/exhibitions")
    card(two, name).get_by_role("button", name="报名").click()
    expect(card(two, name).locator(".signup-box")).to_contain_text("候补中")
    expect(card(two, name).locator(".signup-box")).to_contain_text("候补第 1 位")
    shot(two, "second-waitlisted")

    # The third signs up on the exhibition's own page: second in line.
    three = new_page(mobile=True)
    log_in(three, third)
    open_page(three, "/exhibitions")
    card(three, name).get_by_role("link", name=name).click()
    expect(three.get_by_role("heading", name=name)).to_be_visible()
    three.locator(".exhibition-mine").get_by_role("button", name="报名").click()
    expect(three.locator(".exhibition-mine")).to_contain_text("候补第 2 位")
    shot(three, "third-waitlisted-detail")

    # The operator's check-in desk lists all three; the search finds one by name.
    card(desk, name).get_by_role("link", name=name).click()
    expect(desk.get_by_role("heading", name="签到台")).to_be_visible()
    expect(desk.locator(".desk__table tbody tr")).to_have_count(3)
    search = desk.get_by_label("按机构名称查找")
    search.fill(first.name)
    expect(desk_row(desk, first.name)).to_be_visible()
    expect(desk_row(desk, second.name)).to_be_hidden()
    expect(desk_row(desk, third.name)).to_be_hidden()
    expect(desk_row(desk, first.name).get_by_role("button", name="签到")).to_be_visible()
    shot(desk, "desk-search-first")
    search.fill(second.name)
    expect(desk_row(desk, second.name)).to_contain_text("候补第 1 位")
    expect(desk_row(desk, second.name).get_by_role("button", name="签到")).to_have_count(0)
    search.fill("")

    # A checked-in signup cannot be cancelled any more, so the first enterprise gives up its
    # booth before the check-in: the second moves up, live on its page and on the desk.
    open_page(one, "/exhibitions")
    card(one, name).get_by_role("link", name=name).click()
    mine = one.locator(".exhibition-mine")
    expect(mine).to_contain_text("已确认")
    mine.get_by_role("button", name="取消报名").click()
    # A confirmed seat of a full exhibition goes to the waiting list: asked first.
    expect(one.get_by_role("dialog")).to_contain_text("本场已满")
    shot(one, "cancel-seat-dialog")
    confirm_binding(one, shows=(name, first.name))
    expect(mine.get_by_role("button", name="报名")).to_be_visible()
    expect(one.get_by_role("status")).to_contain_text("已取消报名")
    shot(one, "first-cancelled")
    expect(card(two, name).locator(".signup-box")).to_contain_text("已确认")
    expect(card(two, name).locator(".signup-box")).not_to_contain_text("候补")
    expect(two.get_by_role("status")).to_contain_text(f"您已由候补转为已确认：{name}")
    shot(two, "second-promoted-live")
    expect(desk_row(desk, second.name)).to_contain_text("已确认")
    expect(desk_row(desk, first.name)).to_contain_text("已取消")
    shot(desk, "desk-promoted-live")

    # The operator finds the participant by name and checks them in.
    search.fill(second.name)
    expect(desk_row(desk, first.name)).to_be_hidden()
    desk_row(desk, second.name).get_by_role("button", name="签到").click()
    expect(desk_row(desk, second.name)).to_contain_text("已签到")
    expect(desk_row(desk, second.name).get_by_role("button", name="签到")).to_have_count(0)
    expect(desk.get_by_role("status").first).to_contain_text(f"{second.name} 已签到")
    shot(desk, "desk-checked-in")

    # ... and removes the signup still waiting (it is now first in line).
    search.fill("")
    expect(desk_row(desk, third.name)).to_contain_text("候补第 1 位")
    desk_row(desk, third.name).get_by_role("button", name="移除").click()
    expect(desk_row(desk, third.name)).to_contain_text("已取消")
    expect(desk.locator(".desk__summary")).to_contain_text("已确认 1 家，候补 0 家，已签到 1 家")
    shot(desk, "desk-removed")
    expect(three.locator(".exhibition-mine").get_by_role("button", name="报名")).to_be_visible()
    shot(three, "third-removed-live")

    # Finally the operator cancels the exhibition, saying why; the others see it live.
    cancel = desk.locator("section.exhibition-cancel")
    expect(cancel.get_by_label("取消原因")).to_be_hidden()
    cancel.get_by_text("取消展会…").click()
    cancel.get_by_label("取消原因").fill("场馆临时检修，改期另行通知")
    cancel.get_by_role("button", name="取消展会").click()
    expect(desk.locator(".exhibition-status")).to_have_text("已取消")
    expect(desk.locator(".exhibition-facts")).to_contain_text("场馆临时检修，改期另行通知")
    expect(desk.locator("section.exhibition-cancel")).to_have_count(0)
    expect(desk.locator(".desk__table").get_by_role("button")).to_have_count(0)
    shot(desk, "operator-cancelled")
    expect(card(two, name).locator(".badge").first).to_have_text("已取消")
    expect(card(two, name).get_by_role("button", name="取消报名")).to_have_count(0)
    shot(two, "second-sees-cancellation")

    signups = accounts.api("GET", f"/exhibitions/{card_id(desk)}/signups", operator)["items"]
    states = {s["organization"]["id"]: (s["status"], s["checked_in_at"]) for s in signups}
    assert states[first.id] == ("cancelled", None)
    assert states[second.id][0] == "confirmed" and states[second.id][1] is not None
    assert states[third.id] == ("cancelled", None)
    for page in (desk, one, two, three):  # tokens never reach URLs
        assert operator.token not in page.url and second.token not in page.url


def card_id(page: Page) -> str:
    """The exhibition id of the detail page the operator is on (from its hash)."""
    return page.url.rsplit("/", 1)[-1]


def test_visitors_see_exhibitions_and_are_asked_to_log_in(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    operator = accounts.staff("operator")
    name = f"线上跨境电商对接会 {suffix()}"
    starts = datetime.now(UTC) + timedelta(days=20)
    accounts.api(
        "POST",
        "/exhibitions",
        operator,
        json={
            "name": name,
            "venue": "钉钉直播间",
            "online": True,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "capacity": 200,
            "signup_deadline": future(10),
        },
    )
    page = new_page(mobile=True)
    open_page(page, "/exhibitions")
    visitor = card(page, name)
    expect(visitor).to_contain_text("线上 · 钉钉直播间")
    expect(visitor).to_contain_text("200 个展位")
    expect(visitor.get_by_role("button", name="报名")).to_have_count(0)
    expect(visitor.get_by_role("link", name="登录企业账号后报名")).to_be_visible()
    shot(page, "visitor-list")
    page.locator("#language").select_option("en")
    expect(
        card(page, name).get_by_role("link", name="Log in as an enterprise to sign up")
    ).to_be_visible()
    expect(card(page, name)).to_contain_text("200 booths")
    shot(page, "visitor-list-en")
    card(page, name).get_by_role("link", name="Log in as an enterprise to sign up").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    shot(page, "visitor-login")


def test_operator_verifies_a_waiting_bank(
    new_page: Callable[..., Page], accounts: Accounts, live_server: LiveServer, shot: Shot
) -> None:
    bank = accounts.bank(verified=False, name=f"杭州联合农村商业银行 {suffix()}")
    operator = accounts.staff("operator")
    page = new_page(mobile=True)
    log_in(page, operator)
    page.get_by_role("link", name="银行认证").click()
    waiting = page.locator("section.banks--waiting")
    row = waiting.locator("tbody tr", has_text=bank.name)
    expect(row).to_contain_text(bank.credit_code)
    shot(page, "banks-waiting")
    row.get_by_role("button", name=re.compile("^认证")).click()
    confirm_binding(page, shows=(bank.name, bank.credit_code))
    expect(page.get_by_role("status")).to_contain_text(f"已认证：{bank.name}")
    expect(waiting.locator("tbody tr", has_text=bank.name)).to_have_count(0)
    expect(page.locator("section.banks--verified tbody tr", has_text=bank.name)).to_be_visible()
    shot(page, "banks-verified")

    # The bank, logging in now, is verified.
    own = new_page(mobile=True)
    log_in(own, bank)
    shot(own, "bank-logged-in")
    assert own.evaluate(
        "JSON.parse(sessionStorage.getItem('market.session')).organization.verified"
    )
    token = own.evaluate("JSON.parse(sessionStorage.getItem('market.session')).token")
    me = httpx.get(
        live_server.url + "/api/v1/organizations/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.status_code == 200, me.text
    assert me.json()["verified"] is True


def test_operator_turns_a_bank_down_with_a_reason_after_confirming(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    bank = accounts.bank(verified=False, name=f"无锡测试村镇银行 {suffix()}")
    operator = accounts.staff("operator")
    page = new_page()
    log_in(page, operator)
    open_page(page, "/operator/banks")
    row = page.locator("section.banks--waiting tbody tr", has_text=bank.name)
    row.get_by_role("button", name="不予认证").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(bank.credit_code)
    dialog.get_by_role("button", name="确认不予认证").click()
    expect(dialog.get_by_role("alert")).to_contain_text("请填写理由")
    dialog.get_by_label("理由（银行将看到）").fill("营业执照与名称不符")
    shot(page, "bank-reject-dialog")
    confirm_binding(page)
    expect(page.get_by_role("status")).to_contain_text(f"已不予认证：{bank.name}")
    profile = accounts.api("GET", "/organizations/me", bank)
    assert profile["verified"] is False
    assert profile["rejection_reason"] == "营业执照与名称不符"


def test_staff_find_organizations_and_see_their_status(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    waiting = accounts.bank(verified=False, name=f"宁波测试银行 {suffix()}")
    turned_down = accounts.bank(verified=False, name=f"温州测试银行 {suffix()}")
    operator = accounts.staff("operator")
    body = {"approve": False, "reason": "材料不全"}
    accounts.api("POST", f"/organizations/{turned_down.id}/verify", operator, json=body)
    page = new_page()
    log_in(page, operator)
    page.get_by_role("link", name="机构管理").click()
    expect(page.get_by_role("heading", name="入驻机构")).to_be_visible()
    search = page.get_by_label("名称或统一社会信用代码")
    search.fill(turned_down.credit_code)
    rows = page.locator(".organizations__table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("未通过认证")
    expect(rows).to_contain_text("理由：材料不全")
    expect(rows).to_contain_text("浙江省 杭州市 西湖区")
    search.fill(waiting.name)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("待认证")
    shot(page, "organizations-search")
    rows.get_by_role("button", name=re.compile("^认证")).click()
    confirm_binding(page, shows=(waiting.name, waiting.credit_code))
    expect(rows).to_contain_text("已认证")
    page.get_by_label("状态").select_option("rejected")
    search.fill("")
    expect(rows.filter(has_text=turned_down.name)).to_have_count(1)
    expect(rows.filter(has_text=waiting.name)).to_have_count(0)
    # A service provider waits for verification too, and is verified here (found by the API,
    # by words of its name, whatever their case).
    provider = accounts.provider("legal", verified=False, name=f"Zhijiang Law Firm {suffix()}")
    page.get_by_label("状态").select_option("waiting")
    page.get_by_label("类型").select_option("provider")
    search.fill(provider.name.upper())
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("服务机构")
    rows.get_by_role("button", name=re.compile("^认证")).click()
    confirm_binding(page, shows=(provider.name, provider.credit_code))
    expect(rows).to_have_count(0)  # no longer waiting
    page.get_by_label("状态").select_option("verified")
    expect(rows).to_contain_text("已认证")
    assert accounts.http.get(f"/organizations/{provider.id}").json()["verified"] is True

    auditor = new_page()
    log_in(auditor, accounts.staff("auditor"))
    open_page(auditor, "/operator/organizations")
    auditor.get_by_label("名称或统一社会信用代码").fill(waiting.credit_code)
    expect(auditor.locator(".organizations__table tbody tr")).to_have_count(1)  # searched
    expect(auditor.locator(".organizations__table tbody tr")).to_contain_text("已认证")
    expect(auditor.locator(".organizations__table").get_by_role("button")).to_have_count(0)
