"""Trade pages: publish, bid, see the bid arrive live, accept, sign the contract online; revise,
withdraw and reject; markup in user text stays text."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from random import randint

import httpx
from playwright.sync_api import Dialog, Page, expect

from tests.browser.accounts import (
    Accounts,
    confirm_binding,
    log_in,
    open_page,
    pick_industry,
    pick_region,
)
from tests.browser.conftest import LiveServer
from tests.support import bid_body, future, new_credit_code, posting_body

Shot = Callable[[Page, str], Path]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
REFUSED_REVISION = "该供需信息已有有效报价，不能修改；请撤回后重新发布"


def id_in(page: Page, kind: str) -> str:
    found = re.search(rf"#/{kind}/({UUID})$", page.url)
    assert found, page.url
    return found.group(1)


def register(page: Page, name: str) -> None:
    page.goto("/#/register")
    page.get_by_label("机构名称").fill(name)
    page.get_by_label("统一社会信用代码").fill(new_credit_code())
    pick_region(page, "330106")
    pick_industry(page, "C33")
    page.get_by_label("密码").fill("a-long-password-2026")
    page.get_by_role("button", name="注册并登录").click()
    expect(page.locator("#account .account__name")).to_have_text(name)


def publish_demand(page: Page, title: str, shot: Shot) -> str:
    page.get_by_role("link", name="发布新的供需信息").click()
    expect(page.get_by_role("heading", name="发布供需信息")).to_be_visible()
    page.get_by_label("类型").select_option("demand")
    page.get_by_label("标题").fill(title)
    page.get_by_label("详细说明").fill("Q235 热轧卷板，厚度 3mm，送货到杭州。")
    pick_industry(page, "C33")
    page.get_by_label("数量").fill("200")
    page.get_by_label("单位").fill("吨")
    page.get_by_label("最低单价").fill("9000")
    page.get_by_label("最高单价").fill("12000")
    # Pre-filled from the profile: the picker shows the names, the form sends the code.
    expect(page.locator("#view input[name=region]")).to_have_value("330106")
    expect(page.get_by_label("区县").locator("option:checked")).to_have_text("西湖区")
    expect(page.get_by_label("截止日期")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    shot(page, "posting-form")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page).to_have_url(re.compile(rf"#/postings/{UUID}$"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    return id_in(page, "postings")


def signed_contracts(page: Page) -> int:
    figure = page.locator('[data-stat="contracts.signed"]')
    expect(figure).to_have_text(re.compile(r"\d"))
    return int(re.sub(r"\D", "", figure.inner_text()))


def test_a_new_enterprise_publishes_and_a_live_bid_becomes_a_signed_contract(
    new_page: Callable[..., Page], accounts: Accounts, live_server: LiveServer, shot: Shot
) -> None:
    signed_before = httpx.get(live_server.url + "/api/v1/stats").json()["contracts"]["signed"]
    buyer_name = f"杭州求购测试有限公司{randint(1, 10**6)}"
    title = "求购 Q235 热轧卷板 200 吨"
    buyer = new_page()
    register(buyer, buyer_name)
    expect(buyer.get_by_role("heading", name="我的发布")).to_be_visible()
    shot(buyer, "my-postings")
    posting_id = publish_demand(buyer, title, shot)
    expect(buyer.locator(".trade-facts")).to_contain_text("¥9,000.00 – ¥12,000.00 / 吨")
    expect(buyer.get_by_text("暂无报价")).to_be_visible()
    expect(buyer.locator(".live-badge")).to_have_text("实时更新中")
    shot(buyer, "posting-owner-before-bid")

    seller_who = accounts.enterprise()
    seller = new_page(mobile=True)
    log_in(seller, seller_who)
    open_page(seller, f"/postings/{posting_id}")
    expect(seller.get_by_role("heading", name=title)).to_be_visible()
    expect(seller.get_by_role("link", name="修改")).to_have_count(0)
    expect(seller.get_by_role("button", name="撤回发布")).to_have_count(0)
    seller.get_by_label("报价单价").fill("10500")
    seller.get_by_label("数量").fill("200")
    seller.get_by_label("交货天数").fill("15")
    seller.get_by_label("留言").fill("现货，可按期交货")
    shot(seller, "posting-bid-form")
    seller.get_by_role("button", name="提交报价").click()
    expect(seller.get_by_text("报价已提交。")).to_be_visible()
    expect(seller.locator("section.trade-bids tbody tr")).to_contain_text("已提交")
    shot(seller, "posting-bid-placed")

    # The owner's page was open all along: the sealed bid arrives over the stream.
    row = buyer.locator("tr", has_text=seller_who.name)
    expect(row).to_contain_text("¥10,500.00")
    expect(row).to_contain_text("现货，可按期交货")
    expect(buyer.locator(".fact", has_text="报价数").locator("dd")).to_have_text("1")
    shot(buyer, "posting-owner-bid-arrived")
    row.get_by_role("button", name="接受").click()
    # The confirmation restates the party and the exact amount (10,500 × 200) before anything
    # is written.
    expect(buyer.get_by_role("dialog")).to_be_visible()
    shot(buyer, "accept-dialog")
    confirm_binding(buyer, shows=(seller_who.name, "¥10,500.00 / 吨", "¥2,100,000.00"))
    expect(buyer.get_by_text("已接受报价，合同已生成。")).to_be_visible()
    expect(buyer.locator(".trade-badges")).to_contain_text("已成交")
    shot(buyer, "posting-awarded")
    buyer.get_by_role("link", name="查看合同").click()
    expect(buyer).to_have_url(re.compile(rf"#/contracts/{UUID}$"))
    contract_id = id_in(buyer, "contracts")
    expect(buyer.get_by_role("heading", name=title)).to_be_visible()
    expect(buyer.locator(".digest")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(buyer.locator("tr", has_text=buyer_name)).to_contain_text("买方")
    expect(buyer.locator("tr", has_text=seller_who.name)).to_contain_text("卖方")
    shot(buyer, "contract-drafted")
    expect(buyer.locator(".fact", has_text="金额（大写）").locator("dd")).to_have_text(
        "贰佰壹拾万元整"
    )
    buyer.get_by_role("button", name="签署合同").click()
    digest = buyer.locator(".digest").inner_text()
    expect(buyer.get_by_role("dialog")).to_be_visible()
    shot(buyer, "sign-dialog")
    confirm_binding(
        buyer,
        shows=(seller_who.name, "¥2,100,000.00", "贰佰壹拾万元整", digest),
        password="a-long-password-2026",
    )
    expect(buyer.get_by_text("您已签署，等待对方签署。")).to_be_visible()
    shot(buyer, "contract-signed-by-buyer")

    # The winning bidder's page learnt of the award live, with the way to the contract.
    expect(seller.locator(".trade-badges")).to_contain_text("已成交")
    seller.get_by_role("link", name="查看合同").click()
    expect(seller).to_have_url(re.compile(rf"#/contracts/{contract_id}$"))
    seller.get_by_role("button", name="签署合同").click()
    confirm_binding(seller, shows=(buyer_name, "¥2,100,000.00"), password=seller_who.password)
    expect(seller.locator(".trade-badges .badge")).to_have_text("已签署")
    shot(seller, "contract-signed")
    expect(buyer.locator(".trade-badges .badge")).to_have_text("已签署")
    shot(buyer, "contract-signed-live")

    buyer.get_by_role("link", name="合同", exact=True).click()
    buyer.get_by_label("合同状态").select_option("signed")
    listed = buyer.locator("tr", has_text=title)
    expect(listed).to_contain_text("已签署")
    expect(listed).to_contain_text("¥2,100,000.00")
    expect(listed).to_contain_text("买方")
    shot(buyer, "contracts")

    seller.get_by_role("link", name="平台统计").click()
    assert signed_contracts(seller) >= signed_before + 1
    shot(seller, "stats")


def test_owner_revises_withdraws_and_rejects_and_a_bidder_withdraws(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner_who, bidder_who, other_who = (accounts.enterprise() for _ in range(3))
    first = accounts.api(
        "POST", "/postings", owner_who, json=posting_body(title="待修改的求购信息")
    )
    owner = new_page()
    log_in(owner, owner_who)
    open_page(owner, f"/postings/{first['id']}")
    owner.get_by_role("link", name="修改").click()
    expect(owner.get_by_role("heading", name="修改供需信息")).to_be_visible()
    expect(owner.get_by_label("类型")).to_be_disabled()
    owner.get_by_label("标题").fill("修改后的求购信息")
    owner.get_by_label("最高单价").fill("17000")
    shot(owner, "revise-form")
    owner.get_by_role("button", name="保存修改").click()
    expect(owner.get_by_role("heading", name="修改后的求购信息")).to_be_visible()
    expect(owner.locator(".trade-facts")).to_contain_text("¥14,000.00 – ¥17,000.00 / 吨")
    shot(owner, "revised")
    owner.get_by_role("button", name="撤回发布").click()
    owner.get_by_role("button", name="确认撤回").click()
    expect(owner.locator(".trade-badges")).to_contain_text("已撤回")
    expect(owner.get_by_role("link", name="修改")).to_have_count(0)
    shot(owner, "withdrawn")

    second = accounts.api(
        "POST", "/postings", owner_who, json=posting_body(title="有报价的求购信息")
    )
    bids_path = f"/postings/{second['id']}/bids"
    accounts.api("POST", bids_path, other_who, json=bid_body(unit_price="15500.00"))
    bidder = new_page(mobile=True)
    log_in(bidder, bidder_who)
    open_page(bidder, f"/postings/{second['id']}")
    bidder.get_by_label("报价单价").fill("14800")
    bidder.get_by_role("button", name="提交报价").click()
    mine = bidder.locator("section.trade-bids tbody tr")
    expect(mine).to_contain_text("已提交")
    expect(bidder.get_by_role("button", name="提交报价")).to_have_count(0)
    shot(bidder, "bid-placed")
    bidder.get_by_role("button", name="撤回报价").click()
    expect(mine).to_contain_text("已撤回")
    expect(bidder.get_by_role("button", name="提交报价")).to_be_visible()
    shot(bidder, "bid-withdrawn")

    open_page(owner, f"/postings/{second['id']}")
    expect(owner.locator("tr", has_text=bidder_who.name)).to_contain_text("已撤回")
    row = owner.locator("tr", has_text=other_who.name)
    expect(row).to_contain_text("¥15,500.00")
    row.get_by_role("button", name="拒绝").click()
    owner.get_by_label("拒绝理由").fill("价格高于预算")
    shot(owner, "reject-form")
    owner.get_by_role("button", name="确认拒绝").click()
    expect(row).to_contain_text("已拒绝")
    expect(row).to_contain_text("理由：价格高于预算")
    shot(owner, "bid-rejected")

    third = accounts.api(
        "POST", "/postings", owner_who, json=posting_body(title="已有报价不能修改")
    )
    accounts.api("POST", f"/postings/{third['id']}/bids", other_who, json=bid_body())
    open_page(owner, f"/postings/{third['id']}")
    owner.get_by_role("link", name="修改").click()
    owner.get_by_label("数量").fill("600")
    owner.get_by_role("button", name="保存修改").click()
    expect(owner.get_by_role("alert")).to_contain_text(REFUSED_REVISION)
    expect(owner.get_by_role("heading", name="修改供需信息")).to_be_visible()
    shot(owner, "revision-refused")


def test_markup_in_a_title_is_shown_as_text_on_every_trade_page(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    markup = "<img src=x onerror=alert(1)>"
    owner_who, bidder_who = accounts.enterprise(), accounts.enterprise()
    posting = accounts.api(
        "POST", "/postings", owner_who, json=posting_body(title=markup, description=markup)
    )
    bid = accounts.api("POST", f"/postings/{posting['id']}/bids", bidder_who, json=bid_body())
    accepted = accounts.api(
        "POST", f"/postings/{posting['id']}/bids/{bid['id']}/accept", owner_who, json={}
    )
    page = new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    log_in(page, owner_who)
    open_page(page, f"/postings/{posting['id']}")
    expect(page.get_by_role("heading", name=markup)).to_be_visible()
    expect(page.locator(".trade-description")).to_have_text(markup)
    expect(page.get_by_role("link", name="查看合同")).to_have_attribute(
        "href", f"#/contracts/{accepted['contract_id']}"
    )
    shot(page, "posting")
    open_page(page, "/my/postings")
    page.get_by_label("状态").select_option("awarded")
    expect(page.get_by_role("link", name=markup)).to_be_visible()
    shot(page, "my-postings")
    open_page(page, f"/contracts/{accepted['contract_id']}")
    expect(page.get_by_role("heading", name=markup)).to_be_visible()
    expect(page.locator(".fact", has_text="标的").locator("dd")).to_have_text(markup)
    shot(page, "contract")
    expect(page.locator('img[src="x"]')).to_have_count(0)
    assert dialogs == []


def test_owner_sees_matches_and_accepts_a_bid_made_at_an_exhibition(
    new_page: Callable[..., Page], accounts: Accounts, shot: Shot
) -> None:
    owner_who, bidder_who = accounts.enterprise(), accounts.enterprise()
    operator = accounts.staff("operator")
    fair = f"中小企业采购对接会 {randint(1, 10**6)}"
    exhibition = accounts.api(
        "POST",
        "/exhibitions",
        operator,
        json={
            "name": fair,
            "venue": "杭州国际博览中心",
            "online": False,
            "starts_at": future(10),
            "ends_at": future(11),
            "capacity": 20,
            "signup_deadline": future(5),
        },
    )
    for who in (owner_who, bidder_who):
        accounts.api("POST", f"/exhibitions/{exhibition['id']}/signups", who)
    posting = accounts.api("POST", "/postings", owner_who, json=posting_body(title="求购不锈钢板"))
    counterpart = posting_body(side="supply", title="供应不锈钢板 304", price_min="14500.00")
    accounts.api("POST", "/postings", bidder_who, json=counterpart)
    accounts.api("POST", f"/postings/{posting['id']}/bids", bidder_who, json=bid_body())

    owner = new_page(mobile=True)
    log_in(owner, owner_who)
    open_page(owner, f"/postings/{posting['id']}")
    match = owner.locator(".trade-match", has_text="供应不锈钢板 304")
    expect(match).to_contain_text(re.compile(r"匹配度 \d{1,3}%"))
    expect(match).to_contain_text("同一区县")
    owner.get_by_label("成交展会").select_option(label=fair)
    shot(owner, "posting-matches-and-accept")
    owner.locator("tr", has_text=bidder_who.name).get_by_role("button", name="接受").click()
    confirm_binding(owner, shows=(bidder_who.name, fair, "¥7,500,000.00"))
    owner.get_by_role("link", name="查看合同").click()
    expect(owner.get_by_role("heading", name="求购不锈钢板")).to_be_visible()
    expect(owner.get_by_role("link", name=fair)).to_have_attribute(
        "href", f"#/exhibitions/{exhibition['id']}"
    )
    expect(owner.locator(".fact", has_text="合同金额").locator("dd")).to_have_text("¥7,500,000.00")
    expect(owner.locator(".fact", has_text="金额（大写）").locator("dd")).to_have_text(
        "柒佰伍拾万元整"
    )
    shot(owner, "contract-at-exhibition")

    owner.get_by_label("语言").select_option("en")
    expect(owner.get_by_role("button", name="Sign the contract")).to_be_visible()
    expect(owner.locator("tr", has_text=bidder_who.name)).to_contain_text("Seller")
    amount = owner.locator(".fact").filter(has=owner.get_by_text("Amount", exact=True))
    expect(amount.locator("dd")).to_have_text("¥7,500,000.00")
    shot(owner, "contract-in-english")
