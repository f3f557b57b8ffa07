"""Browser tests: the real app served over HTTP by uvicorn, driven in Chromium by Playwright.

Chromium comes from the system (Debian's `chromium`, installed by `make test` when missing, or
`MARKET_CHROMIUM=/path/to/chrome`); Playwright's own browser downloads are never used. A missing
browser fails these tests rather than skipping them. Screenshots of every page a test visits go
to `test-artifacts/browser/<test>/` (or `$MARKET_TEST_ARTIFACTS/browser/<test>/`).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from api.main import create_app
from marketplace.bootstrap import Services, open_services
from marketplace.settings import Settings
from tests.browser.accounts import Accounts
from tests.budgets import GENEROUS_BUDGETS

# Assertions wait as long as actions do (15 s; Playwright's default is 5 s): on a loaded CI machine
# running two test processes, a confirmed write and its live update can take longer than 5 s.
expect.set_options(timeout=15_000)

ROOT = Path(__file__).resolve().parents[2]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Without the networking flags Chromium keeps dialling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


class LiveServer:
    """The app on 127.0.0.1:<free port>, in a thread, with its projections running."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(create_app(services), log_level="warning", ws="websockets-sansio")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, name="live-server", daemon=True)

    def _run(self) -> None:
        self.server.run(sockets=[self.socket])

    def start(self) -> LiveServer:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            self.thread.join(0.05)
        raise RuntimeError("the live server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture(scope="module")
def live_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        scheduler_interval_seconds=0.2,
        checkpoint_interval_seconds=0.2,
        **GENEROUS_BUDGETS,
    )
    services = open_services(settings, url=database_url)
    services.start_projections()
    server = LiveServer(services).start()
    try:
        yield server
    finally:
        server.stop()
        services.close()


@pytest.fixture(scope="module")
def accounts(live_server: LiveServer) -> Accounts:
    return Accounts(live_server.url, live_server.services)


def chromium_path() -> str:
    configured = os.environ.get("MARKET_CHROMIUM")
    if configured:
        return configured
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "no Chromium found: install Debian's `chromium` (make test does it when run as root) "
        "or set MARKET_CHROMIUM to a Chromium or Chrome binary",
        pytrace=False,
    )


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package scope: Playwright's sync API holds an event loop on the main thread while it
    # runs, which later tests that call asyncio.run() must not find still running.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# Chromium logs every 4xx answer as a console error; refusals the page shows are not bugs.
CLIENT_ERROR = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")


class PageErrors:
    """Uncaught exceptions and console errors (CSP violations, 5xx answers) of a test's pages."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", self._console(page))

    def _console(self, page: Page) -> Callable[[ConsoleMessage], None]:
        def record(message: ConsoleMessage) -> None:
            if message.type == "error" and not CLIENT_ERROR.match(message.text):
                self.errors.append(f"{page.url}: console: {message.text}")

        return record


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, page_errors: PageErrors
) -> Iterator[Callable[..., Page]]:
    """`new_page()` opens a page in a fresh browser context (its own storage: another user)."""
    contexts: list[BrowserContext] = []

    def open_page(*, mobile: bool = False, locale: str = "zh-CN") -> Page:
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            timezone_id="Asia/Shanghai",
            viewport=viewport,  # type: ignore[arg-type]
            is_mobile=mobile,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page_errors.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    # A page that threw or broke its CSP fails the test that opened it.
    assert not page_errors.errors, "\n".join(page_errors.errors)


def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    base = Path(os.environ.get("MARKET_TEST_ARTIFACTS", ROOT / "test-artifacts"))
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    directory = base / "browser" / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """`shot(page, "posting-detail")` saves a full-page screenshot as a test artifact."""
    directory = artifacts_dir(request)
    counter = iter(range(1, 1000))

    def save(page: Page, name: str) -> Path:
        path = directory / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
