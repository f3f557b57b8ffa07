"""A view table, declared once: its columns with their SQL types and constraints, from which its
column names, its generated and jsonb columns, and its `CREATE TABLE` statement are derived."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from psycopg.sql import SQL

_DEFAULT = re.compile(r"\bDEFAULT\s+('(?:[^']|'')*'|\S+)", re.IGNORECASE)
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None, "'{}'": []}


def _constant(definition: str) -> Any:
    """A column's DEFAULT as a Python value when it is a constant (a function such as now():
    None, for PostgreSQL or the projection to fill)."""
    found = _DEFAULT.search(definition)
    if found is None:
        return None
    text = found.group(1)
    if text.lower() in _CONSTANTS:
        return _CONSTANTS[text.lower()]
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return None


@dataclass(frozen=True)
class Table:
    """A view table: each column declared once, as `name type constraints…` (its DDL is derived
    from these), the key column, and secondary lookups."""

    name: str
    definitions: tuple[str, ...]  # in table order, e.g. "posting_id uuid NOT NULL"
    key: str = "id"
    lookups: tuple[str, ...] = ()  # columns `Rows.where` may filter on

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(d.split()[0] for d in self.definitions)

    @cached_property
    def generated(self) -> tuple[str, ...]:
        """Columns computed by PostgreSQL: never read into rows nor written."""
        return tuple(d.split()[0] for d in self.definitions if " GENERATED " in d.upper())

    @cached_property
    def written(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.generated)

    @cached_property
    def json(self) -> frozenset[str]:
        """jsonb columns: dicts and lists are written as JSON, not arrays."""
        return frozenset(d.split()[0] for d in self.definitions if d.split()[1] == "jsonb")

    @cached_property
    def defaults(self) -> dict[str, Any]:
        """Every written column's value in a new row: its declared constant DEFAULT (`0`,
        `false`, `'{}'`…), else None (so a `NOT NULL DEFAULT 0` column starts at 0, not None)."""
        return {
            d.split()[0]: _constant(d) for d in self.definitions if d.split()[0] in self.written
        }

    def row(self, **values: Any) -> dict[str, Any]:
        """A new row: these values, every other written column its default."""
        fresh = {k: list(v) if isinstance(v, list) else v for k, v in self.defaults.items()}
        return {**fresh, **values}

    @property
    def create(self) -> SQL:
        """`CREATE TABLE IF NOT EXISTS`, from the column definitions."""
        return SQL(f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(self.definitions)})")
