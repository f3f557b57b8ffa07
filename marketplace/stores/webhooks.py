"""Webhook registrations (API.md "Workbench"): each organization's, and their delivery log.

A registration is the organization's own delivery setting, not a fact of the market, and its
secret must be kept to sign with but must never enter the log (which is exported and kept for
ever): so it is a row in `webhooks` (`projections.webhook_outbox`), beside the notifications
view, and `POST /webhooks` writes no event. The secret is answered once, at registration.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

from aggregates.errors import ConflictError, InvalidValueError, NotFoundError
from marketplace.stores.database import Database
from marketplace.webhook_targets import Resolver, check_target, resolve
from projections.inbox import KINDS

DELIVERY_LOG = 100  # deliveries answered by `GET /webhooks/{id}/deliveries`, newest first
EVENTS_TABLE = "marketplace_events"


def checked_kinds(kinds: Sequence[str]) -> list[str]:
    """The kinds a webhook wants: notification kinds, each once, or `["*"]`; else `422`."""
    chosen = list(dict.fromkeys(kinds))
    if chosen == ["*"]:
        return chosen
    unknown = [k for k in chosen if k not in KINDS]
    if not chosen or unknown:
        shown = f" (not {unknown[0]!r})" if unknown else ""
        raise InvalidValueError(
            f'kinds must be ["*"] or notification kinds: {", ".join(KINDS)}{shown}',
            f'通知类型须为 ["*"] 或以下类型：{"、".join(KINDS)}',
            field="kinds",
        )
    return chosen


def _lock_key(organization_id: UUID) -> int:
    """A signed 64-bit advisory lock key for the organization's registrations."""
    return (organization_id.int >> 64) - (1 << 63)


class WebhookStore:
    def __init__(
        self,
        db: Database,
        *,
        allowed_hosts: frozenset[str],
        limit: int,
        resolver: Resolver = resolve,
    ) -> None:
        self.db = db
        self.allowed_hosts = allowed_hosts
        self.limit = limit
        self.resolver = resolver

    def register(self, organization_id: UUID, url: str, kinds: Sequence[str]) -> dict[str, Any]:
        """A new webhook `{id, url, kinds, secret}`: the target checked (`422`), at most
        `limit` per organization (`409`). Only notifications of later events are sent to it."""
        chosen = checked_kinds(kinds)
        check_target(url, self.allowed_hosts, self.resolver)
        webhook_id, secret = uuid4(), "whsec_" + secrets.token_urlsafe(32)
        with self.db.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(organization_id),))
            count = conn.execute(
                "SELECT count(*) AS n FROM webhooks WHERE organization_id = %s",
                (organization_id,),
            ).fetchone()
            if count is not None and count["n"] >= self.limit:
                raise ConflictError(
                    f"at most {self.limit} webhooks per organization",
                    f"每个机构最多 {self.limit} 个回调地址",
                )
            conn.execute(
                "INSERT INTO webhooks (id, organization_id, url, kinds, secret, after_position)"
                " SELECT %s, %s, %s, %s, %s, coalesce(max(notification_id), 0)"
                f" FROM {EVENTS_TABLE}",
                (webhook_id, organization_id, url.strip(), chosen, secret),
            )
        return {"id": webhook_id, "url": url.strip(), "kinds": chosen, "secret": secret}

    def of(self, organization_id: UUID) -> list[dict[str, Any]]:
        """The organization's webhooks, oldest first, without their secrets."""
        with self.db.connection() as conn:
            return conn.execute(
                "SELECT id, url, kinds, created_at FROM webhooks WHERE organization_id = %s"
                " ORDER BY created_at, id",
                (organization_id,),
            ).fetchall()

    def delete(self, organization_id: UUID, webhook_id: UUID) -> None:
        """Delete one of the organization's webhooks and its deliveries (another's: `404`)."""
        with self.db.connection() as conn:
            deleted = conn.execute(
                "DELETE FROM webhooks WHERE id = %s AND organization_id = %s",
                (webhook_id, organization_id),
            ).rowcount
        if not deleted:
            raise _not_found()

    def deliveries(self, organization_id: UUID, webhook_id: UUID) -> list[dict[str, Any]]:
        """The webhook's last `DELIVERY_LOG` deliveries, newest first (another's: `404`)."""
        with self.db.connection() as conn:
            mine = conn.execute(
                "SELECT 1 FROM webhooks WHERE id = %s AND organization_id = %s",
                (webhook_id, organization_id),
            ).fetchone()
            if mine is None:
                raise _not_found()
            return conn.execute(
                "SELECT id, notification_id, attempts, status_code, delivered_at,"
                " next_attempt_at, error FROM webhook_deliveries WHERE webhook_id = %s"
                " ORDER BY seq DESC LIMIT %s",
                (webhook_id, DELIVERY_LOG),
            ).fetchall()


def _not_found() -> NotFoundError:
    return NotFoundError("webhook not found", "未找到该回调地址")
