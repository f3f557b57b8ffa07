"""Ranked full-text search over the listings view, at a cost that does not grow with matches.

`GET /postings?q=` lists its matches newest first, as every list of the contract; with
`sort=relevance` (the web pages ask for it) best match first, as follows. A posting found by
`q` falls in the first of these tiers it meets (best first; newest first inside a tier):

0. its title contains the query as typed (each Chinese run, each run of Latin words);
1. its title contains every query term (Chinese bigrams or characters, Latin words);
2. its title or description contains every term (Latin words stemmed: steel ~ steels);
3. its title or description contains every Chinese character of the query, in any order
   (`钢板` and `不锈钢板` find "304不锈钢冷轧板材").

Sorting every match by tier would read every match: `q=不锈钢` matches one posting in eight.
Instead a page reads the newest WINDOW postings that pass the other filters (one walk down an
index in publication order) and ranks those in PostgreSQL. Only when they do not fill the page
with a tier does it ask the GIN index for that tier's older matches, and then there are few
(the tier is rare among recent postings). A common term costs the bounded walk; a rare one
the walk and a few small index lookups.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from psycopg import Connection
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Literal

from aggregates.errors import InvalidValueError
from projections.text import QueryTerms

WINDOW = 1000
TIERS = 4
Ranked = tuple[Any, int, int]  # (posting id, tier, published position)


def encode_rank_cursor(tier: int, position: int) -> str:
    return base64.urlsafe_b64encode(f"r{tier}.{position}".encode()).decode().rstrip("=")


def decode_rank_cursor(cursor: str | None) -> tuple[int, int] | None:
    """(tier, position) after which the next page starts; a plain cursor counts as tier 0."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith("p"):
            return 0, int(text[1:])
        tier, position = text.removeprefix("r").split(".")
        if not text.startswith("r") or not 0 <= int(tier) < TIERS:
            raise ValueError(text)
        return int(tier), int(position)
    except ValueError:
        raise InvalidValueError("cursor is not valid", "分页游标无效", field="cursor") from None


def _matches(terms: QueryTerms) -> list[Composed]:
    """What each tier requires (each implies the next)."""

    def tsquery(config: str, text: str) -> Composed:
        return SQL("l.search @@ plainto_tsquery({}, {})").format(Literal(config), Literal(text))

    def all_of(*parts: Composed) -> Composed:
        return SQL("({})").format(SQL(" AND ").join(parts))

    latin = [tsquery("english", terms.latin)] if terms.latin else []
    title = tsquery("simple", terms.title)
    phrases = [SQL("strpos(lower(l.title), {}) > 0").format(Literal(p)) for p in terms.phrases]
    anywhere = [tsquery("simple", terms.chinese)] if terms.chinese else []
    scattered = [tsquery("simple", terms.characters)] if terms.characters else []
    return [
        all_of(title, *phrases),
        all_of(title),
        all_of(*anywhere, *latin),
        all_of(*scattered, *latin),
    ]


def any_tier(terms: QueryTerms) -> Composed:
    """What a match of any tier requires (the last tier's condition: every tier implies it),
    for a search listed newest first rather than best first."""
    return _matches(terms)[-1]


def _tier_case(matches: list[Composed]) -> Composed:
    """The tier of a row, NULL for none; most rows match nothing, so that is tested first."""
    whens = [SQL("WHEN {} THEN {}").format(m, Literal(t)) for t, m in enumerate(matches[:-1])]
    return SQL("CASE WHEN NOT {} THEN NULL {} ELSE {} END").format(
        matches[-1], SQL(" ").join(whens), Literal(len(matches) - 1)
    )


def _exactly(matches: list[Composed], tier: int) -> Composed:
    """Rows of this tier and of no better one."""
    if tier == 0:
        return matches[0]
    return SQL("{} AND NOT {}").format(matches[tier], matches[tier - 1])


@dataclass(frozen=True)
class _Scope:
    conn: Connection[Any]
    filters: SQL | Composed  # the other filters of the list, with %s placeholders for `params`
    params: list[Any]
    matches: list[Composed]


