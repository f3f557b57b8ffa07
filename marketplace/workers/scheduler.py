"""Deadline scheduler: appends `Expired` events as deadlines pass (like ProZorro's chronograph)."""

from __future__ import annotations

from typing import Any

from psycopg_pool import ConnectionPool

from aggregates.errors import DomainError
from marketplace.application import Marketplace
from marketplace.workers import Worker
from projections.exhibitions import ended_exhibitions
from projections.financing_offers import offers_past_valid_until
from projections.financing_queries import needs_past_respond_by
from projections.listings import overdue_postings


class DeadlineScheduler(Worker):
    """Expires overdue postings and closes ended exhibitions, found in the views, by use case:
    one scan every `interval` seconds (after a failed one, `interval` s and then backing off)."""

    def __init__(self, app: Marketplace, pool: ConnectionPool[Any], interval: float) -> None:
        super().__init__("deadline-scheduler", backoff=interval, period=interval)
        self.app = app
        self.pool = pool

    def session(self) -> None:
        self.tick()

    def tick(self) -> int:
        """Expire every overdue posting and close every ended exhibition; how many."""
        expired = 0
        for posting_id in overdue_postings(self.pool, self.app.clock()):
            try:
                self.app.expire_posting(posting_id)
                expired += 1
            except DomainError:
                continue  # already closed by someone else in the meantime
        return expired + self.close_ended_exhibitions() + self.expire_financing()

    def close_ended_exhibitions(self) -> int:
        """Close every exhibition past its `ends_at`; the number closed."""
        closed = 0
        for exhibition_id in ended_exhibitions(self.pool, self.app.clock()):
            try:
                self.app.close_exhibition(exhibition_id)
                closed += 1
            except DomainError:
                continue  # cancelled or closed in the meantime
        return closed

    def expire_financing(self) -> int:
        """Expire needs past `respond_by` without a match and offers past `valid_until`."""
        expired = 0
        now = self.app.clock()
        for need_id, offer_id in offers_past_valid_until(self.pool, now):
            try:
                self.app.expire_offer(need_id, offer_id)
                expired += 1
            except DomainError:
                continue  # accepted, withdrawn or expired in the meantime
        for need_id in needs_past_respond_by(self.pool, now):
            try:
                self.app.expire_financing_need(need_id)
                expired += 1
            except DomainError:
                continue  # matched or withdrawn in the meantime
        return expired
