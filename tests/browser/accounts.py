"""Accounts for browser tests: registered over the HTTP API (or, for staff, by the use case the
command line uses), and logged in through the real login page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from playwright.sync_api import Locator, Page, expect

from marketplace.bootstrap import Services
from tests.support import organization_body


@dataclass
class Credentials:
    id: str
    kind: str
    name: str
    credit_code: str
    password: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Accounts:
    def __init__(self, base_url: str, services: Services) -> None:
        self.http = httpx.Client(base_url=base_url + "/api/v1", timeout=15)
        self.services = services

    def _session(self, body: dict[str, Any]) -> Credentials:
        answer = self.http.post(
            "/sessions", json={"credit_code": body["credit_code"], "password": body["password"]}
        )
        assert answer.status_code == 201, answer.text
        org = answer.json()["organization"]
        return Credentials(
            org["id"], body["kind"], body["name"], body["credit_code"], body["password"],
            answer.json()["token"],
        )  # fmt: skip

    def enterprise(self, **overrides: Any) -> Credentials:
        body = organization_body("enterprise", **overrides)
        created = self.http.post("/organizations", json=body)
        assert created.status_code == 201, created.text
        return self._session(body)

    def bank(self, *, verified: bool = True, **overrides: Any) -> Credentials:
        body = organization_body("bank", **overrides)
        created = self.http.post("/organizations", json=body)
        assert created.status_code == 201, created.text
        if verified:
            self.services.app.verify_organization(UUID(created.json()["id"]))
        return self._session(body)

    def provider(self, *categories: str, verified: bool = True, **overrides: Any) -> Credentials:
        """A service provider (服务机构) offering `categories`, verified unless told."""
        body = organization_body("provider", service_categories=list(categories), **overrides)
        created = self.http.post("/organizations", json=body)
        assert created.status_code == 201, created.text
        if verified:
            self.services.app.verify_organization(UUID(created.json()["id"]))
        return self._session(body)

    def staff(self, kind: str) -> Credentials:
        """An operator or auditor, created as `market accounts create` does."""
        body = organization_body(kind)
        self.services.app.register_organization(
            kind=kind,
            name=body["name"],
            credit_code=body["credit_code"],
            region=body["region"],
            industry=None,
            contact=None,
            password=body["password"],
        )
        return self._session(body)

    def api(self, method: str, path: str, who: Credentials, **kwargs: Any) -> Any:
        """A call to the API as `who` (for setting up what a test does not click through).
        A write is projected before it returns: pages read it with another token, and reads
        wait only for their own token's writes."""
        answer = self.http.request(method, path, headers=who.auth, **kwargs)
        assert answer.status_code < 300, answer.text
        data = answer.json() if answer.content else None
        position = data.get("position") if isinstance(data, dict) else None
        if method != "GET" and isinstance(position, int):
            assert self.services.watcher.wait_sync(position, timeout=10)
        return data


def log_in(page: Page, who: Credentials) -> None:
    """Log in through the login page and wait until the header shows the organization."""
    page.goto("/#/login")
    page.get_by_label("统一社会信用代码").fill(who.credit_code)
    page.get_by_label("密码").fill(who.password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#account .account__name")).to_have_text(who.name)


def open_page(page: Page, hash_path: str) -> None:
    """Go to an in-app page and wait until the router has rendered it."""
    page.goto("/#" + hash_path)
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("#view")).to_have_attribute("aria-busy", "false")


def confirm_binding(
    page: Page, *, shows: tuple[str, ...] = (), password: str | None = None
) -> None:
    """Check the confirmation dialog of a binding action restates `shows`, type the password
    when asked, confirm, and wait until the dialog is gone."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    for text in shows:
        expect(dialog).to_contain_text(text)
    if password is not None:
        dialog.locator("input[name=password]").fill(password)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_have_count(0)


def pick_region(scope: Page | Locator, code: str) -> None:
    """Choose a region in a province → city → county picker (zh-CN labels)."""
    scope.get_by_label("省份").select_option(code[:2] + "0000")
    if len(code) >= 4:
        scope.get_by_label("城市").select_option(code[:4] + "00")
    if len(code) == 6 and not code.endswith("00"):
        scope.get_by_label("区县").select_option(code)


def add_regions(scope: Page | Locator, *codes: str) -> None:
    """Add regions (codes or prefixes) to a several-regions picker (zh-CN labels)."""
    for code in codes:
        pick_region(scope, code)
        scope.get_by_role("button", name="添加", exact=True).click()


def pick_industry(scope: Page | Locator, code: str) -> None:
    """Choose an industry division in a section → division picker (zh-CN labels)."""
    scope.get_by_label("门类", exact=True).select_option(code[0])
    scope.get_by_label("大类", exact=True).select_option(code)
