"""The client address: the peer, or the X-Forwarded-For entry a trusted proxy appended."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from api.client_address import client_address
from marketplace.settings import Settings


def scope(peer: str | None, *forwarded: str) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"type": "http", "client": (peer, 1234) if peer else None, "headers": headers}


NO_PROXY = Settings(trusted_proxies="")
PROXIES = Settings(trusted_proxies="10.0.0.1, 172.16.0.0/12, ::1")


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address(scope("203.0.113.5", "198.51.100.1"), NO_PROXY) == "203.0.113.5"


def test_an_untrusted_peer_cannot_forward_for_anyone() -> None:
    assert client_address(scope("203.0.113.5", "198.51.100.1"), PROXIES) == "203.0.113.5"


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        # The client wrote the first entry itself; our proxies appended the rest.
        ("10.0.0.1", ["192.0.2.66, 198.51.100.1, 172.20.0.3"], "198.51.100.1"),
        ("10.0.0.1", ["192.0.2.66", "198.51.100.1"], "198.51.100.1"),  # two header lines
        ("::1", ["2001:db8::7"], "2001:db8::7"),
        ("::ffff:10.0.0.1", ["::ffff:198.51.100.9"], "198.51.100.9"),
        ("10.0.0.1", ["[2001:db8::8]"], "2001:db8::8"),
        # Something no proxy of ours wrote: the last trusted hop is all we know.
        ("10.0.0.1", ["not-an-address"], "10.0.0.1"),
        ("10.0.0.1", ["198.51.100.1, garbage, 172.16.0.9"], "172.16.0.9"),
        # Only proxies: the left-most of them.
        ("10.0.0.1", ["172.16.0.9"], "172.16.0.9"),
        ("10.0.0.1", [], "10.0.0.1"),
    ],
)
def test_trusted_proxies_forward_the_right_most_untrusted_address(
    peer: str, forwarded: list[str], client: str
) -> None:
    assert client_address(scope(peer, *forwarded), PROXIES) == client


def test_a_peer_that_is_no_address_is_kept_as_it_is() -> None:
    assert client_address(scope("testclient"), PROXIES) == "testclient"
    assert client_address(scope(None), PROXIES) == "unknown"


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    with pytest.raises(pydantic.ValidationError, match="nginx"):
        Settings(trusted_proxies="10.0.0.0/8, nginx")
