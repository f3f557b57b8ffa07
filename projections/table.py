"""A view table, declared once: its columns with their SQL types and constraints, from which its
column names, its generated and jsonb columns, and its `CREATE TABLE` statement are derived."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from psycopg.sql import SQL


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

    def row(self, **values: Any) -> dict[str, Any]:
        """A new row: these values, every other written column None."""
        return {**dict.fromkeys(self.written), **values}

    @property
    def create(self) -> SQL:
        """`CREATE TABLE IF NOT EXISTS`, from the column definitions."""
        return SQL(f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(self.definitions)})")
