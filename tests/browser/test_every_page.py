"""Every page of web/routes.js, for every role, in both languages, on a phone (light colours) and
on a desktop (dark colours): it renders without errors or missing messages, fits the width,
names every control, keeps headings in order and text readable (contrast), shows no Chinese in
English and no untranslated chrome in Chinese (page_checks.js); and the login, bid and publish
forms work with the keyboard alone, the focus always visible."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import randint
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.accounts import Accounts, Credentials, log_in
from tests.support import bid_body, future, new_credit_code, posting_body

Shot = Callable[[Page, str], Path]
ROUTES_JS = Path(__file__).resolve().parents[2] / "web" / "routes.js"
ROUTE = re.compile(r'\{\s*path:\s*"([^"]+)",\s*page:\s*"[^"]+",\s*roles:\s*(null|\[[^\]]*\])')
# "bidder" is a second enterprise: other people's postings (the bid form) and the seller's side.
ROLES = ("anonymous", "enterprise", "bidder", "bank", "provider", "operator", "auditor")
PASSWORD = "correct horse battery"
DESCRIPTION = "Grade 304, 2 mm, delivered to Hangzhou."
MESSAGE = "Stock available, delivery on time"
CONDITIONS = "Order receivables as repayment source"
VENUE = "Hall A, Expo Centre"
ISSUER = "Ministry of Industry and Information Technology"
POLICY_BODY = "Subsidies for cloud and ERP adoption by small and medium enterprises."
SERVICE = "Contract review by licensed lawyers, within two working days."
ASKED = "Help with a labour arbitration"

# Counts the page's fetches in flight, so a check waits for lists that load after the render;
# and remembers the last hash the router was told about (hashchange comes a task after the
# hash is set, so until then the view still shows the previous page, not busy).
WATCH_PAGE = """
(() => {
  const original = window.fetch.bind(window);
  window.__pendingFetches = 0;
  window.fetch = (...args) => {
    window.__pendingFetches += 1;
    return original(...args).finally(() => { window.__pendingFetches -= 1; });
  };
  window.__routedHash = location.hash;
  window.addEventListener("hashchange", () => { window.__routedHash = location.hash; });
})();
"""
# A page may note its state in the hash's query (history.replaceState, no hashchange).
SETTLED = """
() => window.__routedHash?.split("?")[0] === location.hash.split("?")[0]
  && window.__pendingFetches === 0
  && document.getElementById("view")?.getAttribute("aria-busy") === "false"
