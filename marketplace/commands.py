"""Commands on aggregates: typed loading, If-Match, and retries on version conflicts."""

from __future__ import annotations

import copy
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, Transcoder

from aggregates.errors import ConflictError, NotFoundError, VersionMismatchError
from marketplace.actor import ActorMapper
from marketplace.aggregate_cache import AggregateCache
from marketplace.stores.recorder import SideEffect
from marketplace.transcoder import FastJSONTranscoder

A = TypeVar("A", bound=Aggregate)
_STRIPES = [threading.Lock() for _ in range(256)]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome(Generic[A]):
    """What a command changed: the aggregate, its new version and the last global position,
    and the other aggregates saved with it (a drafted contract). Use cases that return more
    (the bid placed, the offer made) subclass it with named fields."""

    aggregate: A
    version: int
    position: int | None
    others: tuple[Aggregate, ...] = ()


class MarketplaceBase(Application[UUID]):
    """Saving with retries on version conflicts, and typed loading."""

    name = "Marketplace"
    command_retries = 10

    def __init__(
        self, env: dict[str, str] | None = None, *, clock: Callable[[], datetime] = utc_now
    ) -> None:
        super().__init__(env)
        self.clock = clock
        # The aggregates commands wrote last, brought up to date from the store when reused.
        self.aggregates = AggregateCache(1000)
        # Told the position of every save: the API keeps each caller's last write with it.
        self.on_recorded: Callable[[int], None] = _ignore

    def construct_transcoder(self) -> Transcoder:
        """The stock JSON format, decoded faster (`marketplace/transcoder.py`)."""
        transcoder: JSONTranscoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self) -> Mapper[UUID]:
        """The stock mapper that also records the acting member (`marketplace/actor.py`)."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=ActorMapper)

    def load(self, cls: type[A], aggregate_id: UUID, what: tuple[str, str]) -> A:
        """The aggregate of the given class, or NotFoundError with the given en/zh noun."""
        aggregate: Any
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"{what[0]} not found", f"未找到该{what[1]}")
        return aggregate

    def record(
        self, *aggregates: Aggregate, side_effects: list[SideEffect] | None = None
    ) -> int | None:
        """Save in one transaction; the global position of the last event written."""
        recordings = self.save(*aggregates, side_effects=side_effects or [])
        position = max((r.notification.id for r in recordings), default=None)
        if position is not None:
            self.on_recorded(position)
        return position

    def change(
        self,
        cls: type[A],
        aggregate_id: UUID,
        what: tuple[str, str],
        command: Callable[[A], tuple[Aggregate, ...] | None],
        if_match: int | None = None,
        authorize: Callable[[A], None] | None = None,
        side_effects: Callable[[A], list[SideEffect]] | None = None,
    ) -> Outcome[A]:
        """Load, check If-Match, run the command, save; retried on a concurrent write.
        `side_effects`, given the changed aggregate, names statements for the same transaction.

        Writers to one aggregate inside this process take turns (striped locks, so only one
        of them holds a connection while waiting), and across processes they queue on a
        PostgreSQL advisory lock; a conflict with anyone else is retried.
        """
        with _STRIPES[hash(aggregate_id) % len(_STRIPES)]:
            return self._change(cls, aggregate_id, what, command, if_match, authorize, side_effects)

    def _change(
        self,
        cls: type[A],
        aggregate_id: UUID,
        what: tuple[str, str],
        command: Callable[[A], tuple[Aggregate, ...] | None],
        if_match: int | None,
        authorize: Callable[[A], None] | None,
        side_effects: Callable[[A], list[SideEffect]] | None = None,
    ) -> Outcome[A]:
        def attempt() -> Outcome[A] | None:
            aggregate = self._checkout(cls, aggregate_id, what)
            try:
                if authorize is not None:
                    authorize(aggregate)  # who may act is decided before which version they saw
                if if_match is not None and aggregate.version != if_match:
                    raise VersionMismatchError(
                        f"version is {aggregate.version}, not {if_match}",
                        f"当前版本为 {aggregate.version}，不是 {if_match}",
                    )
            except Exception:
                self.aggregates.put(aggregate)  # unchanged: the next command may reuse it
                raise
            try:
                others = command(aggregate) or ()
            except Exception:
                if not aggregate.pending_events:  # refused by a guard: no event, no change
                    self.aggregates.put(aggregate)
                raise  # otherwise it is left out of the cache: it may be half changed
            try:
                statements = side_effects(aggregate) if side_effects is not None else None
                position = self.record(aggregate, *others, side_effects=statements)
            except IntegrityError:
                return None
            self.aggregates.put(aggregate)
            # The next command changes the cached object: the caller gets this version's state.
            return Outcome(snapshot(aggregate), aggregate.version, position, others)

        # Writers to one aggregate queue on a PostgreSQL advisory lock, across processes, so
        # they do not spend their retries losing to each other (a hot exhibition or posting).
        # Retries remain for writers that do not take it (other tools, in-memory tests).
        with self._serialized(aggregate_id):
            for retry in range(self.command_retries):
                if retry:
                    time.sleep(random.uniform(0, 0.002 * retry))
                outcome = attempt()
                if outcome is not None:
                    return outcome
        raise ConflictError("too many concurrent changes, please try again", "并发修改过多，请重试")

    def _checkout(self, cls: type[A], aggregate_id: UUID, what: tuple[str, str]) -> A:
        """The aggregate for a command: the cached one plus the events written since (by
        anyone), or replayed from all its events."""
        cached = self.aggregates.take(aggregate_id)
        if not isinstance(cached, cls):
            return self.load(cls, aggregate_id, what)
        newer = self.repository.event_store.get(aggregate_id, gt=cached.version)
        aggregate = project_aggregate(cached, newer)
        if not isinstance(aggregate, cls):  # cannot happen: events never remove an aggregate
            raise NotFoundError(f"{what[0]} not found", f"未找到该{what[1]}")
        return aggregate

    @contextmanager
    def _serialized(self, aggregate_id: UUID) -> Iterator[None]:
        """Hold a PostgreSQL advisory lock on the aggregate (no-op without PostgreSQL)."""
        datastore = getattr(self.recorder, "datastore", None)
        if datastore is None:
            yield
            return
        key = int.from_bytes(aggregate_id.bytes[:8], "big", signed=True)
        with datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


def _ignore(position: int) -> None:
    """No one keeps positions (scripts, tests, the projection process)."""


def snapshot(aggregate: A) -> A:
    """A copy that later commands on the cached aggregate cannot change: its collections (bids,
    offers, signups, members …) and their entries are copied, one level down. Values below
    that (UUIDs, decimals, strings, dates) are immutable. ~1 ms for a posting with 3,000 bids
    (frozen: shared; `copy.copy` of each took 16 ms), against ~150 ms to replay it."""
    copied = copy.copy(aggregate)
    for name, value in vars(aggregate).items():
        if isinstance(value, dict):
            setattr(copied, name, {k: _entry(v) for k, v in value.items()})
        elif isinstance(value, list | set):
            setattr(copied, name, type(value)(_entry(v) for v in value))
    return copied


_IMMUTABLE = (str, int, float, Decimal, UUID, date, tuple, frozenset, Enum, type(None))
_COPIERS: dict[type, Callable[[Any], Any]] = {}  # per type of entry: how to copy one


def _entry(value: Any) -> Any:
    """`copy.copy(value)`, quicker for what collections hold: immutable values (frozen
    dataclasses too) as they are, a plain object (a mutable dataclass such as an `Offer`) as a
    new instance with a copy of its `__dict__`.
    How to copy is decided once per type."""
    copier = _COPIERS.get(type(value))
    if copier is None:
        copier = _COPIERS[type(value)] = _copier(type(value))
    return copier(value)


def _copier(kind: type) -> Callable[[Any], Any]:
    params = getattr(kind, "__dataclass_params__", None)
    if issubclass(kind, _IMMUTABLE) or (params is not None and params.frozen):
        return _same  # a frozen dataclass (a `Bid`) is replaced, never changed: share it
    plain = "__dict__" in dir(kind) and not hasattr(kind, "__slots__")
    if plain and not hasattr(kind, "__copy__") and kind.__reduce_ex__ == object.__reduce_ex__:
        return _plain_copy
    return copy.copy


def _same(value: Any) -> Any:
    return value


def _plain_copy(value: Any) -> Any:
    twin = object.__new__(type(value))
    twin.__dict__.update(value.__dict__)
    return twin
