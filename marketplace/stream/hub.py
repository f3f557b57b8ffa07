"""One LISTEN per API process: read each new event once, decode once, fan out to every socket.

The hub LISTENs on the event table's channel (every committed save NOTIFYs it). On each wake it
reads the notifications after its position, decodes and classifies them once, and hands the
batch to every subscriber's loop with `call_soon_threadsafe`. The batch and the hub's position
change under one lock, so a subscriber that registered at position H receives exactly the
events after H: it reads the backlog up to H itself (`read_backlog`), gap-free, no repeats.

The same connection LISTENs on `market_sessions` and runs the periodic session check, so a
socket whose session ended is revoked (see `marketplace/stream/sessions.py`); a revocation is
handled before any event read after it is handed out.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import psycopg
from psycopg.sql import SQL, Identifier

from marketplace.application import Marketplace
from marketplace.queries.directory import Directory
from marketplace.queries.viewer import Viewer
from marketplace.stream.delivery import Delivery, prepare
from marketplace.stream.sessions import SESSIONS_CHANNEL, SessionCheck, digest_of
from marketplace.workers import Worker


class Subscriber:
    """A socket's bounded mailbox; past `limit` it drops everything and is marked overflowed,
    so a slow consumer costs at most `limit` messages of memory. A revoked one (its session
    ended) gets nothing more."""

    def __init__(self, viewer: Viewer, limit: int, token_digest: bytes | None = None) -> None:
        self.viewer = viewer
        self.limit = limit
        self.token_digest = token_digest
        self.revoked = False
        self.loop = asyncio.get_running_loop()
        self.items: deque[tuple[int, str, bool]] = deque()
        self.wakeup = asyncio.Event()
        self.overflowed = False

    def revoke(self) -> None:
        """On the subscriber's loop: the session ended; drop what is queued and wake up."""
        self.revoked = True
        self.items.clear()
        self.wakeup.set()

    def offer(self, batch: Sequence[Delivery]) -> None:
        """On the subscriber's loop: queue what the viewer may see."""
        for delivery in batch:
            text = delivery.text_for(self.viewer)
            if text is not None:
                self.put(delivery.position, text)

    def put(self, position: int, text: str, is_event: bool = True) -> None:
        """Queue one message; `is_event` False for extras (matches), which do not advance the
        resume position."""
        if self.overflowed or self.revoked:
            return
        if len(self.items) >= self.limit:
            self.overflowed = True
            self.items.clear()
        else:
            self.items.append((position, text, is_event))
        self.wakeup.set()

    async def next_batch(self, timeout: float) -> list[tuple[int, str, bool]]:
        """What is queued, waiting up to `timeout` for something (empty list: timed out)."""
        if not self.items and not self.overflowed and not self.revoked:
            self.wakeup.clear()
            try:
                await asyncio.wait_for(self.wakeup.wait(), timeout)
            except TimeoutError:
                return []
        batch = list(self.items)
        self.items.clear()
        return batch


