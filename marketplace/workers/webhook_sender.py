"""Webhook sender: posts the outbox's deliveries (`projections.webhook_outbox`), in the
projection process (`market project`, `market serve`).

- In order per webhook: only a webhook's first pending delivery (by its notification's order)
  is ever tried, so a failing one holds the later ones until it is delivered or given up.
- At least once: a webhook's first pending deliveries (up to BATCH) are locked (`FOR UPDATE
  SKIP LOCKED`) in a transaction that lasts while they are posted, one after another, and
  records how each went. A crash mid-post rolls that back, and the same deliveries (same
  `Market-Delivery` ids) are posted again; other processes skip locked ones, and post nothing
  of a webhook whose first pending delivery another holds, so two never post one at once.
- A timeout, a refused target or an answer other than 2xx is a failure: tried again after
  `webhook_retry_seconds`, doubling up to `webhook_retry_max_seconds`, until
  `webhook_give_up_hours` after it was queued, then given up (recorded in the delivery log).
"""

from __future__ import annotations

import http.client
import time
import uuid
from datetime import timedelta
from typing import Any

import psycopg
import pydantic_core
from psycopg.rows import dict_row

from aggregates.errors import InvalidValueError
from marketplace.settings import Settings
from marketplace.webhook_http import post, signature
from marketplace.webhook_targets import Resolver, check_target, resolve
from marketplace.workers import Worker
from projections.notification_queries import notification_document
from projections.webhook_outbox import WEBHOOKS_CHANNEL

POLL = 1.0  # seconds between looks at the outbox when nothing wakes the sender
BATCH = 20  # deliveries of one webhook locked and posted in one transaction, one by one
IN_A_ROW = 5  # batches of one webhook before the others get their turn
ERROR_CHARS = 500

Conn = psycopg.Connection[dict[str, Any]]

_DUE = (  # the webhooks whose first pending delivery is due
    "SELECT webhook_id FROM (SELECT DISTINCT ON (webhook_id) webhook_id, next_attempt_at"
    " FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL ORDER BY webhook_id, seq) h"
    " WHERE next_attempt_at <= now()"
)
# A webhook's first pending deliveries in order, those no other process has locked, each
# with its webhook and its notification (as the inbox lists it), in one trip. They are posted
# only while they run on from the first one (which another process may hold: then none is).
_LOCK = (
    "WITH first AS (SELECT id, seq FROM webhook_deliveries WHERE webhook_id = %(webhook)s"
    " AND next_attempt_at IS NOT NULL ORDER BY seq LIMIT %(batch)s)"
    " SELECT d.id AS delivery_id, first.id = (SELECT id FROM first ORDER BY seq LIMIT 1)"
    " AS is_first, d.next_attempt_at <= now() AS due, d.attempts, w.url, w.secret,"
    " n.id, n.kind, n.position, n.created_at, n.action_required, n.done_at, n.due_at,"
    " n.subject_type, n.subject_id, n.title_zh, n.title_en, r.read_at"
    " FROM first JOIN webhook_deliveries d ON d.id = first.id"
    " JOIN webhooks w ON w.id = d.webhook_id"
    " LEFT JOIN notifications n ON n.id = d.notification_id"
    " LEFT JOIN notification_reads r"
    " ON r.notification_id = n.id AND r.organization_id = n.organization_id"
    " WHERE d.next_attempt_at IS NOT NULL ORDER BY first.seq"
    " FOR UPDATE OF d SKIP LOCKED"
)
_DELIVERED = (
    "UPDATE webhook_deliveries SET attempts = attempts + 1, status_code = s.status,"
    " error = NULL, delivered_at = now(), next_attempt_at = NULL"
    " FROM unnest(%s::uuid[], %s::int[]) AS s (id, status) WHERE webhook_deliveries.id = s.id"
)
_FAILED = (
    "UPDATE webhook_deliveries SET attempts = attempts + 1, status_code = %(status)s,"
    " error = CASE WHEN created_at + %(give_up)s <= now()"
    "   THEN 'given up: ' || %(error)s ELSE %(error)s END,"
    " given_up_at = CASE WHEN created_at + %(give_up)s <= now() THEN now() END,"
    " next_attempt_at = CASE WHEN created_at + %(give_up)s <= now() THEN NULL"
    "   ELSE least(now() + %(pause)s, created_at + %(give_up)s) END"
    " WHERE id = %(id)s"
)


