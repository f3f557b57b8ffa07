"""Rows folded in memory, then written in bulk: the one write path of every view.

A view folds a batch of events into `Rows` (dicts keyed by primary key). Rows it has not seen
in this batch are loaded from its tables on first use; changed rows are written back with
COPY into a temporary table and one `INSERT … ON CONFLICT DO UPDATE`. The live runner folds
small batches this way; a rebuild folds very large ones into empty tables in another schema,
which is what makes it fast.

Every value written (and every key looked up) is cleaned first (`projections.cleaning`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.sql import SQL, Composed, Identifier
from psycopg.types.json import Jsonb

from projections.cleaning import clean
from projections.table import Table

Row = dict[str, Any]


@dataclass
class _TableRows:
    rows: dict[Any, Row | None] = field(default_factory=dict)  # None: known to be absent
    dirty: set[Any] = field(default_factory=set)
    index: dict[str, dict[Any, set[Any]]] = field(default_factory=lambda: defaultdict(dict))
    loaded_lookups: set[tuple[str, Any]] = field(default_factory=set)
    appended: list[tuple[Any, ...]] = field(default_factory=list)  # new rows, written values


class Rows:
    """The rows of some tables, as changed by the events folded so far."""

    def __init__(
        self, conn: psycopg.Connection[Any], tables: Iterable[Table], *, empty: bool = False
    ):
        self.conn = conn
        self.tables = {t.name: t for t in tables}
        self.empty = empty  # the tables held nothing when folding began: never look there
        self._data: dict[str, _TableRows] = {name: _TableRows() for name in self.tables}

    # Reading -----------------------------------------------------------------------------

    def get(self, table: str, key: Any) -> Row | None:
        data = self._data[table]
        if key not in data.rows:
            row = None if self.empty else self._load_one(self.tables[table], key)
            data.rows[key] = row
            if row is not None:
                self._index(table, key, row)
        return data.rows[key]

    def where(self, table: str, column: str, value: Any) -> Iterator[Row]:
        """Rows whose `column` equals `value` (the column must be one of the table's lookups)."""
        spec, data = self.tables[table], self._data[table]
        if not self.empty and (column, value) not in data.loaded_lookups:
            for row in self._load_where(spec, column, value):
                if row[spec.key] not in data.rows:
                    data.rows[row[spec.key]] = row
                    self._index(table, row[spec.key], row)
            data.loaded_lookups.add((column, value))
        for key in list(data.index[column].get(value, ())):
            found = data.rows.get(key)
            if found is not None and found.get(column) == value:
                yield found

    def scan(self, table: str, column: str, value: Any) -> Iterator[Row]:
        """As `where`, for one read-only pass over very many rows (a fan-out to every
        enterprise): the table's rows are streamed, not kept. The caller must not read other
        rows from the table while iterating (the connection is busy streaming)."""
        spec, data = self.tables[table], self._data[table]
        for key in list(data.index[column].get(value, ())):
            found = data.rows.get(key)
            if found is not None and found.get(column) == value:
                yield found
        if self.empty or (column, value) in data.loaded_lookups:
            return
        query = self._select(spec) + SQL(" WHERE {} = %s").format(Identifier(column))
        with self.conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
            for row in cur.stream(query, (clean(value),), size=SCAN_CHUNK):
                if row[spec.key] not in data.rows:  # else known here, perhaps changed
                    yield row

    # Changing ----------------------------------------------------------------------------

    def put(self, table: str, row: Row) -> None:
        spec, data = self.tables[table], self._data[table]
        key = row[spec.key]
        data.rows[key] = row
        data.dirty.add(key)
        self._index(table, key, row)

    def appender(self, table: str, common: Row) -> Callable[..., None]:
        """A function that adds a new row of `common` values but the columns it is given: rows
        that nothing folded after them in this batch reads or changes (a fan-out's
        notifications). Only their values are kept (the common ones adapted once), and they
        are COPYed in at the flush."""
        spec = self.tables[table]
        values = [_adapt(spec, c, common.get(c)) for c in spec.written]
        slots = {c: i for i, c in enumerate(spec.written)}

        def add(**varying: Any) -> None:
            row = values.copy()
            for column, value in varying.items():
                row[slots[column]] = _adapt(spec, column, value)
            self._data[table].appended.append(tuple(row))

        return add

    def update(self, table: str, key: Any, **changes: Any) -> Row | None:
        """Change some columns of a row; None (and nothing changed) if there is no such row."""
        row = self.get(table, key)
        if row is None:
            return None
        row.update(changes)
        self._data[table].dirty.add(key)
        for column in self.tables[table].lookups:
            if column in changes:
                self._index(table, key, row)
        return row

    def _index(self, table: str, key: Any, row: Row) -> None:
        data = self._data[table]
        for column in self.tables[table].lookups:
            data.index[column].setdefault(row.get(column), set()).add(key)

    # Writing -----------------------------------------------------------------------------

    def flush(self, cur: psycopg.Cursor[Any]) -> int:
        """Write every changed row; the number written."""
        written = 0
        for name, data in self._data.items():
            rows = [row for k in data.dirty if (row := data.rows.get(k)) is not None]
            if rows and self.empty:  # a new, empty table: every row is new, COPY it in
                _copy(cur, self.tables[name], Identifier(name), rows)
            elif rows:
                _upsert(cur, self.tables[name], rows)
            if data.appended:
                _copy_values(cur, self.tables[name], Identifier(name), data.appended)
            written += len(rows) + len(data.appended)
            data.dirty.clear()
            data.appended = []
        self.empty = False  # the tables hold these rows now
        return written

    def forget(self) -> None:
        """Drop what is cached (after a flush), to bound memory during a long rebuild."""
        self._data = {name: _TableRows() for name in self.tables}
        self.empty = False

    @property
    def size(self) -> int:
        return sum(len(d.rows) + len(d.appended) for d in self._data.values())

    # Loading -----------------------------------------------------------------------------

    def _select(self, spec: Table) -> Composed:
        return SQL("SELECT {} FROM {}").format(
            SQL(", ").join(Identifier(c) for c in spec.written), Identifier(spec.name)
        )

    def _load_one(self, spec: Table, key: Any) -> Row | None:
        query = self._select(spec) + SQL(" WHERE {} = %s").format(Identifier(spec.key))
        with self.conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
            row: Row | None = cur.execute(query, (clean(key),)).fetchone()
        return row

    def _load_where(self, spec: Table, column: str, value: Any) -> list[Row]:
        query = self._select(spec) + SQL(" WHERE {} = %s").format(Identifier(column))
        with self.conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
            rows: list[Row] = cur.execute(query, (clean(value),)).fetchall()
        return rows


SMALL_BATCH = 32  # rows; below this, plain pipelined upserts beat a staging table
SCAN_CHUNK = 2000  # rows a `scan` holds at a time


def _upsert(cur: psycopg.Cursor[Any], spec: Table, rows: list[Row]) -> None:
    columns = spec.written
    names = SQL(", ").join(Identifier(c) for c in columns)
    updates = SQL(", ").join(
        SQL("{0} = excluded.{0}").format(Identifier(c)) for c in columns if c != spec.key
    )
    upsert = SQL("INSERT INTO {} ({}) {} ON CONFLICT ({}) DO UPDATE SET {}")
    values = [[_adapt(spec, c, row.get(c)) for c in columns] for row in rows]
    if len(rows) <= SMALL_BATCH:
        placeholders = SQL("VALUES ({})").format(SQL(", ").join(SQL("%s") for _ in columns))
        cur.executemany(
            upsert.format(
                Identifier(spec.name), names, placeholders, Identifier(spec.key), updates
            ),
            values,
        )
        return
    staging = Identifier(f"_staging_{spec.name}")
    cur.execute(
        SQL(
            "CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP"
        ).format(staging, Identifier(spec.name))
    )
    cur.execute(SQL("TRUNCATE {}").format(staging))
    _copy(cur, spec, staging, rows)
    select = SQL("SELECT {} FROM {}").format(names, staging)
    cur.execute(upsert.format(Identifier(spec.name), names, select, Identifier(spec.key), updates))


def _copy(cur: psycopg.Cursor[Any], spec: Table, target: Identifier, rows: list[Row]) -> None:
    columns = spec.written
    _copy_values(
        cur, spec, target, ([_adapt(spec, c, row.get(c)) for c in columns] for row in rows)
    )


def _copy_values(
    cur: psycopg.Cursor[Any], spec: Table, target: Identifier, values: Iterable[Sequence[Any]]
) -> None:
    """COPY rows given as their written columns' values, adapted already."""
    names = SQL(", ").join(Identifier(c) for c in spec.written)
    with cur.copy(SQL("COPY {} ({}) FROM STDIN").format(target, names)) as copy:
        for row in values:
            copy.write_row(row)


def _adapt(spec: Table, column: str, value: Any) -> Any:
    value = clean(value)
    return Jsonb(value) if value is not None and column in spec.json else value
