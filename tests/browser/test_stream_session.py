"""The web client's live stream: the token travels as the `bearer.<token>` subprotocol (never
in the socket's URL), and a logout elsewhere ends the tab's session within seconds."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, WebSocket, expect

from tests.browser.accounts import Accounts, log_in, open_page
from tests.browser.conftest import LiveServer


def test_the_stream_url_has_no_token_and_a_logout_elsewhere_signs_the_tab_out(
    new_page: Callable[..., Page], accounts: Accounts, live_server: LiveServer
) -> None:
    who = accounts.enterprise()
    page = new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url) if isinstance(ws, WebSocket) else None)
    log_in(page, who)
    open_page(page, "/")
    expect(page.locator(".live-badge")).to_have_text("实时更新中")
    token = page.evaluate("JSON.parse(sessionStorage.getItem('market.session')).token")
    assert sockets and all("/api/v1/stream" in url for url in sockets)
    assert all("token" not in url and token not in url for url in sockets), sockets

    # The same session ends from another device: the server closes the socket with 4401.
    logout = httpx.delete(
        f"{live_server.url}/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}
    )
    assert logout.status_code == 204
    expect(page.locator("#account .account__name")).to_have_count(0, timeout=5_000)
    assert page.evaluate("sessionStorage.getItem('market.session')") is None
    expect(page.locator(".live-badge")).to_have_text("实时更新中")  # anonymous again
