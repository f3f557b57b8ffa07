"""The page shell: CSP-clean start, register and log in, navigation by role, logout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, log_in, pick_industry, pick_region
from tests.browser.conftest import LiveServer
from tests.support import new_credit_code


def test_pages_are_served_with_a_content_security_policy(live_server: LiveServer) -> None:
    answer = httpx.get(live_server.url + "/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "content-security-policy" not in httpx.get(live_server.url + "/api/v1/stats").headers


def test_a_new_enterprise_registers_and_is_logged_in(
    new_page: Callable[..., Page], shot: Callable[[Page, str], Path]
) -> None:
    page = new_page(mobile=True)
    page.goto("/#/register")
    page.get_by_label("机构名称").fill("杭州西湖精工机械有限公司")
    page.get_by_label("统一社会信用代码").fill(new_credit_code())
    pick_region(page, "330106")
    pick_industry(page, "C34")
    page.get_by_label("密码").fill("a-long-password-2026")
    shot(page, "register")
    page.get_by_role("button", name="注册并登录").click()
    expect(page.locator("#account .account__name")).to_have_text("杭州西湖精工机械有限公司")
    expect(page.get_by_role("link", name="我的发布")).to_be_visible()
    shot(page, "registered")


def test_a_rejected_registration_shows_the_reason_and_stays(
    new_page: Callable[..., Page],
) -> None:
    page = new_page()
    page.goto("/#/register")
    page.get_by_label("机构名称").fill("校验位错误的公司")
    page.get_by_label("统一社会信用代码").fill("91330106MA2B3C4D5X")
    pick_region(page, "330106")
    page.get_by_label("密码").fill("a-long-password-2026")
    page.get_by_role("button", name="注册并登录").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    expect(page.get_by_role("link", name="注册")).to_be_visible()


def test_logout_ends_the_session_on_the_server(
    new_page: Callable[..., Page], accounts: Accounts, live_server: LiveServer
) -> None:
    who = accounts.enterprise()
    page = new_page()
    log_in(page, who)
    token = page.evaluate("JSON.parse(sessionStorage.getItem('market.session')).token")
    me = httpx.get(
        live_server.url + "/api/v1/organizations/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert me.status_code == 200
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('market.session')") is None
    after = httpx.get(
        live_server.url + "/api/v1/organizations/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert after.status_code == 401
    assert token not in page.url


def test_pages_for_other_roles_are_refused_and_anonymous_visitors_are_sent_to_login(
    new_page: Callable[..., Page], accounts: Accounts
) -> None:
    page = new_page()
    page.goto("/#/audit")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    log_in(page, accounts.enterprise())
    page.goto("/#/audit")
    expect(page.get_by_role("heading", name="当前账号无权访问该页面")).to_be_visible()