class StreamHub(Worker):
    """The per-process listener and fan-out (see the module docstring)."""

    def __init__(
        self, app: Marketplace, url: str, page_size: int = 500, session_check: float = 1.0
    ) -> None:
        super().__init__("stream-hub", backoff=0.5)
        self.app = app
        self.url = url
        self.page_size = page_size
        self.directory = Directory(app.repository.get)
        self.channel: str = app.recorder.channel_name  # type: ignore[attr-defined]
        self.position = int(app.recorder.max_notification_id() or 0)
        self.subscribers: set[Subscriber] = set()
        self.lock = threading.Lock()
        self.listeners: list[Any] = []  # callables(batch), e.g. the matcher
        self.session_check = SessionCheck(session_check)

    # Subscribers (called on their event loops) -------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> int:
        """Register; returns the position after which the hub will deliver everything."""
        with self.lock:
            self.subscribers.add(subscriber)
            return self.position

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self.lock:
            self.subscribers.discard(subscriber)

    def send_to(self, organization_id: UUID, position: int, text: str) -> None:
        """An extra message (a match) to every socket of one organization."""
        with self.lock:
            targets = [s for s in self.subscribers if s.viewer.id == organization_id]
        for subscriber in targets:
            _call(subscriber.loop, subscriber.put, position, text, False)

    def revoke(self, digests: set[bytes]) -> None:
        """Close (on their loops) the sockets signed in with one of these token digests."""
        with self.lock:
            targets = [s for s in self.subscribers if s.token_digest in digests]
        for subscriber in targets:
            _call(subscriber.loop, subscriber.revoke)

    def has_signed_in(self) -> bool:
        with self.lock:
            return any(s.viewer.id is not None for s in self.subscribers)

    def signed_in_ids(self) -> list[UUID]:
        """The organizations with a socket open in this process."""
        with self.lock:
            return list({s.viewer.id for s in self.subscribers if s.viewer.id is not None})

    # Backlog (called in worker threads) --------------------------------------------------

    def read_backlog(self, after: int, until: int) -> list[Delivery]:
        """One page of deliveries with `after < position <= until`."""
        page = self.app.recorder.select_notifications(
            after, self.page_size, stop=until, inclusive_of_start=False
        )
        return [prepare(self.app, self.directory, n) for n in page]

    # The listening thread ----------------------------------------------------------------

    def session(self) -> None:
        """Listen on one connection until it is lost."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(SQL("LISTEN {}").format(Identifier(self.channel)))
            conn.execute(SQL("LISTEN {}").format(Identifier(SESSIONS_CHANNEL)))
            self._catch_up(conn)  # whatever was committed before LISTEN took effect
            self.ready.set()
            tick = min(0.5, self.session_check.interval)
            while not self.stopping.is_set():
                if self._notified(conn, timeout=tick):
                    self._catch_up(conn)
                if self.session_check.due():
                    self._check_sessions(conn)
                self.succeeded()

    def _notified(self, conn: psycopg.Connection[Any], timeout: float) -> bool:
        """Handles the notifications that arrive within `timeout`, in order: revokes ended
        sessions at once; True if new events were committed."""
        events = False
        for notify in conn.notifies(timeout=timeout, stop_after=1):
            if notify.channel == SESSIONS_CHANNEL:
                digest = digest_of(notify.payload)
                if digest is not None:
                    self.revoke({digest})
            else:
                events = True
        return events

    def _check_sessions(self, conn: psycopg.Connection[Any]) -> None:
        with self.lock:
            digests = {s.token_digest for s in self.subscribers if s.token_digest is not None}
        ended = self.session_check.run(conn, digests)
        if ended:
            self.revoke(ended)

    def _catch_up(self, conn: psycopg.Connection[Any]) -> None:
        while not self.stopping.is_set():
            page = self.app.recorder.select_notifications(
                self.position, self.page_size, inclusive_of_start=False
            )
            if not page:
                return
            batch = [prepare(self.app, self.directory, n) for n in page]
            self._notified(conn, timeout=0)  # a logout committed before these events first
            self._fan_out(batch)

    def _fan_out(self, batch: list[Delivery]) -> None:
        with self.lock:
            self.position = batch[-1].position
            by_loop: dict[asyncio.AbstractEventLoop, list[Subscriber]] = {}
            for subscriber in self.subscribers:
                by_loop.setdefault(subscriber.loop, []).append(subscriber)
            for loop, subscribers in by_loop.items():
                _call(loop, _offer_all, subscribers, batch)
        for listener in self.listeners:
            listener(batch)


def _offer_all(subscribers: Iterable[Subscriber], batch: Sequence[Delivery]) -> None:
    for subscriber in subscribers:
        subscriber.offer(batch)


def _call(loop: asyncio.AbstractEventLoop, callback: Any, *args: Any) -> None:
    with contextlib.suppress(RuntimeError):  # a closed loop: its sockets are gone
        loop.call_soon_threadsafe(callback, *args)
