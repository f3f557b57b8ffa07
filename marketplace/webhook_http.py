"""One webhook delivery over HTTP: the signature, and a POST to a checked address.

`Market-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (as Stripe
signs). The request goes to the address `webhook_targets.check_target` accepted, with the URL's
host in `Host` and (for https) in SNI and the certificate check, so the name is never resolved
again between the check and the connection. Redirects are not followed (an answer is an answer:
only 2xx counts as delivered). The standard library's `http.client` does all of it.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
from typing import Any

from marketplace.webhook_targets import Target

ANSWER_BYTES = 64 * 1024  # read of an answer's body at most (it is not used)
_TLS = ssl.create_default_context()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Market-Signature` header's value."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class _Pinned(http.client.HTTPConnection):
    """Plain http to the checked address."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedTLS(http.client.HTTPSConnection):
    """https to the checked address, the certificate checked against the URL's host."""

    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self.address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        context: ssl.SSLContext = self._context  # type: ignore[attr-defined]
        self.sock = context.wrap_socket(raw, server_hostname=self.host)


def post(
    target: Target,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    *,
    context: ssl.SSLContext = _TLS,
) -> int:
    """POST `body` to the target; the answer's status. Raises `OSError` (timeouts and TLS
    failures included) and `http.client.HTTPException` when there is no answer. `context`:
    the certificates trusted (the system's)."""
    connection: Any = (
        _PinnedTLS(target, timeout, context)
        if target.scheme == "https"
        else _Pinned(target, timeout)
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read(ANSWER_BYTES)
        return int(answer.status)
    finally:
        connection.close()
