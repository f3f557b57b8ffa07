"""Deadline scheduler: appends `Expired`, `Closed` and `Overdue` events (a financing need's
`BecameOverdue`) as deadlines pass (like ProZorro's chronograph).

Every scan reads what is due from the views and acts through the use cases, whose aggregates
decide: a second scheduler, a restart or a view that lags only gets a refusal, which is skipped,
so each event is appended once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from psycopg_pool import ConnectionPool

from aggregates.errors import DomainError
from marketplace.application import Marketplace
from marketplace.workers import Worker
from projections.exhibitions import ended_exhibitions
from projections.financing_offers import offers_past_valid_until
from projections.financing_queries import needs_past_respond_by, needs_without_offer
from projections.listing_queries import overdue_postings
from projections.service_request_queries import overdue_requests, unrated_requests

T = TypeVar("T")


class DeadlineScheduler(Worker):
    """Expires overdue postings, closes ended exhibitions, marks overdue service requests, found
    in the views, by use case: one scan every `interval` seconds (after a failed one,
    `interval` s and then backing off)."""

    def __init__(self, app: Marketplace, pool: ConnectionPool[Any], interval: float) -> None:
        super().__init__("deadline-scheduler", backoff=interval, period=interval)
        self.app = app
        self.pool = pool

    def session(self) -> None:
        self.tick()

    def tick(self) -> int:
        """Act on every deadline passed (postings, exhibitions, financing, service requests);
        how many events were appended."""
        expired = _each(overdue_postings(self.pool, self.app.clock()), self.app.expire_posting)
        return (
            expired
            + self.close_ended_exhibitions()
            + self.expire_financing()
            + self.service_request_deadlines()
        )

    def close_ended_exhibitions(self) -> int:
        """Close every exhibition past its `ends_at`; the number closed."""
        return _each(ended_exhibitions(self.pool, self.app.clock()), self.app.close_exhibition)

    def expire_financing(self) -> int:
        """Mark needs gone the response days without an offer overdue, expire needs past
        `respond_by` without a match and offers past `valid_until`."""
        now, days = self.app.clock(), self.app.financing_response_days
        unanswered = needs_without_offer(self.pool, now, days)
        marked = _each(unanswered, self.app.mark_financing_need_overdue)
        offers = offers_past_valid_until(self.pool, now)
        expired = _each(offers, lambda ids: self.app.expire_offer(*ids))
        return (
            marked
            + expired
            + _each(needs_past_respond_by(self.pool, now), self.app.expire_financing_need)
        )

    def service_request_deadlines(self) -> int:
        """Mark service requests overdue to accept or to resolve (once per deadline) and close
        resolved ones left without feedback for the feedback days."""
        now = self.app.clock()
        marked = _each(
            overdue_requests(self.pool, now),
            lambda found: self.app.mark_service_request_overdue(*found),
        )
        days = self.app.service_deadlines.feedback_days
        closed = _each(unrated_requests(self.pool, now, days), self.app.close_service_request)
        return marked + closed


def _each(found: Iterable[T], act: Callable[[T], object]) -> int:
    """Act on each item found in a view; how many succeeded. A refusal means someone else got
    there first (withdrawn, accepted, cancelled or closed in the meantime): skip it."""
    done = 0
    for item in found:
        try:
            act(item)
            done += 1
        except DomainError:
            continue
    return done
