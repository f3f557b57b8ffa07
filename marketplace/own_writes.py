"""Read-your-writes per caller: the last position each caller wrote through this process.

The HTTP layer names the caller of the request it serves (`writer`, from its bearer token);
the application reports the position of every save (`MarketplaceBase.on_recorded`) and
`OwnWrites.note` keeps it for that caller. A later read by the same caller waits for it, reads
by anyone else do not; anonymous requests and background writers (the deadline scheduler)
name no caller.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from contextvars import ContextVar

# Set by the HTTP layer for the request it serves; read in the thread that saves.
writer: ContextVar[str | None] = ContextVar("writer", default=None)


def caller_key(token: str) -> str:
    """The key a caller's writes are kept under: a hash, so no token is held in memory."""
    return hashlib.sha256(token.encode()).hexdigest()


class OwnWrites:
    """The last write position per caller, bounded: the least recently written are dropped
    (their writes were projected long before)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._last: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def note(self, position: int) -> None:
        """Keep `position` for the caller of the current request, if it names one."""
        key = writer.get()
        if key is None:
            return
        with self._lock:
            self._last[key] = max(position, self._last.pop(key, 0))
            while len(self._last) > self.capacity:
                self._last.popitem(last=False)

    def last(self, key: str | None) -> int:
        """The caller's last write position (0 if none is known)."""
        if key is None:
            return 0
        with self._lock:
            return self._last.get(key, 0)
