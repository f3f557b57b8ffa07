"""The account pages of issue 21: an admin edits the profile (a bank's new name waits for
verification again), changes the password and manages members; an operator suspends and
reinstates an organization and removes a posting, each behind a confirmation with the reason.
Every outcome is checked over the API too, so the page cannot merely claim it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.accounts import Accounts, confirm_binding, log_in, open_page
from tests.support import posting_body

Shot = Callable[[Page, str], Path]
NEW_PASSWORD = "a brand new password"


def test_an_admin_renames_a_bank_and_changes_the_password(
    accounts: Accounts, new_page: Callable[..., Page], shot: Shot
) -> None:
    bank = accounts.bank()
    page = new_page()
    log_in(page, bank)
    open_page(page, "/account")
    profile = page.locator("#profile-form")
    profile.locator("input[name=name]").fill("杭州联合银行股份有限公司")
    profile.get_by_role("button", name="保存资料").click()
    expect(profile.get_by_role("status")).to_contain_text("重新认证")
    public = accounts.http.get(f"/organizations/{bank.id}").json()
    assert (public["name"], public["verified"]) == ("杭州联合银行股份有限公司", False)

    passwords = page.locator("#password-form")
    passwords.locator("input[name=old_password]").fill("not my password")
    passwords.locator("input[name=new_password]").fill(NEW_PASSWORD)
    passwords.get_by_role("button", name="修改密码").click()
    expect(passwords.get_by_role("alert")).to_contain_text("原密码错误")
    passwords.locator("input[name=old_password]").fill(bank.password)
    passwords.locator("input[name=new_password]").fill(NEW_PASSWORD)
    passwords.get_by_role("button", name="修改密码").click()
    expect(passwords.get_by_role("status")).to_contain_text("密码已修改")
    shot(page, "account")
    body = {"credit_code": bank.credit_code, "password": NEW_PASSWORD}
    assert accounts.http.post("/sessions", json=body).status_code == 201
    old = {"credit_code": bank.credit_code, "password": bank.password}
    assert accounts.http.post("/sessions", json=old).status_code == 401


def test_an_admin_adds_a_member_and_disables_it_after_a_confirmation(
    accounts: Accounts, new_page: Callable[..., Page]
) -> None:
    enterprise = accounts.enterprise()
    page = new_page()
    log_in(page, enterprise)
    open_page(page, "/account")
    form = page.locator("#member-form")
    form.locator("input[name=name]").fill("王晓")
    form.locator("input[name=login]").fill(f"wang.{enterprise.credit_code.lower()}")
    form.locator("input[name=password]").fill("loan officer 2026")
    form.get_by_role("button", name="添加成员").click()
    row = page.locator(".members__table tbody tr", has_text="王晓")
    expect(row).to_contain_text("正常")
    login = {"login": f"wang.{enterprise.credit_code.lower()}", "password": "loan officer 2026"}
    assert accounts.http.post("/sessions", json=login).status_code == 201
    # The member signs in on the login page with its login name (not a credit code).
    member = new_page()
    member.goto("/#/login")
    member.get_by_label("统一社会信用代码或登录名").fill(login["login"])
    member.get_by_label("密码").fill(login["password"])
    member.get_by_role("button", name="登录").click()
    expect(member.locator("#account .account__name")).to_have_text(enterprise.name)

    row.get_by_role("button", name="停用 王晓").click()
    page.get_by_role("dialog").get_by_role("button", name="取消").click()  # nothing happens
    expect(row).to_contain_text("正常")
    row.get_by_role("button", name="停用 王晓").click()
    confirm_binding(page, shows=("王晓",))
    expect(row).to_contain_text("已停用")
    assert accounts.http.post("/sessions", json=login).status_code == 401


def test_an_operator_suspends_and_reinstates_with_a_reason(
    accounts: Accounts, new_page: Callable[..., Page], shot: Shot
) -> None:
    enterprise = accounts.enterprise()
    operator = accounts.staff("operator")
    page = new_page()
    log_in(page, operator)
    open_page(page, "/operator/organizations")
    page.locator("input[name=q]").fill(enterprise.credit_code)
    row = page.locator(f'tr[data-id="{enterprise.id}"]')
    row.get_by_role("button", name=f"暂停 {enterprise.name}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("理由（该机构可见）").fill("冒用他人信用代码")
    confirm_binding(page, shows=(enterprise.credit_code,))
    expect(row).to_contain_text("已暂停")
    expect(row).to_contain_text("冒用他人信用代码")
    shot(page, "suspended")
    own = accounts.http.get("/organizations/me", headers=enterprise.auth).json()
    assert (own["suspended"], own["suspension_reason"]) == (True, "冒用他人信用代码")

    row.get_by_role("button", name=f"恢复 {enterprise.name}").click()
    dialog.locator("button[type=submit]").click()  # without a reason the dialog stays
    expect(dialog.get_by_role("alert")).to_be_visible()
    dialog.get_by_label("理由（该机构可见）").fill("已核实身份")
    confirm_binding(page)
    expect(row).not_to_contain_text("已暂停")
    assert (
        accounts.http.get("/organizations/me", headers=enterprise.auth).json()["suspended"] is False
    )


def test_an_operator_removes_a_posting_with_a_reason(
    accounts: Accounts, new_page: Callable[..., Page]
) -> None:
    owner = accounts.enterprise()
    operator = accounts.staff("operator")
    posting = accounts.api("POST", "/postings", owner, json=posting_body())
    page = new_page()
    log_in(page, operator)
    open_page(page, f"/postings/{posting['id']}")
    page.get_by_role("button", name="下架信息").click()
    page.get_by_role("dialog").get_by_label("理由（该机构可见）").fill("发布违法信息")
    confirm_binding(page, shows=(owner.name,))
    expect(page.locator(".trade-badges")).to_contain_text("已下架")
    expect(page.locator("#view")).to_contain_text("发布违法信息")
    expect(page.get_by_role("button", name="下架信息")).to_have_count(0)
    seen = accounts.http.get(f"/postings/{posting['id']}", headers=owner.auth).json()
    assert (seen["status"], seen["removal_reason"]) == ("removed", "发布违法信息")


def test_a_provider_registers_with_its_categories_and_changes_them(
    accounts: Accounts, new_page: Callable[..., Page], shot: Shot
) -> None:
    from tests.browser.accounts import pick_region
    from tests.support import new_credit_code

    name = f"杭州之江律师事务所 {new_credit_code()[-6:]}"
    code = new_credit_code()
    page = new_page()
    page.goto("/#/register")
    page.get_by_label("机构类型").select_option("provider")
    page.get_by_label("机构名称").fill(name)
    page.get_by_label("统一社会信用代码").fill(code)
    pick_region(page, "330106")
    page.get_by_label("法律").check()
    page.get_by_label("认证认可").check()
    page.get_by_label("密码").fill("a-long-password-2026")
    shot(page, "register-provider")
    page.get_by_role("button", name="注册并登录").click()
    expect(page.locator("#account .account__name")).to_have_text(name)
    operator = accounts.staff("operator")
    (created,) = accounts.api("GET", "/organizations", operator, params={"q": code})["items"]
    assert (created["kind"], created["verified"]) == ("provider", False)
    assert sorted(created["service_categories"]) == ["certification", "legal"]

    open_page(page, "/account")
    profile = page.locator("#profile-form")
    expect(profile.get_by_label("法律")).to_be_checked()
    profile.get_by_label("认证认可").uncheck()
    profile.get_by_label("检验检测").check()
    profile.get_by_role("button", name="保存资料").click()
    expect(profile.get_by_role("status")).to_be_visible()
    public = accounts.http.get(f"/organizations/{created['id']}").json()
    assert sorted(public["service_categories"]) == ["legal", "testing_inspection"]
