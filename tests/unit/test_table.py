"""Each view table is declared once (`projections/table.py`): its DDL, column names, generated
and jsonb columns are derived from that declaration, and every view's schema uses it."""

from __future__ import annotations

import re
from typing import get_type_hints

import pytest

from marketplace.bootstrap import Views
from projections.engine import View
from projections.table import Table

VIEWS: list[type[View]] = list(get_type_hints(Views).values())


def definitions(statement: str) -> list[str]:
    """The column definitions of a `CREATE TABLE` statement, split at top-level commas."""
    body = statement[statement.index("(") + 1 : statement.rindex(")")]
    parts, depth, current = [], 0, ""
    for char in body:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def test_every_wired_view_is_checked() -> None:
    assert len(VIEWS) == 14
    assert all(issubclass(view, View) for view in VIEWS)


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
def test_the_schema_creates_each_table_from_its_declaration_and_nothing_else(
    view: type[View],
) -> None:
    statements = [statement.as_string() for statement in view.schema]
    creates = [s for s in statements if s.lstrip().upper().startswith("CREATE TABLE")]
    assert creates == [table.create.as_string() for table in view.tables]
    for table, create in zip(view.tables, creates, strict=True):
        assert re.match(rf"CREATE TABLE IF NOT EXISTS {table.name} \(", create)
        assert [d.split()[0] for d in definitions(create)] == list(table.columns)


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
def test_keys_lookups_and_indexes_name_declared_columns(view: type[View]) -> None:
    names = {table.name for table in view.tables}
    for table in view.tables:
        assert len(set(table.columns)) == len(table.columns), "a column declared twice"
        key = table.definitions[table.columns.index(table.key)]
        assert "PRIMARY KEY" in key.upper()
        assert set(table.lookups) <= set(table.written)
    for statement in (s.as_string() for s in view.schema):
        index = re.match(r"CREATE INDEX IF NOT EXISTS \w+ ON (\w+) ", statement)
        if index is not None:
            assert index.group(1) in names, "an index on a table the view does not declare"


def test_generated_and_jsonb_columns_are_derived_from_their_types() -> None:
    table = Table(
        "things",
        (
            "id uuid PRIMARY KEY",
            "doc jsonb NOT NULL",
            "tags text[] NOT NULL",
            "words text NOT NULL",
            "search tsvector GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED",
        ),
    )
    assert table.columns == ("id", "doc", "tags", "words", "search")
    assert table.generated == ("search",)
    assert table.written == ("id", "doc", "tags", "words")
    assert table.json == {"doc"}
    assert table.create.as_string() == (
        "CREATE TABLE IF NOT EXISTS things (id uuid PRIMARY KEY, doc jsonb NOT NULL,"
        " tags text[] NOT NULL, words text NOT NULL, search tsvector GENERATED ALWAYS AS"
        " (to_tsvector('simple', words)) STORED)"
    )


def test_a_new_row_starts_with_the_declared_constant_defaults() -> None:
    table = Table(
        "t",
        (
            "id uuid PRIMARY KEY",
            "count int NOT NULL DEFAULT 0",
            "below int NOT NULL DEFAULT -1",
            "flag boolean NOT NULL DEFAULT false",
            "on_ boolean DEFAULT TRUE",
            "tags text[] NOT NULL DEFAULT '{}'",
            "label text NOT NULL DEFAULT 'it''s'",
            "at timestamptz NOT NULL DEFAULT now()",
            "note text",
            "search tsvector GENERATED ALWAYS AS (to_tsvector('simple', note)) STORED",
        ),
    )
    first, second = table.row(id=1), table.row(id=2, count=5)
    assert first == {
        "id": 1,
        "count": 0,
        "below": -1,
        "flag": False,
        "on_": True,
        "tags": [],
        "label": "it's",
        "at": None,
        "note": None,
    }
    assert second["count"] == 5
    first["tags"].append("x")  # each row has its own list
    assert table.row()["tags"] == [] and second["tags"] == []


def test_every_view_row_fills_its_not_null_constant_defaults() -> None:
    for view in VIEWS:
        for table in view.tables:
            row = table.row()
            for definition in table.definitions:
                name = definition.split()[0]
                if re.search(r"NOT NULL DEFAULT (\d+|false|true|'\{\}')", definition):
                    assert row[name] is not None, (table.name, name)
