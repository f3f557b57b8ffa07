"""The README's screenshots, taken from the real pages over the demo data: `make screenshots`.

Starts an embedded PostgreSQL in a temporary directory, loads the demo, serves the app and
photographs a few pages in zh-CN with the system Chromium. Not a test (pytest does not collect
it); the PNGs go to docs/screenshots/ unless another directory is given.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from aggregates.values import make_credit_code
from marketplace.bootstrap import Services, open_services
from marketplace.demo.load import DEMO_PASSWORD, demo_accounts, load_demo
from marketplace.embedded_pg.server import EmbeddedPostgres
from marketplace.settings import Settings
from tests.browser.conftest import CHROMIUM_ARGS, LiveServer, chromium_path

ROOT = Path(__file__).resolve().parents[2]


def log_in(page: Page, credit_code: str) -> None:
    page.goto("/#/login")
    page.get_by_label("统一社会信用代码").fill(credit_code)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#account .account__name")).to_be_visible()


def settle(page: Page, hash_path: str) -> None:
    page.goto("/#" + hash_path)
    expect(page.locator("#view")).to_have_attribute("aria-busy", "false")
    page.wait_for_load_state("networkidle")


def new_context(browser: Browser, server: LiveServer, *, phone: bool = False) -> BrowserContext:
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 860}
    return browser.new_context(
        base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=size,
        is_mobile=phone, device_scale_factor=2 if phone else 1,
    )  # fmt: skip


def auditor(services: Services) -> str:
    """The demo has no auditor (they are created from the command line): make one."""
    code = make_credit_code("11" + "330100" + "MB00001A2")
    services.app.register_organization(
        kind="auditor", name="杭州市审计局（演示）", credit_code=code, region="330100",
        industry=None, contact=None, password=DEMO_PASSWORD,
    )  # fmt: skip
    return code


def photograph(server: LiveServer, out: Path) -> None:
    codes = {name: code for _, name, code in demo_accounts()}
    auditor_code = auditor(server.services)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        phone = new_context(browser, server, phone=True).new_page()
        log_in(phone, codes["杭州钱塘精密制造有限公司"])
        settle(phone, "/")
        phone.screenshot(path=str(out / "listings-phone.png"))
        desktop = new_context(browser, server).new_page()
        settle(desktop, "/stats")
        desktop.locator("svg").first.wait_for()
        top = {"x": 0, "y": 0, "width": 1280, "height": 1500}
        desktop.screenshot(path=str(out / "stats.png"), full_page=True, clip=top)
        log_in(desktop, auditor_code)
        settle(desktop, "/audit")
        event = desktop.locator("tbody.audit-event").last
        event.get_by_role("button", name="验证").click()
        expect(event.locator(".audit-result")).to_contain_text("已验证")
        event.scroll_into_view_if_needed()
        desktop.screenshot(path=str(out / "audit-verified.png"))
        browser.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="market-shots-") as top:
        Path(top).chmod(0o755)  # the server may run as an unprivileged user
        postgres = EmbeddedPostgres(Path(top) / "postgres")
        url = postgres.start().url()
        try:
            settings = Settings(database_url=url, data_dir=Path(top) / "data")
            services = open_services(settings, url=url)
            load_demo(services.app)
            services.start_projections()
            server = LiveServer(services).start()
            try:
                photograph(server, out)
            finally:
                server.stop()
                services.close()
        finally:
            postgres.stop()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
