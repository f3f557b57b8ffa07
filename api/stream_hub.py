"""One LISTEN per API process: read each new event once, decode once, fan out to every socket.

The hub LISTENs on the event table's channel (every committed save NOTIFYs it). On each wake it
reads the notifications after its position, decodes and classifies them once, and hands the
batch to every subscriber's loop with `call_soon_threadsafe`. The batch and the hub's position
change under one lock, so a subscriber that registered at position H receives exactly the
events after H: it reads the backlog up to H itself (`read_backlog`), gap-free, no repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import Notification
from psycopg.sql import SQL, Identifier

from marketplace.application import Marketplace
from marketplace.directory import Directory
from marketplace.visibility import Viewer, Visibility, visibility

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One event, classified and encoded once for all sockets."""

    position: int
    visibility: Visibility | None
    full: str = ""
    shared: str | None = None
    posting: Any = None  # the decoded Posting.Published, for matching

    def text_for(self, viewer: Viewer) -> str | None:
        if self.visibility is None:
            return None
        data = self.visibility.data_for(viewer)
        if data is None:
            return None
        return self.full if data is self.visibility.data else self.shared


def message(position: int, kind: str, topic: str, stream_id: UUID, data: Any) -> str:
    body = {"position": position, "type": kind, "topic": topic, "stream_id": str(stream_id)}
    return json.dumps({**body, "data": data}, ensure_ascii=False, separators=(",", ":"))


def prepare(app: Marketplace, directory: Directory, notification: Notification) -> Delivery:
    """Decode and classify one notification (unknown or undecodable: skipped, position kept)."""
    try:
        event = app.mapper.to_domain_event(notification)
        seen = visibility(event, directory)
    except Exception:
        log.exception("stream: cannot show event at position %s", notification.id)
        return Delivery(notification.id, None)
    kind = notification.topic.partition(":")[2]
    stream_id = UUID(str(notification.originator_id))
    full = message(notification.id, kind, notification.topic, stream_id, seen.data)
    shared = None
    if seen.shared is not None:
        shared = message(notification.id, kind, notification.topic, stream_id, seen.shared)
    posting = event if kind == "Posting.Published" else None
    return Delivery(notification.id, seen, full, shared, posting)


class Subscriber:
    """A socket's bounded mailbox; past `limit` it drops everything and is marked overflowed,
    so a slow consumer costs at most `limit` messages of memory."""

    def __init__(self, viewer: Viewer, limit: int) -> None:
        self.viewer = viewer
        self.limit = limit
        self.loop = asyncio.get_running_loop()
        self.items: deque[tuple[int, str, bool]] = deque()
        self.wakeup = asyncio.Event()
        self.overflowed = False

    def offer(self, batch: Sequence[Delivery]) -> None:
        """On the subscriber's loop: queue what the viewer may see."""
        for delivery in batch:
            text = delivery.text_for(self.viewer)
            if text is not None:
                self.put(delivery.position, text)

    def put(self, position: int, text: str, is_event: bool = True) -> None:
        """Queue one message; `is_event` False for extras (matches), which do not advance the
        resume position."""
        if self.overflowed:
            return
        if len(self.items) >= self.limit:
            self.overflowed = True
            self.items.clear()
        else:
            self.items.append((position, text, is_event))
        self.wakeup.set()

    async def next_batch(self, timeout: float) -> list[tuple[int, str, bool]]:
        """What is queued, waiting up to `timeout` for something (empty list: timed out)."""
        if not self.items and not self.overflowed:
            self.wakeup.clear()
            try:
                await asyncio.wait_for(self.wakeup.wait(), timeout)
            except TimeoutError:
                return []
        batch = list(self.items)
        self.items.clear()
        return batch


class StreamHub(threading.Thread):
    """The per-process listener and fan-out (see the module docstring)."""

    def __init__(self, app: Marketplace, url: str, page_size: int = 500) -> None:
        super().__init__(name="stream-hub", daemon=True)
        self.app = app
        self.url = url
        self.page_size = page_size
        self.directory = Directory(app.repository.get)
        self.channel: str = app.recorder.channel_name  # type: ignore[attr-defined]
        self.position = int(app.recorder.max_notification_id() or 0)
        self.subscribers: set[Subscriber] = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.listeners: list[Any] = []  # callables(batch), e.g. the matcher

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

    def has_signed_in(self) -> bool:
        with self.lock:
            return any(s.viewer.id is not None for s in self.subscribers)

    # Backlog (called in worker threads) --------------------------------------------------

    def read_backlog(self, after: int, until: int) -> list[Delivery]:
        """One page of deliveries with `after < position <= until`."""
        page = self.app.recorder.select_notifications(
            after, self.page_size, stop=until, inclusive_of_start=False
        )
        return [prepare(self.app, self.directory, n) for n in page]

    # The listening thread ----------------------------------------------------------------

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._listen()
            except Exception:
                log.exception("stream hub lost its connection; reconnecting")
                self.stopping.wait(0.5)

    def _listen(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(SQL("LISTEN {}").format(Identifier(self.channel)))
            self._catch_up()  # whatever was committed before LISTEN took effect
            self.ready.set()
            while not self.stopping.is_set():
                if any(True for _ in conn.notifies(timeout=0.5, stop_after=1)):
                    self._catch_up()

    def _catch_up(self) -> None:
        while not self.stopping.is_set():
            page = self.app.recorder.select_notifications(
                self.position, self.page_size, inclusive_of_start=False
            )
            if not page:
                return
            batch = [prepare(self.app, self.directory, n) for n in page]
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
