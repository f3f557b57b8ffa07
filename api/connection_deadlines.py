"""uvicorn's HTTP/1.1 protocol with deadlines for slow clients and a cap per peer address.

uvicorn closes a keep-alive connection that stays idle after a response, but nothing else: a
client that connects and sends nothing, or sends its headers a byte at a time (slowloris), or
never finishes its body, holds the connection for as long as it likes. Here a request's
headers must arrive within `MARKET_HEADER_TIMEOUT_SECONDS` of the connection opening (or of
the previous response), its body within `MARKET_BODY_TIMEOUT_SECONDS` of the headers, and
one peer address may hold at most `MARKET_CONNECTIONS_PER_ADDRESS` connections (trusted
proxies are exempt). `market serve` uses it; behind a proxy of your own, set the same limits
there too (see compose.yaml).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.answers import problem_body
from api.client_address import trusted_networks
from marketplace.settings import Settings

BAD_REQUEST = problem_body(
    400, "the request is not valid HTTP/1.1 (请求不符合 HTTP/1.1)", "bad_request"
)
GONE = "gone"  # closed or handed to the WebSocket protocol: nothing more to watch


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float
    body_timeout: float
    per_address: int
    trusted_proxies: str

    @classmethod
    def of(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            settings.header_timeout_seconds,
            settings.body_timeout_seconds,
            settings.connections_per_address,
            settings.trusted_proxies,
        )

    def caps(self, peer: str | None) -> bool:
        if not self.per_address or peer is None:
            return False
        try:
            ip = ipaddress.ip_address(peer)
        except ValueError:
            return True
        return not any(ip in net for net in trusted_networks(self.trusted_proxies))


class GuardedH11Protocol(H11Protocol):
    """H11Protocol that cuts connections whose request is late and caps them per peer."""

    limits: ClassVar[ConnectionLimits | None] = None  # set by `guarded_protocol`, else from env
    open_per_peer: ClassVar[Counter[str]] = Counter()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if GuardedH11Protocol.limits is None:  # a worker process: settings from the environment
            GuardedH11Protocol.limits = ConnectionLimits.of(Settings())
        self.deadline: asyncio.TimerHandle | None = None
        self.waiting_for: str | None = None
        self.counted_peer: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = self.client[0] if self.client else None
        assert self.limits is not None
        if peer is not None and self.limits.caps(peer):
            if self.open_per_peer[peer] >= self.limits.per_address:
                transport.close()
                return
            self.open_per_peer[peer] += 1
            self.counted_peer = peer
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._forget()  # the socket now belongs to the WebSocket protocol
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc: Exception | None) -> None:
        self._forget()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """Malformed HTTP (or headers over h11's 16 KiB) gets a problem, like every refusal."""
        body = json.dumps(BAD_REQUEST).encode()
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        response = h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
        for event in (response, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def _watch(self) -> None:
        """Arm the deadline of what the connection waits for: headers, body, or nothing."""
        state = self.conn.their_state
        waiting_for = {h11.IDLE: "headers", h11.SEND_BODY: "body"}.get(state)
        if self.waiting_for == GONE or self.transport.is_closing():
            return
        if waiting_for == self.waiting_for:
            return
        self._cancel()
        self.waiting_for = waiting_for
        if waiting_for is not None:
            assert self.limits is not None
            limits = self.limits
            delay = limits.header_timeout if waiting_for == "headers" else limits.body_timeout
            self.deadline = self.loop.call_later(delay, self._expire)

    def _expire(self) -> None:
        self.deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _cancel(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _forget(self) -> None:
        self._cancel()
        self.waiting_for = GONE
        if self.counted_peer is not None:
            self.open_per_peer[self.counted_peer] -= 1
            if self.open_per_peer[self.counted_peer] <= 0:
                del self.open_per_peer[self.counted_peer]
            self.counted_peer = None


def guarded_protocol(settings: Settings) -> type[GuardedH11Protocol]:
    """The protocol class for `uvicorn.run(http=...)`, with this process's limits."""
    GuardedH11Protocol.limits = ConnectionLimits.of(settings)
    return GuardedH11Protocol


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What `market serve` passes to `uvicorn.run` against slow and idle clients.

    `proxy_headers=False`: uvicorn would otherwise let a loopback peer's X-Forwarded-For
    rewrite `scope["client"]` (its `forwarded_allow_ips` default) before
    `api/client_address.py` applies `MARKET_TRUSTED_PROXIES`, the one authority on that.
    """
    return {
        "http": guarded_protocol(settings),
        "timeout_keep_alive": max(1, math.ceil(settings.keep_alive_seconds)),
        "proxy_headers": False,
    }
