"""Sockets never outlive their session: logout closes them at once, expiry within seconds.

Two ways a session's end reaches a process's `StreamHub`:

- Logout (`DELETE /sessions/current`, `api/stream_sessions.py`) revokes the sockets of its
  own process directly, and NOTIFYs the channel `market_sessions` with the token's sha256 in
  hex (never the token) so that every API worker's hub, which LISTENs to it, closes its
  sockets of that token at once.
- Every `stream_session_check_seconds` each hub checks, in ONE query, which of the distinct
  tokens of its sockets still have a live session; the others (expired, or deleted by any other
  path) are revoked. So the cost is one indexed query per process per interval, however many
  sockets are open.

A revoked socket is sent nothing more and closed with 4401.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any

import psycopg

SESSIONS_CHANNEL = "market_sessions"


def digest_of(payload: str) -> bytes | None:
    """The token digest a `market_sessions` notification names, or None if it is malformed."""
    try:
        digest = bytes.fromhex(payload)
    except ValueError:
        return None
    return digest if len(digest) == 32 else None


class SessionCheck:
    """The periodic check, run on the hub's thread with its own connection."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_at = time.monotonic() + interval

    def due(self) -> bool:
        return time.monotonic() >= self.next_at

    def run(self, conn: psycopg.Connection[Any], digests: Collection[bytes]) -> set[bytes]:
        """The digests among `digests` that have no live session any more."""
        self.next_at = time.monotonic() + self.interval
        if not digests:
            return set()
        rows = conn.execute(
            "SELECT token_sha256 FROM sessions WHERE token_sha256 = ANY(%s) AND expires_at > now()",
            (list(digests),),
        ).fetchall()
        return set(digests) - {bytes(row[0]) for row in rows}
