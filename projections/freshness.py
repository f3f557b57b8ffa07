"""Read-your-writes: wait until views have processed a position, woken by NOTIFY, not polling."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from typing import Any

import psycopg

from projections.batches import projected_views
from projections.engine import PROJECTED_CHANNEL
from projections.worker import Worker


class PositionWatcher(Worker):
    """Listens to `market_projected` and knows how far every view has got."""

    def __init__(self, url: str, views: Iterable[str]) -> None:
        super().__init__("position-watcher", backoff=0.5)
        self.url = url
        self.positions: dict[str, int] = dict.fromkeys(views, 0)
        self.changed = threading.Condition()
        self.waiters: list[
            tuple[asyncio.AbstractEventLoop, asyncio.Future[None], int, tuple[str, ...]]
        ] = []

    def position(self, views: Iterable[str] | None = None) -> int:
        names = tuple(views) if views is not None else tuple(self.positions)
        return min((self.positions.get(v, 0) for v in names), default=0)

    def session(self) -> None:
        """Listen on one connection until it is lost."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"LISTEN {PROJECTED_CHANNEL}")
            rows = conn.execute("SELECT view, position FROM projection_positions").fetchall()
            self._update({str(view): int(pos) for view, pos in rows})
            self.ready.set()
            while not self.stopping.is_set():
                for notify in conn.notifies(timeout=0.5):
                    views, position = projected_views(notify.payload)
                    self._update(dict.fromkeys(views, position))
                self.succeeded()

    def _update(self, positions: dict[str, int]) -> None:
        with self.changed:
            for view, pos in positions.items():
                if view in self.positions and pos > self.positions[view]:
                    self.positions[view] = pos
            self.changed.notify_all()
            still_waiting = []
            for loop, future, target, views in self.waiters:
                if self.position(views) >= target:
                    loop.call_soon_threadsafe(_resolve, future)
                else:
                    still_waiting.append((loop, future, target, views))
            self.waiters = still_waiting

    async def wait_for(
        self, target: int, views: Iterable[str] | None = None, timeout: float = 5.0
    ) -> bool:
        """True once every named view has processed `target`; False after `timeout`."""
        names = tuple(views) if views is not None else tuple(self.positions)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self.changed:
            if self.position(names) >= target:
                return True
            self.waiters.append((loop, future, target, names))
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except TimeoutError:
            with self.changed:
                self.waiters = [w for w in self.waiters if w[1] is not future]
            return False

    def wait_sync(
        self, target: int, views: Iterable[str] | None = None, timeout: float = 5.0
    ) -> bool:
        names = tuple(views) if views is not None else tuple(self.positions)
        with self.changed:
            return self.changed.wait_for(lambda: self.position(names) >= target, timeout)


def _resolve(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_result(None)
