"""Webhook sender: posts the outbox's deliveries (`projections.webhook_outbox`), in the
projection process (`market project`, `market serve`).

- In order per webhook: only a webhook's first pending delivery (by its notification's order)
  is ever tried, so a failing one holds the later ones until it is delivered or given up.
- At least once: a delivery is locked (`FOR UPDATE SKIP LOCKED`) in a transaction that lasts
  while it is posted and records the outcome. A crash mid-post rolls that back, and the same
  delivery (same `Market-Delivery` id) is posted again; other processes skip a locked one, so
  two never post it at the same time.
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
from projections.webhook_outbox import WEBHOOKS_CHANNEL, notification_document

POLL = 1.0  # seconds between looks at the outbox when nothing wakes the sender
IN_A_ROW = 100  # deliveries of one webhook before the others get their turn
ERROR_CHARS = 500

Conn = psycopg.Connection[dict[str, Any]]

_HEADS = (
    "SELECT DISTINCT ON (webhook_id) id, next_attempt_at <= now() AS due"
    " FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL ORDER BY webhook_id, seq"
)
_NEXT = (
    "SELECT id FROM webhook_deliveries WHERE webhook_id = %s AND next_attempt_at IS NOT NULL"
    " AND next_attempt_at <= now() ORDER BY seq LIMIT 1"
)
_LOCK = (
    "SELECT d.id, d.webhook_id, d.notification_id, d.attempts, w.url, w.secret"
    " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
    " WHERE d.id = %s AND d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= now()"
    " FOR UPDATE OF d SKIP LOCKED"
)
_FIRST = (  # is it still its webhook's first pending one?
    "SELECT id FROM webhook_deliveries WHERE webhook_id = %s AND next_attempt_at IS NOT NULL"
    " ORDER BY seq LIMIT 1"
)
_NOTIFICATION = (
    "SELECT n.*, r.read_at FROM notifications n LEFT JOIN notification_reads r"
    " ON r.notification_id = n.id AND r.organization_id = n.organization_id WHERE n.id = %s"
)
_DELIVERED = (
    "UPDATE webhook_deliveries SET attempts = attempts + 1, status_code = %s, error = NULL,"
    " delivered_at = now(), next_attempt_at = NULL WHERE id = %s"
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
            while not self.stopping.is_set():
                sent = self.send_due(conn)
                self.succeeded()
                if not sent:
                    for _ in lsn.notifies(timeout=POLL, stop_after=1):
                        pass

    def send_due(self, conn: Conn) -> int:
        """Try each webhook's due deliveries in order (up to IN_A_ROW each); how many tried."""
        tried = 0
        for head in conn.execute(_HEADS).fetchall():
            delivery_id: uuid.UUID | None = head["id"] if head["due"] else None
            for _ in range(IN_A_ROW):
                if delivery_id is None or self.stopping.is_set():
                    break
                outcome = self.attempt(conn, delivery_id)
                if outcome is None:
                    break
                tried += 1
                webhook_id, delivered = outcome
                if not delivered:
                    break
                row = conn.execute(_NEXT, (webhook_id,)).fetchone()
                delivery_id = row["id"] if row else None
        return tried

    def attempt(self, conn: Conn, delivery_id: uuid.UUID) -> tuple[uuid.UUID, bool] | None:
        """Post one delivery and record how it went: (its webhook, delivered); None when it is
        not due, not first, or another process has it."""
        with conn.transaction():
            found = conn.execute(_LOCK, (delivery_id,)).fetchone()
            if found is None:
                return None
            first = conn.execute(_FIRST, (found["webhook_id"],)).fetchone()
            if first is None or first["id"] != delivery_id:
                return None
            status, error = self._post(conn, found)
            if error is None:
                conn.execute(_DELIVERED, (status, delivery_id))
                return found["webhook_id"], True
            pause = min(self.first_pause * 2 ** found["attempts"], self.max_pause)
            conn.execute(
                _FAILED,
                {
                    "status": status,
                    "error": error[:ERROR_CHARS],
                    "give_up": self.give_up,
                    "pause": timedelta(seconds=pause),
                    "id": delivery_id,
                },
            )
            return found["webhook_id"], False

    def _post(self, conn: Conn, delivery: dict[str, Any]) -> tuple[int | None, str | None]:
        """(status, None) when delivered; (status or None, why) when not."""
        row = conn.execute(_NOTIFICATION, (delivery["notification_id"],)).fetchone()
        if row is None:
            return None, "notification not found (its view is being rebuilt?)"
        body = pydantic_core.to_json(notification_document(row))
        try:
            target = check_target(delivery["url"], self.allowed, self.resolver)
        except InvalidValueError as refused:
            return None, refused.en
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "sme-marketplace-webhooks",
            "Market-Delivery": str(delivery["id"]),
            "Market-Signature": signature(delivery["secret"], stamp, body),
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