def search(
    conn: Connection[Any],
    filters: SQL | Composed,
    params: list[Any],
    terms: QueryTerms,
    after: tuple[int, int] | None,
    need: int,
) -> list[Ranked]:
    """Up to `need` matches after the cursor `after`, in ranking order."""
    scope = _Scope(conn, filters, params, _matches(terms))
    window, (count, floor, span, density) = _window(scope, need, after)
    found: list[Ranked] = []
    start = after[0] if after else 0
    for tier in range(start, TIERS):
        below = after[1] if after and tier == after[0] else None
        found += [r for r in window if r[1] == tier and (below is None or r[2] < below)]
        if len(found) >= need:
            break
        if count >= WINDOW and (tier < 3 or terms.characters):  # else tier 3 is tier 2 again
            before, missing = floor if below is None else min(floor, below), need - len(found)
            # Where the tier's density in the window says `missing` more will be found.
            width = span * missing * 3 // (2 * density[tier]) if density[tier] else before
            found += _older(scope, tier, before, missing, max(width, 1))
    return found[:need]


def _window(
    scope: _Scope, need: int, after: tuple[int, int] | None
) -> tuple[list[Ranked], tuple[int, int, int, list[int]]]:
    """The matches among the newest WINDOW rows that pass the filters, ranked after the cursor
    `after`, at most `need` of each tier; and the window's extent: its row count, oldest
    position, span of positions, and how many rows of each tier it holds."""
    tier, position = after or (0, 2**62)
    query = SQL(
        "WITH w AS MATERIALIZED (SELECT l.id, l.published_position AS pos, {} AS tier"
        " FROM listings l WHERE {} ORDER BY l.published_position DESC LIMIT {})"
        " SELECT id, tier, pos, NULL, NULL FROM (SELECT *, row_number() OVER"
        " (PARTITION BY tier ORDER BY pos DESC) AS nth FROM w"
        " WHERE tier > {} OR (tier = {} AND pos < {})) ranked WHERE nth <= {} UNION ALL"
        " SELECT NULL, count(*), coalesce(min(pos), 0), coalesce(max(pos) - min(pos), 0),"
        " ARRAY[{}] FROM w"
    ).format(
        _tier_case(scope.matches),
        scope.filters,
        Literal(WINDOW),
        Literal(tier),
        Literal(tier),
        Literal(position),
        Literal(need),
        SQL(", ").join(SQL("count(*) FILTER (WHERE tier = {})").format(t) for t in range(TIERS)),
    )
    with scope.conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(query, scope.params).fetchall()
    window = sorted((r[:3] for r in rows if r[0] is not None), key=lambda r: (r[1], -r[2]))
    extent = next((r[1], r[2], r[3], r[4]) for r in rows if r[0] is None)
    return window, extent


def _older(scope: _Scope, tier: int, before: int, limit: int, width: int) -> list[Ranked]:
    """The tier's matches older than `before`, newest first, read in slices of publication
    order, the first `width` positions wide, each next one four times wider: each query costs
    about the slice's rows or the tier's matches in it, whichever the planner finds fewer
    (one index or the other, or both), never every match of a common tier."""
    found: list[Ranked] = []
    upper = before
    while len(found) < limit and upper > 0:
        lower = max(upper - width, 0)
        query = SQL(
            "SELECT l.id, {} AS tier, l.published_position FROM listings l"
            " WHERE {} AND {} AND l.published_position >= {} AND l.published_position < {}"
            " ORDER BY l.published_position DESC LIMIT {}"
        ).format(
            Literal(tier),
            scope.filters,
            _exactly(scope.matches, tier),
            Literal(lower),
            Literal(upper),
            Literal(limit - len(found)),
        )
        with scope.conn.cursor(row_factory=tuple_row) as cur:
            found += cur.execute(query, scope.params).fetchall()
        upper, width = lower, width * 4
    return found
