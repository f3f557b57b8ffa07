"""Keyset pagination shared by the list views: opaque cursors over a descending position."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from aggregates.errors import InvalidValueError


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


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
