"""`WS /api/v1/stream?after=P&token=T`: the backlog after P, then live events, gap-free.

The token may instead be sent as the subprotocol `bearer.<token>` (which keeps it out of URLs
and logs); the server then accepts with that subprotocol selected, as browsers require. When
both are sent, the subprotocol's is used.

Handover: the socket subscribes to the process's `StreamHub` first (which answers with its
position H), reads the backlog (P, H] from the event table, then sends what the hub queued,
skipping positions already sent. So nothing committed between the backlog read and the
subscription is lost, and nothing is sent twice. Close codes:

- 4401: the token is present but invalid or expired (no token: anonymous), or its session
  ended while the socket was open: logout or expiry (see `marketplace/stream/sessions.py`);
- 1013: slow consumer, more than `stream_queue_size` messages waited for it; the reason says
  `resume with after=<last position sent>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Query, WebSocket
from starlette.websockets import WebSocketDisconnect

from marketplace.bootstrap import Services
from marketplace.queries.viewer import ANONYMOUS, Viewer
from marketplace.settings import Settings
from marketplace.stores.security import token_digest
from marketplace.stream.hub import StreamHub, Subscriber
from marketplace.stream.matches import MatchNotifier
from marketplace.stream.notifications import NotificationFeed

router = APIRouter(tags=["stream"])

INVALID_TOKEN = 4401
SLOW_CONSUMER = 1013
SESSION_ENDED = "the session ended (logged out or expired)"
BEARER = "bearer."
MAX_TOKEN = 200
PING = json.dumps({"type": "ping"})


def viewer_of(services: Services, token: str | None) -> Viewer | None:
    """Anonymous without a token; None when the token is invalid."""
    if not token:
        return ANONYMOUS
    return services.queries.organizations.signed_in(token)


@router.websocket("/stream")
async def stream(
    websocket: WebSocket,
    after: Annotated[int, Query(ge=0)] = 0,
    token: Annotated[str | None, Query(max_length=200)] = None,
) -> None:
    """Every event after `after` the caller may see, then live ones; pings in between."""
    services: Services = websocket.app.state.services
    hub: StreamHub = websocket.app.state.stream_hub
    subprotocol = _bearer_subprotocol(websocket)
    if subprotocol is not None:
        token = subprotocol.removeprefix(BEARER)
    await websocket.accept(subprotocol=subprotocol)
    viewer = None
    if subprotocol != BEARER and len(token or "") <= MAX_TOKEN:
        viewer = await asyncio.to_thread(viewer_of, services, token)
    if viewer is None:
        await websocket.close(INVALID_TOKEN, "the session token is invalid or expired")
        return
    digest = token_digest(token) if token else None
    subscriber = Subscriber(viewer, services.settings.stream_queue_size, digest)
    until = hub.subscribe(subscriber)
    try:
        sender = _send(websocket, hub, subscriber, after, until, services.settings)
        await _until_either(_until_disconnect(websocket), sender)
    finally:
        hub.unsubscribe(subscriber)


def _bearer_subprotocol(websocket: WebSocket) -> str | None:
    """The first offered subprotocol `bearer.<token>`, if any (others are ignored)."""
    offered: list[str] = websocket.scope.get("subprotocols") or []
    return next((p for p in offered if p.startswith(BEARER)), None)


async def _until_either(*coroutines: Coroutine[Any, Any, None]) -> None:
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task


async def _until_disconnect(websocket: WebSocket) -> None:
    """Client messages are ignored; this only notices the client going away."""
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass


async def _send(
    websocket: WebSocket,
    hub: StreamHub,
    subscriber: Subscriber,
    after: int,
    until: int,
    settings: Settings,
) -> None:
    try:
        last = await _send_backlog(websocket, hub, subscriber, after, until)
        await _send_live(websocket, subscriber, last, settings)
        if subscriber.revoked:
            await asyncio.wait_for(websocket.close(INVALID_TOKEN, SESSION_ENDED), timeout=30)
    except (WebSocketDisconnect, RuntimeError, OSError):
        return  # the client went away mid-send


async def _send_backlog(
    websocket: WebSocket, hub: StreamHub, subscriber: Subscriber, after: int, until: int
) -> int:
    last = after
    while last < until and not subscriber.overflowed:
        page = await asyncio.to_thread(hub.read_backlog, last, until)
        if not page:
            break
        for delivery in page:
            if subscriber.revoked:
                return last
            text = delivery.text_for(subscriber.viewer)
            if text is not None:
                await websocket.send_text(text)
        last = page[-1].position
    return max(last, until) if not subscriber.overflowed else last


async def _send_live(
    websocket: WebSocket, subscriber: Subscriber, last: int, settings: Settings
) -> None:
    interval = settings.stream_ping_seconds
    loop = asyncio.get_running_loop()
    next_ping = loop.time() + interval
    while not subscriber.overflowed:
        batch = await subscriber.next_batch(max(0.0, next_ping - loop.time()))
        for position, text, is_event in batch:
            if subscriber.revoked:
                return
            if is_event and position <= last:
                continue  # already sent with the backlog
            await websocket.send_text(text)
            last = max(last, position) if is_event else last
        if subscriber.revoked:
            return
        if loop.time() >= next_ping:
            await websocket.send_text(PING)
            next_ping = loop.time() + interval
    reason = f"slow consumer: resume with after={last}"
    await asyncio.wait_for(websocket.close(SLOW_CONSUMER, reason), timeout=30)


@contextlib.asynccontextmanager
async def live_stream(app: Any, services: Services) -> AsyncIterator[StreamHub]:
    """Run this process's hub (and its match notifier and notification feed) for the app's
    lifetime."""
    settings = services.settings
    hub = StreamHub(
        services.app, services.url, settings.stream_page_size, settings.stream_session_check_seconds
    )
    notifier = MatchNotifier(services, hub)
    hub.listeners.append(notifier)
    feed = NotificationFeed(services.url, services.views.notifications, hub)
    notifier.start()
    feed.start()
    hub.start()
    await asyncio.to_thread(hub.ready.wait, 10)
    await asyncio.to_thread(feed.ready.wait, 10)
    app.state.stream_hub = hub
    try:
        yield hub
    finally:
        hub.stop()
        notifier.stop()
        feed.stop()
        await asyncio.to_thread(hub.join, 5)
        await asyncio.to_thread(notifier.join, 5)
        await asyncio.to_thread(feed.join, 5)