"""

# The file's own comments (at the start of a line) are left out: evaluate() wants a function.
PAGE_CHECKS = "\n".join(
    line
    for line in (Path(__file__).parent / "page_checks.js").read_text(encoding="utf-8").splitlines()
    if not line.startswith("//")
)

FOCUS_SHOWN = """
() => {
  const node = document.activeElement;
  if (!node || node === document.body || !node.matches(":focus-visible")) return false;
  const style = getComputedStyle(node);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return outlined || style.boxShadow !== "none";
}
"""


@dataclass(frozen=True)
class World:
    """Everyone and everything the pages show, all with English names and titles."""

    people: dict[str, Credentials]
    open_posting: str
    awarded_posting: str
    sale_contract: str
    offered_need: str
    matched_need: str
    loan_contract: str
    exhibition: str
    policy: str
    service_product: str
    service_request: str
    data: list[str]


@dataclass
class Findings:
    lines: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def listen(self, page: Page) -> None:
        def record(message: ConsoleMessage) -> None:
            if message.type == "warning" and "missing message" in message.text:
                self.missing.append(f"{page.url}: {message.text}")

        page.on("console", record)


def staff(accounts: Accounts, kind: str, name: str) -> Credentials:
    """An operator or auditor with an English name (as `market accounts create` makes one)."""
    code = new_credit_code()
    accounts.services.app.register_organization(
        kind=kind, name=name, credit_code=code, region="330106", industry=None, contact=None,
        password=PASSWORD,
    )  # fmt: skip
    answer = accounts.http.post("/sessions", json={"credit_code": code, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return Credentials(body["organization"]["id"], kind, name, code, PASSWORD, body["token"])


def english_posting(**overrides: Any) -> dict[str, Any]:
    return posting_body(
        title=f"Stainless steel plate {randint(1, 10**6)}",
        description=DESCRIPTION,
        unit="t",
        **overrides,
    )


def need(accounts: Accounts, owner: Credentials, bank: Credentials) -> tuple[str, str, str]:
    """A need with an offer from the bank: (need id, offer id, purpose)."""
    purpose = f"Working capital for steel orders {randint(1, 10**6)}"
    body = {
        "amount": "1200000",
        "term_months": 12,
        "purpose": purpose,
        "product_type": "order_financing",
        "region": "330106",
    }
    created = accounts.api("POST", "/financing-needs", owner, json=body)
    offer = accounts.api(
        "POST",
        f"/financing-needs/{created['id']}/offers",
        bank,
        json={"amount": "1000000", "annual_rate": "3.85", "term_months": 12,
              "conditions": CONDITIONS},
    )  # fmt: skip
    return created["id"], offer["id"], purpose


@pytest.fixture(scope="module")
def world(accounts: Accounts) -> World:
    tag = randint(1000, 9999)
    owner = accounts.enterprise(name=f"Westlake Precision Machinery {tag}")
    bidder = accounts.enterprise(name=f"Qiantang Steel Trading {tag}")
    bank = accounts.bank(name=f"Zhejiang Merchants Test Bank {tag}")
    operator = staff(accounts, "operator", f"Platform Operator {tag}")
    auditor = staff(accounts, "auditor", f"Independent Auditor {tag}")

    awarded = accounts.api("POST", "/postings", owner, json=english_posting())
    bid = accounts.api("POST", f"/postings/{awarded['id']}/bids", bidder, json=bid_body(
        message=MESSAGE))  # fmt: skip
    accepted = accounts.api(
        "POST", f"/postings/{awarded['id']}/bids/{bid['id']}/accept", owner, json={}
    )
    opened = accounts.api("POST", "/postings", owner, json=english_posting(side="supply"))
    accounts.api("POST", f"/postings/{opened['id']}/bids", bidder, json=bid_body())

    product = f"Order Express Loan {tag}"
    accounts.api(
        "POST",
        "/bank-products",
        bank,
        json={"name": product, "product_type": "order_financing",
              "amount_min": "100000", "amount_max": "50000000", "term_min": 6, "term_max": 24,
              "rate_min": "3.1", "rate_max": "4.9", "regions": ["33"]},
    )  # fmt: skip
    offered, _, offered_purpose = need(accounts, owner, bank)
    matched, offer, matched_purpose = need(accounts, owner, bank)
    loan = accounts.api("POST", f"/financing-needs/{matched}/offers/{offer}/accept", owner, json={})

    fair = f"Hangzhou SME Matchmaking Fair {tag}"
    exhibition = accounts.api(
        "POST",
        "/exhibitions",
        operator,
        json={"name": fair, "venue": VENUE, "online": False, "starts_at": future(10),
              "ends_at": future(11), "capacity": 20, "signup_deadline": future(9)},
    )  # fmt: skip
    accounts.api("POST", f"/exhibitions/{exhibition['id']}/signups", owner, json={})
    policy_title = f"Digitalization subsidy for small firms {tag}"
    policy = accounts.api(
        "POST",
        "/policies",
        operator,
        json={"title": policy_title, "body": POLICY_BODY, "issuer": ISSUER,
              "topics": ["digitalization"], "regions": [], "industries": []},
    )  # fmt: skip
    provider = accounts.provider("legal", name=f"Westlake Legal Partners {tag}")
    service = f"Contract Review for SMEs {tag}"
    service_product = accounts.api(
        "POST",
        "/service-products",
        provider,
        json={"name": service, "category": "legal", "description": SERVICE, "pricing": "market",
              "price": "800", "unit": "visit", "regions": ["33"], "response_hours": 24},
    )  # fmt: skip
    asked = accounts.api(
        "POST",
        "/service-requests",
        owner,
        json={"category": "legal", "title": ASKED, "description": SERVICE, "urgency": "timely"},
    )
    accounts.api(
        "POST",
        f"/service-requests/{asked['id']}/dispatch",
        operator,
        json={"provider_id": provider.id, "note": MESSAGE},
    )
    people = {"enterprise": owner, "bidder": bidder, "bank": bank, "operator": operator}
    people["provider"] = provider
    people["auditor"] = auditor
    data = [who.name for who in people.values()]
    data += [awarded["title"], opened["title"], DESCRIPTION, MESSAGE, CONDITIONS, VENUE]
    data += [product, offered_purpose, matched_purpose, fair, policy_title, ISSUER]
    data += [product, offered_purpose, matched_purpose, fair, service, SERVICE, "visit", ASKED]
    return World(
        people=people,
        open_posting=opened["id"],
        awarded_posting=awarded["id"],
        sale_contract=accepted["contract_id"],
        offered_need=offered,
        matched_need=matched,
        loan_contract=loan["contract_id"],
        exhibition=exhibition["id"],
        policy=policy["id"],
        service_product=service_product["id"],
        service_request=asked["id"],
        data=data,
    )


def routes() -> Iterator[tuple[str, list[str] | None]]:
    """(path, roles) for every route in web/routes.js."""
    for path, roles in ROUTE.findall(ROUTES_JS.read_text(encoding="utf-8")):
        yield path, None if roles == "null" else re.findall(r'"(\w+)"', roles)


def paths_for(role: str, world: World) -> list[str]:
    """The concrete paths `role` may open, with real ids in place of `:id`."""
    kind = "enterprise" if role == "bidder" else role
    contracts = [world.loan_contract] if role == "bank" else [world.sale_contract]
    if role in ("operator", "auditor"):
        contracts.append(world.loan_contract)
    ids = {
        "/exhibitions/:id": [world.exhibition],
        "/policies/:id": [world.policy],
        "/policies/:id/edit": [world.policy] if role == "operator" else [],
        "/services/:id": [world.service_product],
        # Only the parties and staff read a request: not another enterprise.
        "/requests/:id": [] if role == "bidder" else [world.service_request],
        "/postings/:id/edit": [world.open_posting] if role == "enterprise" else [],
        "/postings/:id": [world.open_posting, world.awarded_posting],
        # Another enterprise's financing need is not the bidder's to read.
        "/financing/:id": [] if role == "bidder" else [world.offered_need, world.matched_need],
        "/contracts/:id": contracts,
        "/audit/streams/:id": [world.awarded_posting],
    }
    found: list[str] = []
    for path, roles in routes():
        if roles is not None and kind not in roles:
            continue
        if ":id" not in path:
            found.append(path)
            continue
        assert path in ids, f"no id for {path}: teach paths_for about it"
        found.extend(path.replace(":id", one) for one in ids[path])
    return found


def settle(page: Page) -> None:
    """Wait until the router has rendered and the page's own reads have come back."""
    page.wait_for_function(SETTLED)


