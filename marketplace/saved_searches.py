"""Use cases of saved searches (issue 22): an enterprise saves, lists and deletes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from aggregates.errors import NotFoundError
from aggregates.regions import region_in_query
from aggregates.saved_searches import SavedSearches, saved_searches_id
from marketplace.commands import MarketplaceBase, Outcome

SAVED_SEARCHES = ("subscription", "订阅")


class SavedSearchUseCases(MarketplaceBase):
    def save_search(
        self,
        organization_id: UUID,
        *,
        side: str | None = None,
        category: str | None = None,
        region: str | None = None,
        q: str | None = None,
        price_max: Decimal | None = None,
    ) -> tuple[UUID, Outcome[SavedSearches]]:
        """Save a listing search; a word of `q` naming a province or city becomes the region
        prefix unless `region` is given, as `GET /postings` reads it."""
        q = (q or "").strip() or None
        if q is not None and region is None:
            region, rest = region_in_query(q)
            q = rest.strip() or None
        filters: dict[str, Any] = dict(
            side=side, category=category, region=region, q=q, price_max=price_max
        )
        added: list[UUID] = []
        book_id = saved_searches_id(organization_id)
        for _ in range(self.command_retries):
            try:
                outcome = self.change(
                    SavedSearches, book_id, SAVED_SEARCHES,
                    lambda book: added.append(book.add(**filters)),
                )  # fmt: skip
                return added[-1], outcome
            except NotFoundError:
                book = SavedSearches(organization_id=organization_id)
                subscription_id = book.add(**filters)
                try:
                    position = self.record(book)
                except IntegrityError:  # opened by a concurrent save: add to that one
                    continue
                return subscription_id, Outcome(book, book.version, position)
        raise AssertionError("unreachable: change() retries conflicts itself")

    def saved_searches(self, organization_id: UUID) -> list[dict[str, Any]]:
        """The organization's saved searches, oldest first."""
        try:
            book = self.load(SavedSearches, saved_searches_id(organization_id), SAVED_SEARCHES)
        except NotFoundError:
            return []
        return [dict(search) for search in book.searches.values()]

    def delete_saved_search(self, organization_id: UUID, subscription_id: UUID) -> None:
        """Its organization deletes a saved search (another's: 404, as if there were none)."""
        self.change(
            SavedSearches,
            saved_searches_id(organization_id),
            SAVED_SEARCHES,
            lambda book: book.delete(subscription_id),
        )
