"""Webhook registrations and their outbox (API.md "Workbench"; design.md: "an outbox table").

`webhooks` holds each organization's registrations (a store beside the views, like the read
marks: `POST /webhooks` writes no event, and its secret must never enter the log, which is
exported and kept for ever). `webhook_deliveries` is the outbox: the notifications view queues
a row in the same transaction as the notification rows it writes (`queue_deliveries`, called by
the live runner only: a rebuild or a cold catch-up queues nothing), and the sender
(`marketplace.workers.webhook_sender`) posts it. A delivery's id is made once, when it is
queued, so it is the same on every retry; `(webhook_id, notification_id)` is unique, so a
notification is never queued twice for a webhook. Neither table is a view table: a rebuild
neither drops nor refills them.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.sql import SQL, Literal

from projections.inbox import KINDS_PER_POSITION

WEBHOOKS_CHANNEL = "market_webhooks"  # NOTIFY when deliveries are queued: the sender wakes

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS webhooks ("
        " id uuid PRIMARY KEY,"
        " organization_id uuid NOT NULL,"
        " url text NOT NULL,"
        " kinds text[] NOT NULL,"
        " secret text NOT NULL,"  # to sign with: shown once, never answered again
        " after_position bigint NOT NULL,"  # notifications of later events only
        " created_at timestamptz NOT NULL DEFAULT now())"
    ),
    SQL("CREATE INDEX IF NOT EXISTS webhooks_organization_idx ON webhooks (organization_id)"),
    SQL(
        "CREATE TABLE IF NOT EXISTS webhook_deliveries ("
        " id uuid PRIMARY KEY,"
        " webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,"
        " notification_id uuid NOT NULL,"
        " seq bigint NOT NULL,"  # the notification's: the order of a webhook's deliveries
        " created_at timestamptz NOT NULL DEFAULT now(),"
        " attempts int NOT NULL DEFAULT 0,"
        " status_code int,"
        " error text,"
        " next_attempt_at timestamptz,"  # null once delivered or given up
        " delivered_at timestamptz,"
        " given_up_at timestamptz,"
        " UNIQUE (webhook_id, notification_id))"
    ),
    SQL(
        "CREATE INDEX IF NOT EXISTS webhook_deliveries_pending_idx"
        " ON webhook_deliveries (webhook_id, seq) WHERE next_attempt_at IS NOT NULL"
    ),
    SQL(
        "CREATE INDEX IF NOT EXISTS webhook_deliveries_log_idx"
        " ON webhook_deliveries (webhook_id, seq DESC)"
    ),
]

# New notifications (of events in (after, last]) of organizations with a webhook that wants
# their kind and was registered before their event. From the webhooks (few) through the inbox
# index (organization_id, seq).
_QUEUE = SQL(
    "INSERT INTO webhook_deliveries (id, webhook_id, notification_id, seq, next_attempt_at)"
    " SELECT gen_random_uuid(), w.id, n.id, n.seq, now()"
    " FROM webhooks w JOIN notifications n ON n.organization_id = w.organization_id"
    " AND n.seq >= (%(after)s + 1) * {per} AND n.seq < (%(last)s + 1) * {per}"
    " WHERE n.position > w.after_position"
    " AND (w.kinds = ARRAY['*'] OR n.kind = ANY (w.kinds))"
    " ON CONFLICT (webhook_id, notification_id) DO NOTHING"
).format(per=Literal(KINDS_PER_POSITION))


def queue_deliveries(cur: psycopg.Cursor[Any], after: int, last: int) -> int:
    """Queue a delivery of each notification of the events in (after, last] to each webhook
    that wants it, in the caller's transaction; how many (the sender is woken if any)."""
    if last <= after:
        return 0
    cur.execute(_QUEUE, {"after": after, "last": last})
    queued = cur.rowcount
    if queued > 0:
        cur.execute("SELECT pg_notify(%s, '')", (WEBHOOKS_CHANNEL,))
    return queued
