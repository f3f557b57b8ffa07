"""Saved listing searches (订阅): an enterprise is told of new postings that match one.

One aggregate per organization holds all of its saved searches (its id is derived from the
organization's). The limit of `MAX_SAVED` is then a rule of one aggregate: two saves at once
race on its version and the loser is retried against the new state, so no organization ever
holds 21 — which a count read from a view (lagging behind the log) could not promise. Putting
them on `Organization` would do the same, but load every saved search with each of the
organization's commands, and mix a workbench feature into the account aggregate."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from aggregates.errors import ConflictError, InvalidValueError, NotFoundError

MAX_SAVED = 20
FILTERS = ("side", "category", "region", "q", "price_max")


def saved_searches_id(organization_id: UUID) -> UUID:
    """The id of an organization's saved searches (never change it: it is in the log)."""
    return uuid5(organization_id, "saved-searches")


class SavedSearches(Aggregate):
    """An organization's saved searches: each a set of `GET /postings` filters."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Opened(Aggregate.Created):
        organization_id: UUID

    class Added(Aggregate.Event):
        subscription_id: UUID
        side: str | None
        category: str | None
        region: str | None
        q: str | None
        price_max: Decimal | None

    class Deleted(Aggregate.Event):
        subscription_id: UUID

    @staticmethod
    def create_id(organization_id: UUID) -> UUID:
        return saved_searches_id(organization_id)

    @event(Opened)
    def __init__(self, organization_id: UUID) -> None:
        self.organization_id = organization_id
        self.searches: dict[UUID, dict[str, object]] = {}

    def add(
        self,
        side: str | None = None,
        category: str | None = None,
        region: str | None = None,
        q: str | None = None,
        price_max: Decimal | None = None,
    ) -> UUID:
        """Save a search (at least one filter; at most MAX_SAVED at a time, else 409)."""
        if side is None and category is None and region is None and not q and price_max is None:
            raise InvalidValueError(
                "name at least one filter: side, category, region, q or price_max",
                "请至少填写一个筛选条件：side、category、region、q 或 price_max",
                field="side",
            )
        if len(self.searches) >= MAX_SAVED:
            raise ConflictError(
                f"an organization keeps at most {MAX_SAVED} saved searches",
                f"每个机构最多保存 {MAX_SAVED} 个订阅",
            )
        subscription_id = uuid4()
        self._added(subscription_id, side, category, region, q or None, price_max)
        return subscription_id

    @event(Added)
    def _added(
        self,
        subscription_id: UUID,
        side: str | None,
        category: str | None,
        region: str | None,
        q: str | None,
        price_max: Decimal | None,
    ) -> None:
        self.searches[subscription_id] = {
            "id": subscription_id,
            "side": side,
            "category": category,
            "region": region,
            "q": q,
            "price_max": price_max,
        }

    def delete(self, subscription_id: UUID) -> None:
        if subscription_id not in self.searches:
            raise NotFoundError("subscription not found", "未找到该订阅")
        self._deleted(subscription_id)

    @event(Deleted)
    def _deleted(self, subscription_id: UUID) -> None:
        del self.searches[subscription_id]
