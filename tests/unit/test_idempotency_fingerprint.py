"""The idempotency fingerprint never holds a hash of a password."""

import hashlib
import json

from api.idempotency import _fingerprint

SCOPE = {"query_string": b""}


def _raw(body: bytes) -> bytes:
    return hashlib.sha256(b"\n" + body).digest()


def test_a_body_with_a_password_is_fingerprinted_without_it() -> None:
    body = json.dumps({"password": "s3cret-Passw0rd", "note": "ok"}).encode()
    assert _fingerprint(SCOPE, body) != _raw(body)
    assert _fingerprint(SCOPE, body) == _fingerprint(
        SCOPE, json.dumps({"note": "ok", "password": "another"}).encode()
    )


def test_other_fields_still_tell_requests_apart() -> None:
    first = json.dumps({"password": "p", "amount": "1"}).encode()
    second = json.dumps({"password": "p", "amount": "2"}).encode()
    assert _fingerprint(SCOPE, first) != _fingerprint(SCOPE, second)


def test_bodies_without_passwords_are_hashed_as_sent() -> None:
    for body in (b'{"amount": "1"}', b"not json", b"[1, 2]", b""):
        assert _fingerprint(SCOPE, body) == _raw(body)
    assert _fingerprint({"query_string": b"a=1"}, b"") != _raw(b"")
