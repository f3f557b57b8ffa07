"""The tables PostgreSQL creates from each view's schema hold exactly the columns their `Table`
declares, in order, with the generated and jsonb columns it derives."""

from __future__ import annotations

from typing import get_type_hints

import psycopg
import pytest

from marketplace.bootstrap import Views
from projections.engine import View

VIEWS: list[type[View]] = list(get_type_hints(Views).values())


@pytest.fixture(scope="module")
def created(database_url: str) -> str:
    with psycopg.connect(database_url, autocommit=True) as conn:
        for view in VIEWS:
            for statement in view.schema:
                conn.execute(statement)
    return database_url


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
def test_postgresql_creates_the_declared_columns(created: str, view: type[View]) -> None:
    with psycopg.connect(created) as conn:
        for table in view.tables:
            columns = conn.execute(
                "SELECT column_name, is_generated, data_type FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                (table.name,),
            ).fetchall()
            assert [name for name, _, _ in columns] == list(table.columns)
            assert [n for n, generated, _ in columns if generated == "ALWAYS"] == list(
                table.generated
            )
            assert {n for n, _, kind in columns if kind == "jsonb"} == table.json
            key = conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                " ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                " WHERE i.indrelid = %s::regclass AND i.indisprimary",
                (table.name,),
            ).fetchall()
            assert key == [(table.key,)]
