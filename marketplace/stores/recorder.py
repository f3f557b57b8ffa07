"""The application recorder: the stock PostgreSQL recorder plus writes in the same transaction.

- Side effects: `app.save(*aggregates, side_effects=[(query, params), ...])` runs those
  statements inside the transaction that inserts the events (after them), so for example an
  organization's credentials never exist without its `Registered` event, nor the other way
  round.
- Audit leaves: every event's Merkle leaf is written by a trigger in that same INSERT
  (`marketplace.audit.store`), under the event table lock that the stock recorder takes.
- Idempotency: the record of the request's Idempotency-Key, when it has one
  (`marketplace.stores.idempotency`), so a retry after a crash knows the write committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow

from marketplace.stores.idempotency import idempotency_record
from marketplace.stores.side_effects import SideEffect

__all__ = ["MarketRecorder", "SideEffect"]


class MarketRecorder(PostgresApplicationRecorder):
    """Inserts events (their audit leaves come with them) and side effects in one transaction."""

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        side_effects = list(kwargs.get("side_effects", ()))
        if ids and stored_events:
            record = idempotency_record(max(ids), stored_events)
            side_effects += [record] if record is not None else []
        self._run_side_effects(curs, side_effects)
        return ids

    @staticmethod
    def _run_side_effects(curs: Cursor[DictRow], side_effects: Sequence[SideEffect]) -> None:
        """Last in the pipeline, unprepared, and synced at once: when one fails (a duplicate
        key), no statement after it in the batch is skipped by the server. A skipped first
        Parse would leave psycopg's prepared-statement cache naming a statement the server
        never prepared, and break later saves on that pooled connection."""
        if not side_effects:
            return
        for query, params in side_effects:
            curs.execute(query, params, prepare=False)  # type: ignore[arg-type]
        curs.execute("SELECT 1", prepare=False)
        curs.fetchone()
