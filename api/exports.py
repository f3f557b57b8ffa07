"""Exports (API.md, "Conventions, tightened" → "Exports"): a list route marked *exportable*
also answers `?format=csv|xlsx` with the same items, visibility and filters as its JSON.

A route hands over how to read one page (`every_page`) or the items it already has, and its
item schema; the header is the schema's fields in English, nested objects flattened with dots
(`enterprise.name`), so it is known before the first row. Lists and free-form objects (a
contract's `parties`, `terms`, `amount_by_currency`) are one cell of JSON text. Values are
written as the JSON answer shows them (decimal strings, ISO times, `true`/`false`; null is an
empty cell); in XLSX, integers and decimals are numbers. A text cell starting with `=`, `+`,
`-` or `@` is prefixed with `'` so that a spreadsheet never runs it as a formula (a number
column, integer or decimal by its schema, holds no text and is left as it is).

CSV is UTF-8 with a BOM, streamed page by page. XLSX is written by openpyxl in write-only mode
(rows go to a temporary file, memory stays flat) and then streamed; a zip file is complete only
at its end. The first page is read before the answer starts, so a refusal (403, 404) is still
a problem answer; the rest are read through the cursors, `EXPORT_PAGE` items at a time.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from fastapi import Query
from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pydantic import BaseModel

from api.schemas.common import ListOf

T = TypeVar("T", bound=BaseModel)
ExportFormat = Literal["csv", "xlsx"]
FormatQuery = Annotated[
    ExportFormat | None,
    Query(
        alias="format",
        description="csv or xlsx: the whole list (every page) as a file; absent: JSON",
    ),
]
EXPORT_PAGE = 200  # the largest page a list route serves
CHUNK = 64 * 1024
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")
# For the OpenAPI document of an exportable route: the two file answers beside the JSON.
PDF_TYPE = "application/pdf"
# For the OpenAPI document of a route answering a PDF document (not a list export).
PDF_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
}
EXPORTABLE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            CSV_TYPE: {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]
    numeric: bool  # an integer or decimal: a number cell in XLSX

    @property
    def name(self) -> str:
        return ".".join(self.path)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model of a field typed `M` or `M | None`, else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        models = [a for a in get_args(annotation) if a is not type(None)]
        if len(models) == 1:
            return _model_in(models[0])
    return None


def _numeric(annotation: Any) -> bool:
    if get_origin(annotation) is Annotated:
        return _numeric(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        return len(kinds) == 1 and _numeric(kinds[0])
    return annotation in (int, Decimal)


def columns(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[Column]:
    found: list[Column] = []
    for name, info in model.model_fields.items():
        path = (*prefix, info.serialization_alias or info.alias or name)
        nested = _model_in(info.annotation)
        if nested is not None:
            found.extend(columns(nested, path))
        else:
            found.append(Column(path, _numeric(info.annotation)))
    return found


def _value(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def neutral(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value) if column.numeric else neutral(str(value))


def _cell(value: Any, column: Column) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if column.numeric and isinstance(value, int | str):
        return int(value) if isinstance(value, int) else Decimal(value)
    return ILLEGAL_CHARACTERS_RE.sub("", _text(value, column))


def every_page(read: Callable[[str | None, int], ListOf[T]], cursor: str | None) -> Iterator[T]:
    """Every item from `cursor` on, read `EXPORT_PAGE` at a time: the first page now, the
    others while streaming."""
    size = EXPORT_PAGE
    page = read(cursor, size)

    def rest(page: ListOf[T]) -> Iterator[T]:
        while True:
            yield from page.items
            if page.next_cursor is None:
                return
            page = read(page.next_cursor, size)

    return rest(page)


def _csv(cols: Sequence[Column], items: Iterable[BaseModel]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([c.name for c in cols])
    for item in items:
        data = item.model_dump(mode="json", by_alias=True)
        writer.writerow([_text(_value(data, c.path), c) for c in cols])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx(cols: Sequence[Column], items: Iterable[BaseModel], title: str) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([c.name for c in cols])
    for item in items:
        data = item.model_dump(mode="json", by_alias=True)
        sheet.append([_cell(_value(data, c.path), c) for c in cols])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def export(
    fmt: ExportFormat,
    name: str,
    model: type[BaseModel],
    items: Iterable[BaseModel],
    headers: dict[str, str] | None = None,
) -> StreamingResponse:
    """The items as a CSV or XLSX download named `name.csv` / `name.xlsx`."""
    cols = columns(model)
    body = _csv(cols, items) if fmt == "csv" else _xlsx(cols, items, name)
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return StreamingResponse(
        body,
        media_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE,
        headers={**(headers or {}), **disposition},
    )


def attachment(filename: str) -> dict[str, str]:
    """The header that makes a browser save the answer as `filename` (ASCII, no quotes)."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}
