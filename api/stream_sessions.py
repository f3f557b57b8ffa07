"""Logout closes the sockets of its token in every API process.

See `marketplace/stream/sessions.py` for both ways a session's end reaches the sockets.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg

from marketplace.stores.database import Database
from marketplace.stores.security import token_digest
from marketplace.stream.hub import StreamHub
from marketplace.stream.sessions import SESSIONS_CHANNEL

log = logging.getLogger(__name__)


def announce_logout(app: Any, db: Database, token: str) -> None:
    """After the session row is gone: close this process's sockets of `token` and tell the
    other processes. A failed NOTIFY is only logged (the periodic check closes them anyway)."""
    announce_ended(app, db, [token_digest(token)])


def announce_ended(app: Any, db: Database, digests: list[bytes]) -> None:
    """After the session rows are gone (a logout, a disabled member): close this process's
    sockets of those tokens and tell the other processes."""
    if not digests:
        return
    hub: StreamHub | None = getattr(app.state, "stream_hub", None)
    if hub is not None:
        hub.revoke(set(digests))
    try:
        with db.connection() as conn:
            for digest in digests:
                conn.execute("SELECT pg_notify(%s, %s)", (SESSIONS_CHANNEL, digest.hex()))
    except psycopg.Error:
        log.warning("cannot announce ended sessions to the other API processes", exc_info=True)
