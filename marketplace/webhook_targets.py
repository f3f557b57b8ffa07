"""Where a webhook may post (API.md "Workbench"): no server-side request forgery.

A target is `https`, or plain `http` to a host allowed by `MARKET_WEBHOOK_ALLOW_HOSTS`; a host
that resolves to a private, loopback, link-local (or otherwise non-public) address is refused
unless it is allowed. The check runs when a webhook is registered and again before each
delivery, and a delivery connects to an address this check accepted (never resolving the name
again), so a name that resolves differently later (DNS rebinding) cannot reach inside.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aggregates.errors import InvalidValueError

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Target:
    scheme: str  # http or https
    host: str  # as written in the URL (lower-case), for Host and TLS
    port: int
    path: str  # with its query
    address: str  # the checked address to connect to


def _refused(en: str, zh: str) -> InvalidValueError:
    return InvalidValueError(en, zh, field="url")


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (an IP literal: itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_target(url: str, allowed: frozenset[str], resolver: Resolver = resolve) -> Target:
    """The target of `url` with an address it may be posted to; `422` (field `url`) if none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise _refused("url is not a valid URL", "回调地址格式不正确") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise _refused("url must be an https URL", "回调地址须为 https 地址")
    if parts.username is not None or parts.password is not None:
        raise _refused(
            "url must not carry a user name or password", "回调地址中不得包含用户名或密码"
        )
    if parts.scheme == "http" and host not in allowed:
        raise _refused(
            "url must use https (plain http only to hosts allowed by MARKET_WEBHOOK_ALLOW_HOSTS)",
            "回调地址须使用 https（仅 MARKET_WEBHOOK_ALLOW_HOSTS 允许的主机可用 http）",
        )
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        raise _refused(f"url's host {host} cannot be resolved", f"无法解析回调地址的主机 {host}")
    if host not in allowed:
        inside = [a for a in addresses if not is_public(a)]
        if inside:
            raise _refused(
                f"url's host {host} resolves to {inside[0]}, a private, loopback or link-local"
                " address: refused unless the host is allowed by MARKET_WEBHOOK_ALLOW_HOSTS",
                f"回调地址的主机 {host} 解析为 {inside[0]}（内网、本机或链路本地地址），"
                "除非该主机在 MARKET_WEBHOOK_ALLOW_HOSTS 中获准，否则不予接受",
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, addresses[0])
