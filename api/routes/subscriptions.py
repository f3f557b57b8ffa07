"""Saved listing searches (订阅): an enterprise is notified of new postings that match one
(`posting_matches_subscription`, API.md "Workbench")."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from api.deps import Enterprise, MarketplaceDep, fresh
from api.schemas.common import ListOf
from api.schemas.subscriptions import (
    SubscriptionCreate,
    SubscriptionPublic,
    SubscriptionWritten,
)
from projections.notifications import NotificationsView

router = APIRouter(prefix="/subscriptions", tags=["workbench"])


def _public(search: dict[str, Any]) -> SubscriptionPublic:
    return SubscriptionPublic(**{**search, "id": str(search["id"])})


@router.post("", status_code=201)
def create_subscription(
    body: SubscriptionCreate, enterprise: Enterprise, app: MarketplaceDep
) -> SubscriptionWritten:
    """Save a listing search (at least one filter; at most 20 per organization, else `409`)."""
    subscription_id, outcome = app.save_search(enterprise.id, **body.model_dump())
    search = _public(outcome.aggregate.searches[subscription_id])
    return SubscriptionWritten(
        **search.model_dump(), version=outcome.version, position=outcome.position
    )


@router.get("", dependencies=[fresh(NotificationsView)])
def read_subscriptions(enterprise: Enterprise, app: MarketplaceDep) -> ListOf[SubscriptionPublic]:
    """The caller's saved searches, oldest first (read from the log itself; `min_position`
    waits for the notifications view, which matches new postings against them)."""
    searches = app.saved_searches(enterprise.id)
    return ListOf[SubscriptionPublic](items=[_public(s) for s in searches], next_cursor=None)


@router.delete("/{subscription_id}", status_code=204)
def delete_subscription(
    subscription_id: UUID, enterprise: Enterprise, app: MarketplaceDep
) -> Response:
    """Delete one of the caller's saved searches (another organization's: `404`)."""
    app.delete_saved_search(enterprise.id, subscription_id)
    return Response(status_code=204)
