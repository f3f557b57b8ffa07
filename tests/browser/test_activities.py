"""The activity calendar and seats, clicked through: an operator schedules a training with
seats, enterprises sign up with their attendees (one waitlisted, a later smaller one fits),
the calendar filters by kind, and the check-in desk records the persons who attended; the
calendar in English on a phone."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.accounts import Accounts, confirm_binding, log_in, open_page
from tests.browser.test_events import card, desk_row, local_time

Shot = Callable[[Page, str], Path]


def sign_up_with(page: Page, name: str, attendees: int) -> Locator:
    box = card(page, name).locator(".signup-box")
    box.get_by_label("参加人数").fill(str(attendees))
    box.get_by_role("button", name="报名").click()
    return box


def test_a_training_takes_seats_by_attendees_and_the_desk_records_who_came(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    tag = str(random.randint(10_000, 99_999))
    name = f"中小企业数字化转型实务培训 {tag}"
    operator = accounts.staff("operator")
    first = accounts.enterprise(name=f"甲方精工机械有限公司 {tag}")
    second = accounts.enterprise(name=f"乙方纺织科技有限公司 {tag}")
    third = accounts.enterprise(name=f"丙方食品加工有限公司 {tag}")

    # The operator schedules a training with three seats: the capacity is labelled seats.
    desk = new_page()
    log_in(desk, operator)
    open_page(desk, "/exhibitions")
    desk.locator("summary", has_text="安排展会").click()
    form = desk.locator("form.schedule-form")
    form.get_by_label("活动类型").select_option("training")
    form.get_by_label("展会名称").fill(name)
    form.get_by_label("场馆或线上平台").fill("杭州市中小企业服务中心 3 楼培训室")
    form.get_by_label("开始时间", exact=True).fill(local_time(10))
    form.get_by_label("结束时间", exact=True).fill(local_time(10.2))
    form.get_by_label("报名截止时间", exact=True).fill(local_time(9))
    form.get_by_label("座位数").fill("3")
    form.get_by_label("活动介绍").fill("上云用数赋智：财务与进销存系统选型实务")
    shot(desk, "schedule-training")
    form.get_by_role("button", name="发布展会").click()
    expect(desk.get_by_role("status")).to_contain_text(f"已发布展会：{name}")
    expect(card(desk, name)).to_contain_text("培训")
    expect(card(desk, name)).to_contain_text("0 / 3")

    # The first enterprise (on a phone) takes two seats.
    one = new_page(mobile=True)
    log_in(one, first)
    open_page(one, "/exhibitions")
    box = sign_up_with(one, name, 2)
    expect(one.get_by_role("status")).to_contain_text("报名成功，已确认 2 个座位")
    expect(box).to_contain_text("已确认")
    expect(box).to_contain_text("2 人")
    expect(card(one, name)).to_contain_text("2 / 3")
    shot(one, "first-two-seats")

    # Two more do not fit into the one seat left: waitlisted. A single attendee still fits.
    two = new_page()
    log_in(two, second)
    open_page(two, "/exhibitions")
    box = sign_up_with(two, name, 2)
    expect(two.get_by_role("status")).to_contain_text("剩余座位不足")
    expect(box).to_contain_text("候补第 1 位")
    three = new_page()
    log_in(three, third)
    open_page(three, "/exhibitions")
    sign_up_with(three, name, 1)
    expect(card(three, name).locator(".signup-box")).to_contain_text("已确认")
    shot(two, "second-waitlisted")

    # The calendar filters by kind.
    kind = three.get_by_label("活动类型")
    kind.select_option("lecture")
    expect(card(three, name)).to_have_count(0)
    kind.select_option("training")
    expect(card(three, name)).to_be_visible()

    # At the desk the operator records that one of the first enterprise's two came.
    card(desk, name).get_by_role("link", name=name).click()
    expect(desk.get_by_role("heading", name="签到台")).to_be_visible()
    expect(desk.locator(".exhibition-facts")).to_contain_text("上云用数赋智")
    row = desk_row(desk, first.name)
    expect(row).to_contain_text("2")
    row.get_by_label(f"{first.name} 实到人数").fill("3")
    row.get_by_role("button", name="签到").click()
    expect(desk.get_by_role("alert")).to_contain_text("签到人数")
    expect(row.get_by_role("button", name="签到")).to_be_visible()  # refused: more than signed up
    row.get_by_label(f"{first.name} 实到人数").fill("1")
    row.get_by_role("button", name="签到").click()
    expect(row).to_contain_text("实到 1 / 2 人")
    expect(row.get_by_role("button", name="签到")).to_have_count(0)
    expect(desk.locator(".desk__summary")).to_contain_text("座位 3 / 3，实到 1 人")
    expect(desk_row(desk, second.name)).to_contain_text("候补第 1 位")
    shot(desk, "desk-attended")

    # Removing the single attendee frees one seat: the waitlisted two still do not fit.
    desk_row(desk, third.name).get_by_role("button", name="移除").click()
    confirm_binding(desk, shows=(third.name, "3 / 3", "人数合适"))
    expect(desk_row(desk, third.name)).to_contain_text("已取消")
    expect(desk_row(desk, second.name)).to_contain_text("候补第 1 位")
    expect(desk.locator(".exhibition-facts")).to_contain_text("2 / 3")


def test_the_calendar_in_english_on_a_phone_shows_kinds_and_seats(
    new_page: Callable[..., Page], accounts: Accounts
) -> None:
    tag = str(random.randint(10_000, 99_999))
    name = f"Export compliance lecture {tag}"
    operator = accounts.staff("operator")
    body = {
        "name": name,
        "venue": "Online",
        "online": True,
        "starts_at": f"{local_time(10)}:00+08:00",
        "ends_at": f"{local_time(10.1)}:00+08:00",
        "capacity": 40,
        "signup_deadline": f"{local_time(9)}:00+08:00",
        "kind": "lecture",
    }
    accounts.api("POST", "/exhibitions", operator, json=body)
    page = new_page(mobile=True)
    open_page(page, "/exhibitions")
    page.locator("#language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(card(page, name)).to_contain_text("Lecture")
    expect(card(page, name)).to_contain_text("Seats taken")
    expect(card(page, name)).to_contain_text("0 of 40")
    page.get_by_label("Kind").select_option("lecture")
    expect(card(page, name)).to_be_visible()