def visit(page: Page, path: str) -> None:
    """Navigate inside the app (no reload), then wait for the new page."""
    page.evaluate(
        """(hash) => {
            if (window.location.hash !== hash) window.location.hash = hash;
        }""",
        "#" + path,
    )
    settle(page)


def switch_language(page: Page, language: str) -> None:
    label = "Language" if page.locator("html").get_attribute("lang") == "en" else "语言"
    # The router re-renders once the catalogue is loaded: the view counts as busy until then.
    page.evaluate('document.getElementById("view").setAttribute("aria-busy", "true")')
    page.get_by_label(label, exact=True).select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    settle(page)


def slug(path: str) -> str:
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "id", path).strip("/").replace("/", "-") or "home"


@dataclass(frozen=True)
class Sweep:
    """One browser page going through a role's paths."""

    role: str
    phone: bool
    data: list[str]
    found: Findings

    def run(self, page: Page, paths: list[str], shot: Shot) -> None:
        language = page.locator("html").get_attribute("lang") or "zh-CN"
        size = page.viewport_size
        assert size is not None
        device = "phone" if self.phone else "desktop"
        args = {"english": language == "en", "width": size["width"], "phone": self.phone}
        for path in paths:
            visit(page, path)
            # Folded parts (more filters, the schedule form) are checked unfolded.
            page.evaluate(
                'document.querySelectorAll("#view details").forEach((d) => { d.open = true; })'
            )
            problems = page.locator("body").evaluate(PAGE_CHECKS, {**args, "data": self.data})
            where = f"{self.role} {language} {device} {path}"
            self.found.lines.extend(f"{where}: {problem}" for problem in problems)
            if self.phone:
                shot(page, f"{self.role}-{language}-{slug(path)}")


def open_as(new_page: Callable[..., Page], who: Credentials | None, *, phone: bool) -> Page:
    page = new_page(mobile=phone)
    page.context.add_init_script(WATCH_PAGE)
    if who is None:
        page.goto("/#/")
    else:
        log_in(page, who)
    settle(page)
    return page


