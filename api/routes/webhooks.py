"""Webhooks (API.md "Workbench"): an organization's notifications, posted and signed as they
come (`marketplace.workers.webhook_sender`). Registrations are a store, not events."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from api.deps import SignedIn, WebhooksDep
from api.schemas.common import ListOf
from api.schemas.webhooks import DeliveryPublic, WebhookCreate, WebhookCreated, WebhookPublic

router = APIRouter(prefix="/webhooks", tags=["workbench"])


def _texts(row: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, UUID) else v for k, v in row.items()}


@router.post("", status_code=201)
def create_webhook(body: WebhookCreate, caller: SignedIn, webhooks: WebhooksDep) -> WebhookCreated:
    """Register a webhook: `url` checked (https, no private, loopback or link-local target
    unless allowed: else `422`), `kinds` of notifications or `["*"]`; at most 10 per
    organization (`409`). The answer's `secret` signs every delivery and is shown only now."""
    return WebhookCreated(**_texts(webhooks.register(caller.id, body.url, body.kinds)))


@router.get("")
def read_webhooks(caller: SignedIn, webhooks: WebhooksDep) -> ListOf[WebhookPublic]:
    """The caller's webhooks, oldest first (never their secrets)."""
    items = [WebhookPublic(**_texts(row)) for row in webhooks.of(caller.id)]
    return ListOf[WebhookPublic](items=items, next_cursor=None)


@router.delete("/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: UUID, caller: SignedIn, webhooks: WebhooksDep) -> Response:
    """Delete one of the caller's webhooks, and its pending deliveries (another's: `404`)."""
    webhooks.delete(caller.id, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries")
def read_webhook_deliveries(
    webhook_id: UUID, caller: SignedIn, webhooks: WebhooksDep
) -> ListOf[DeliveryPublic]:
    """The webhook's last 100 deliveries, newest first (another organization's: `404`)."""
    rows = webhooks.deliveries(caller.id, webhook_id)
    return ListOf[DeliveryPublic](
        items=[DeliveryPublic(**_texts(row)) for row in rows], next_cursor=None
    )
