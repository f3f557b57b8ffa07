"""The signed POST of a delivery (`marketplace.webhook_http`) against real servers on this
machine: https to the checked address with the URL's host in SNI and the certificate check
(so DNS is never asked again, yet the certificate must still name the host), no redirect
followed, and the Stripe-style signature."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from marketplace.webhook_http import post, signature
from marketplace.webhook_targets import Target

HOST = "hooks.test"


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Handler.seen.append((self.path, self.headers.get("Host")))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(tls: ssl.SSLContext | None = None) -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_https_goes_to_the_checked_address_and_checks_the_urls_host(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    trusted = ssl.create_default_context(cafile=str(cert))
    with serving(tls) as port:
        # hooks.test resolves nowhere: the connection goes to the address checked before.
        ok = post(Target("https", HOST, port, "/in", "127.0.0.1"), b"{}", {}, 5, context=trusted)
        assert ok == 200
        assert Handler.seen[-1] == ("/in", f"{HOST}:{port}")
        with pytest.raises(ssl.SSLCertVerificationError):  # the certificate names another
            post(Target("https", "other.test", port, "/", "127.0.0.1"), b"{}", {}, 5,
                 context=trusted)  # fmt: skip
        with pytest.raises(ssl.SSLCertVerificationError):  # not trusted by the system
            post(Target("https", HOST, port, "/", "127.0.0.1"), b"{}", {}, 5)


def test_a_redirect_is_an_answer_not_followed() -> None:
    Handler.seen.clear()
    with serving() as port:
        status = post(Target("http", "127.0.0.1", port, "/moved", "127.0.0.1"), b"{}", {}, 5)
    assert status == 302
    assert [path for path, _ in Handler.seen] == ["/moved"]


def test_the_signature_is_hmac_sha256_of_time_dot_body() -> None:
    body = '{"kind":"bid_received","title":{"zh":"收到新报价"}}'.encode()
    expected = hmac.new(b"whsec_k", b"1796630400." + body, hashlib.sha256).hexdigest()
    assert signature("whsec_k", 1796630400, body) == f"t=1796630400,v1={expected}"