class WebhookSender(Worker):
    """Posts due deliveries; woken by `NOTIFY market_webhooks` when the view queues some."""

    def __init__(self, url: str, settings: Settings, resolver: Resolver = resolve) -> None:
        super().__init__("webhook-sender", backoff=settings.projection_reconnect_seconds)
        self.url = url
        self.allowed = settings.webhook_hosts
        self.timeout = settings.webhook_timeout_seconds
        self.first_pause = settings.webhook_retry_seconds
        self.max_pause = settings.webhook_retry_max_seconds
        self.give_up = timedelta(hours=settings.webhook_give_up_hours)
        self.resolver = resolver

    def session(self) -> None:
        with (
            psycopg.connect(self.url, autocommit=True) as lsn,
            psycopg.connect(self.url, autocommit=True, row_factory=dict_row) as conn,
        ):
            lsn.execute(f"LISTEN {WEBHOOKS_CHANNEL}")
            # An outcome lost in a crash only means that the delivery is posted again (at
            # least once allows it): its commit need not wait for the disk.
            conn.execute("SET synchronous_commit = off")
            while not self.stopping.is_set():
                sent = self.send_due(conn)
                self.succeeded()
                if not sent:
                    for _ in lsn.notifies(timeout=POLL, stop_after=1):
                        pass

    def send_due(self, conn: Conn) -> int:
        """Post each webhook's due deliveries in order (a few batches each); how many tried."""
        tried = 0
        for due in conn.execute(_DUE).fetchall():
            for _ in range(IN_A_ROW):
                if self.stopping.is_set():
                    return tried
                count, delivered = self.attempt(conn, due["webhook_id"])
                tried += count
                if count < BATCH or not delivered:
                    break
        return tried

    def attempt(self, conn: Conn, webhook_id: uuid.UUID) -> tuple[int, bool]:
        """Post the webhook's first pending deliveries, one after another until one fails,
        and record how each went, in one transaction: (how many tried, all delivered)."""
        with conn.transaction():
            found = conn.execute(_LOCK, {"webhook": webhook_id, "batch": BATCH}).fetchall()
            if not found or not found[0]["is_first"]:
                return 0, True  # none pending, or another process is posting its first
            delivered: list[tuple[uuid.UUID, int]] = []
            started = time.monotonic()
            for row in found:
                if not row["due"] or time.monotonic() - started > self.timeout:
                    break
                status, error = self._post(row["delivery_id"], row)
                if error is not None:
                    self._failed(conn, row, status, error)
                    self._delivered(conn, delivered)
                    return len(delivered) + 1, False
                assert status is not None
                delivered.append((row["delivery_id"], status))
            self._delivered(conn, delivered)
            return len(delivered), True

    @staticmethod
    def _delivered(conn: Conn, delivered: list[tuple[uuid.UUID, int]]) -> None:
        if delivered:
            conn.execute(_DELIVERED, ([d[0] for d in delivered], [d[1] for d in delivered]))

    def _failed(self, conn: Conn, row: dict[str, Any], status: int | None, error: str) -> None:
        pause = min(self.first_pause * 2 ** row["attempts"], self.max_pause)
        conn.execute(
            _FAILED,
            {
                "status": status,
                "error": error[:ERROR_CHARS],
                "give_up": self.give_up,
                "pause": timedelta(seconds=pause),
                "id": row["delivery_id"],
            },
        )

    def _post(self, delivery_id: uuid.UUID, found: dict[str, Any]) -> tuple[int | None, str | None]:
        """(status, None) when delivered; (status or None, why) when not."""
        if found["kind"] is None:
            return None, "notification not found (its view is being rebuilt?)"
        body = pydantic_core.to_json(notification_document(found))
        try:
            target = check_target(found["url"], self.allowed, self.resolver)
        except InvalidValueError as refused:
            return None, refused.en
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "sme-marketplace-webhooks",
            "Market-Delivery": str(delivery_id),
            "Market-Signature": signature(found["secret"], stamp, body),
        }
        try:
            status = post(target, body, headers, self.timeout)
        except TimeoutError:
            return None, f"no answer within {self.timeout:g} s"
        except (OSError, http.client.HTTPException) as error:
            return None, f"{type(error).__name__}: {error}"
        if 200 <= status < 300:
            return status, None
        return status, f"answered HTTP {status}"
