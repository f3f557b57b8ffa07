"""The aggregates this process last wrote, so that a command does not replay a whole history.

A posting with 3,000 bids took ~150 ms to replay from its events, on every bid. Commands
(`MarketplaceBase.change`) take an aggregate out of this cache, read from the event store only
the events after its version (another process, the scheduler or a script may have written
since), apply them, run the command, and put the aggregate back once it is saved. A command
refused before it applied an event (a guard, If-Match, who may act) puts it back unchanged;
one that fails after applying events never does: the next one replays from the event store,
so a half-applied or unsaved change is never seen. Copying it for every command (deepcopy,
pickle) costs as much as the replay at that size, so the cache lends out the one object, and
the answer gets a snapshot of its collections (`commands.snapshot`).

Only commands use it, and only under the aggregate's striped lock (`marketplace/commands.py`):
one writer at a time holds a given aggregate, so the lent object is never shared by two
commands. Reads (`load` outside a command) replay from the event store as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from uuid import UUID

from eventsourcing.domain import Aggregate


class AggregateCache:
    """At most `size` aggregates, least recently written dropped first (0: no cache)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[UUID, Aggregate] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, aggregate_id: UUID) -> Aggregate | None:
        """The cached aggregate, now out of the cache until it is put back."""
        with self._lock:
            return self._items.pop(aggregate_id, None)

    def put(self, aggregate: Aggregate) -> None:
        """Keep a saved aggregate (its pending events collected) for the next command."""
        if self.size <= 0:
            return
        with self._lock:
            self._items[aggregate.id] = aggregate
            self._items.move_to_end(aggregate.id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, aggregate_id: object) -> bool:
        return aggregate_id in self._items
