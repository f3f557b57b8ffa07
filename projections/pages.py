"""Keyset pagination shared by the list views: opaque cursors over a position column."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, LiteralString

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed, Identifier
from psycopg_pool import ConnectionPool

from aggregates.errors import InvalidValueError
from projections.text import query_terms


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


def serves_region(region: LiteralString = "%s") -> LiteralString:
    """One of the row's `p.regions` codes is a prefix of the region given in `region` (a
    parameter), or that region is a prefix of one of them: a query by a prefix (`33`) also
    finds what serves a part of it (`3301`)."""
    return (
        "EXISTS (SELECT 1 FROM unnest(p.regions) AS r(code) WHERE "
        + region
        + " LIKE r.code || '%%' OR r.code LIKE "
        + region
        + " || '%%')"
    )


def active_owner(column: LiteralString) -> LiteralString:
    """The organization in `column` is not suspended: a suspended organization's postings and
    products leave the public lists, and come back when it is reinstated."""
    return "NOT EXISTS (SELECT 1 FROM organizations s WHERE s.id = " + column + " AND s.suspended)"


class Where:
    """The conditions of a list query and their parameters, added one at a time."""

    def __init__(self) -> None:
        self.conditions: list[SQL | Composed] = []
        self.params: list[Any] = []

    def add(self, condition: LiteralString | Composed, *values: Any) -> None:
        self.conditions.append(condition if isinstance(condition, Composed) else SQL(condition))
        self.params.extend(values)

    def sql(self) -> SQL | Composed:
        return SQL(" AND ").join(self.conditions) if self.conditions else SQL("true")

    def matches(self, q: str, column: LiteralString) -> None:
        """Every term of `q` in the tsvector `column` (Chinese and English, as
        `projections.text` indexes documents); nothing for a query of no terms."""
        terms = query_terms(q)
        if terms.chinese:
            self.add(column + " @@ plainto_tsquery('simple', %s)", terms.chinese)
        if terms.latin:
            self.add(column + " @@ plainto_tsquery('english', %s)", terms.latin)
        if terms.empty:
            self.add("false")


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The position a cursor stands for; 422 for anything we did not hand out."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("p"):
            raise ValueError(text)
        return int(text[1:])
    except ValueError:
        raise InvalidValueError("cursor is not valid", "分页游标无效", field="cursor") from None


def page_of(rows: list[dict[str, Any]], limit: int, key: str) -> Page:
    """Rows were fetched with limit + 1, so an extra row means there is a next page."""
    if len(rows) > limit:
        return Page(rows[:limit], encode_cursor(int(rows[limit - 1][key])))
    return Page(rows, None)


def fetch_page(
    pool: ConnectionPool[Any],
    query: SQL | Composed,
    params: list[Any],
    *,
    order: str,
    cursor: str | None,
    limit: int,
    newest_first: bool = False,
) -> Page:
    """A page of `query` (which ends in its WHERE conditions) ordered by the position column
    `order` ("alias.column"), from after the cursor's position."""
    column = Identifier(*order.split("."))
    after = decode_cursor(cursor)
    if after is not None:
        query += SQL(" AND {} < %s" if newest_first else " AND {} > %s").format(column)
        params = [*params, after]
    direction = SQL(" DESC" if newest_first else "")
    query += SQL(" ORDER BY {}{} LIMIT %s").format(column, direction)
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        rows: list[dict[str, Any]] = cur.execute(query, [*params, limit + 1]).fetchall()
    return page_of(rows, limit, order.rsplit(".", 1)[-1])