def remember_english(page: Page) -> None:
    """The language chosen on an earlier visit is used from the first render on."""
    page.evaluate("localStorage.setItem('market.language', 'en')")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    settle(page)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_fits_is_labelled_and_translated(
    role: str, new_page: Callable[..., Page], world: World, shot: Shot
) -> None:
    who = world.people.get(role)
    paths = paths_for(role, world)
    found = Findings()
    for phone in (True, False):
        page = open_as(new_page, who, phone=phone)
        found.listen(page)
        # The phone is light and the desktop dark, so both colour schemes are checked.
        page.emulate_media(color_scheme="light" if phone else "dark")
        # The phone starts in Chinese and switches to English; the desktop the other way round.
        first, second = ("zh-CN", "en") if phone else ("en", "zh-CN")
        if first == "en" and who is None:
            remember_english(page)
        elif first == "en":
            switch_language(page, "en")
        sweep = Sweep(role, phone, world.data, found)
        sweep.run(page, paths, shot)
        switch_language(page, second)
        sweep.run(page, list(reversed(paths)), shot)
    problems = found.missing + found.lines
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has the focus, checking that each stop shows the focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_SHOWN), "focus is not visible on " + page.evaluate(
            "document.activeElement?.outerHTML.slice(0, 160)"
        )
        if target.evaluate("node => node === document.activeElement"):
            return
    pytest.fail(f"{selector} never got the focus with Tab")


def type_into(page: Page, name: str, text: str) -> None:
    """Tab to the next control, which must be the one named `name`, and type over its value."""
    tab_to(page, f"#view [name={name}]", limit=1)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def keyboard_log_in(page: Page, who: Credentials) -> None:
    page.goto("/#/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    tab_to(page, "#view input[name=account]")
    page.keyboard.type(who.credit_code)
    type_into(page, "password", who.password)
    page.keyboard.press("Enter")
    expect(page.locator("#account .account__name")).to_have_text(who.name)


def test_login_and_a_bid_with_the_keyboard_alone(
    new_page: Callable[..., Page], accounts: Accounts, world: World, shot: Shot
) -> None:
    owner = world.people["enterprise"]
    posting = accounts.api("POST", "/postings", owner, json=english_posting())
    page = new_page(mobile=True)
    keyboard_log_in(page, world.people["bidder"])
    shot(page, "logged-in-by-keyboard")

    page.goto(f"/#/postings/{posting['id']}")
    # The page title, not any heading: the listings left behind show the posting's title too.
    expect(page.locator("#view .page-title")).to_have_text(posting["title"])
    expect(page.locator("#view input[name=unit_price]")).to_be_visible()
    tab_to(page, "#view input[name=unit_price]")
    page.keyboard.type("14900")
    type_into(page, "quantity", "300")
    type_into(page, "delivery_days", "12")
    type_into(page, "message", "Ready to ship from stock")
    tab_to(page, "#view .trade-bid-form button[type=submit]", limit=1)
    shot(page, "bid-form-focused-submit")
    page.keyboard.press("Enter")
    expect(page.get_by_text("报价已提交。")).to_be_visible()
    row = page.locator("section.trade-bids tbody tr")
    expect(row).to_contain_text("已提交")
    expect(row).to_contain_text("¥14,900.00")
    expect(row).to_contain_text("Ready to ship from stock")
    shot(page, "bid-placed-by-keyboard")


def test_publishing_with_the_keyboard_alone(
    new_page: Callable[..., Page], world: World, shot: Shot
) -> None:
    title = f"Aluminium profiles {randint(1, 10**6)}"
    page = new_page()
    keyboard_log_in(page, world.people["enterprise"])
    page.goto("/#/postings/new")
    expect(page.get_by_role("heading", name="发布供需信息")).to_be_visible()
    tab_to(page, "#view select[name=side]")
    page.keyboard.press("ArrowDown")  # a closed select steps to the next option
    expect(page.locator("#view select[name=side]")).to_have_value("supply")
    type_into(page, "title", title)
    type_into(page, "description", "6063-T5, anodised, 20 t a month.")
    # The industry picker: a section, then its division, chosen by typing their first letters.
    tab_to(page, "#view select[id$=-section]", limit=1)
    page.keyboard.type("C")
    tab_to(page, "#view select[name=category]", limit=1)
    page.keyboard.type("C33")
    expect(page.locator("#view select[name=category]")).to_have_value("C33")
    type_into(page, "quantity", "20")
    type_into(page, "unit", "t")
    type_into(page, "price_min", "18000")
    type_into(page, "price_max", "21000")
    shot(page, "publish-form-by-keyboard")
    page.keyboard.press("Enter")  # submits the form from a text field
    expect(page.locator("#view .page-title")).to_have_text(title)
    expect(page.locator(".trade-badges")).to_contain_text("供应")
    expect(page.locator(".trade-facts")).to_contain_text("¥18,000.00 – ¥21,000.00 / t")
    shot(page, "published-by-keyboard")
