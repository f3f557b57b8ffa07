"""The client's address: the socket's peer, or what a trusted proxy says in X-Forwarded-For.

Login throttling, request budgets and anonymous idempotency scopes all key on it, so it is
computed in one place. A client can write anything into X-Forwarded-For; only the entries
that trusted proxies (`MARKET_TRUSTED_PROXIES`) appended are believed: walking the list from
the right, the first address that is not itself a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.types import Scope

from marketplace.settings import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


@lru_cache(maxsize=16)
def trusted_networks(setting: str) -> tuple[Network, ...]:
    """The networks of `MARKET_TRUSTED_PROXIES` (comma-separated IPs or CIDRs)."""
    parts = [part.strip() for part in setting.split(",")]
    return tuple(ipaddress.ip_network(part, strict=False) for part in parts if part)


def normalized(text: str) -> str | None:
    """An IP address in its canonical form (IPv4-mapped IPv6 as IPv4); None if not one."""
    try:
        address = ipaddress.ip_address(text.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _forwarded_for(scope: Scope) -> list[str]:
    entries: list[str] = []
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            entries += [e.strip() for e in value.decode("latin-1").split(",")]
    return entries


def client_address(scope: Scope, settings: Settings) -> str:
    """The address a request (HTTP or WebSocket) comes from, as a short canonical string."""
    client = scope.get("client")
    peer = str(client[0]) if client else UNKNOWN
    address = normalized(peer) or peer[:64]
    networks = trusted_networks(settings.trusted_proxies)
    if not networks:
        return address
    for entry in reversed(_forwarded_for(scope)):
        if not _is_trusted(address, networks):
            break
        forwarded = normalized(entry)
        if forwarded is None:  # not written by a proxy of ours: stop at the last one we trust
            break
        address = forwarded
    return address
