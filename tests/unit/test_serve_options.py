"""What `market serve` passes to uvicorn."""

from __future__ import annotations

from api.connection_deadlines import uvicorn_options
from marketplace.settings import Settings


def test_uvicorn_never_rewrites_the_client_from_forwarded_headers() -> None:
    """Our client_address (with MARKET_TRUSTED_PROXIES) is the one authority: uvicorn's
    default would let a loopback peer's X-Forwarded-For replace the socket's peer."""
    assert uvicorn_options(Settings(trusted_proxies=""))["proxy_headers"] is False
