"""Notifications of saved searches: a newly published posting that passes every filter of an
enterprise's saved search puts `posting_matches_subscription` in its inbox (never for its own
postings; one notification per posting and subscriber, however many of its searches match).

The view keeps its own copy of the saved searches (`notification_searches`), each under a
`match_key` of side, category and province ("*" for a filter left open). A posting looks up
only the 8 keys it can match, so a publication reads the searches of its side, category and
province, not every saved search; the region prefix and price are then checked on those few,
and `q` in PostgreSQL with the very condition `GET /postings?q=` applies (`any_tier`) to the
posting's terms as the listings view stores them."""

from __future__ import annotations

from collections.abc import Callable
from itertools import product
from typing import Any

from psycopg.rows import tuple_row
from psycopg.sql import SQL

from aggregates.posting import Posting
from aggregates.saved_searches import SavedSearches
from projections.inbox import Inbox
from projections.listing_search import any_tier
from projections.listings import search_terms
from projections.rows import Row
from projections.table import Table
from projections.text import query_terms

NOTIFICATION_SEARCHES = Table(
    "notification_searches",
    (
        "id uuid PRIMARY KEY",
        "organization_id uuid NOT NULL",
        "match_key text NOT NULL",  # side|category|province, "*" for any; "" once deleted
        "region text",
        "q text",
        "price_max numeric",
    ),
    lookups=("match_key",),
)
ANY = "*"


def match_key(side: str | None, category: str | None, region: str | None) -> str:
    return "|".join((side or ANY, category or ANY, region[:2] if region else ANY))


def _added(inbox: Inbox, e: SavedSearches.Added) -> None:
    book = inbox.rows.get(NOTIFICATION_SEARCHES.name, e.originator_id)
    owner = book["organization_id"] if book is not None else None
    row = NOTIFICATION_SEARCHES.row(
        id=e.subscription_id,
        organization_id=owner,
        match_key=match_key(e.side, e.category, e.region),
        region=e.region,
        q=e.q,
        price_max=e.price_max,
    )
    inbox.rows.put(NOTIFICATION_SEARCHES.name, row)


def _opened(inbox: Inbox, e: SavedSearches.Opened) -> None:
    """The book itself is a row (key: its id, never a match key) telling whose it is."""
    row = NOTIFICATION_SEARCHES.row(id=e.originator_id, organization_id=e.organization_id,
                                    match_key="")  # fmt: skip
    inbox.rows.put(NOTIFICATION_SEARCHES.name, row)


def _deleted(inbox: Inbox, e: SavedSearches.Deleted) -> None:
    inbox.rows.update(NOTIFICATION_SEARCHES.name, e.subscription_id, match_key="")


def _published(inbox: Inbox, e: Posting.Published) -> None:
    keys = product((e.side, ANY), (e.category, ANY), (e.region[:2], ANY))
    found = [
        search
        for key in keys
        for search in inbox.rows.where(NOTIFICATION_SEARCHES.name, "match_key", "|".join(key))
        if search["organization_id"] not in (None, e.owner_id)
        and (search["region"] is None or e.region.startswith(search["region"]))
        and (search["price_max"] is None or _price(e) <= search["price_max"])
    ]
    texts = [s for s in found if s["q"]]
    matched = [s for s in found if not s["q"]]
    if texts:
        matched += [s for s, ok in zip(texts, _text_matches(inbox, e, texts), strict=True) if ok]
    for organization_id in dict.fromkeys(s["organization_id"] for s in matched):
        inbox.notify(organization_id, "posting_matches_subscription",
                     ("posting", e.originator_id), e.title)  # fmt: skip


def _price(e: Posting.Published) -> Any:
    """The price `price_max` filters on, as `GET /postings` does."""
    return next((p for p in (e.price_min, e.price_max) if p is not None), 0)


def _text_matches(inbox: Inbox, e: Posting.Published, searches: list[Row]) -> list[bool]:
    """Whether the posting matches each search's `q`, in one query."""
    tests = []
    for search in searches:
        terms = query_terms(search["q"])
        tests.append(SQL("false") if terms.empty else any_tier(terms))
    zh, en = search_terms(e.title, e.description)
    query = SQL(
        "SELECT ARRAY[{}] FROM (SELECT to_tsvector('simple'::regconfig, %s)"
        " || to_tsvector('english'::regconfig, %s) AS search, %s::text AS title) l"
    ).format(SQL(", ").join(tests))
    with inbox.rows.conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(query, (zh, en, e.title)).fetchone()
    assert row is not None
    return list(row[0])


SUBSCRIPTIONS: dict[type, Callable[[Inbox, Any], None]] = {
    SavedSearches.Opened: _opened,
    SavedSearches.Added: _added,
    SavedSearches.Deleted: _deleted,
}
MATCH_PUBLISHED = _published
