"""Control characters are refused in every request body and query string (API.md, "Text").

Bodies: `Strict`, the base of every request model, walks the raw JSON before any field is
parsed (`refuse_control_characters`), so no model needs to name its text fields. Query
strings: `query_text`, a dependency of the whole API router, checks every parameter name and
value. Either answers a field-named 422 with code `control_characters`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from starlette.requests import HTTPConnection

from aggregates.text import has_control_characters, without_control_characters

Loc = tuple[str | int, ...]
CODE = "control_characters"


def control_error(loc: Loc) -> InitErrorDetails:
    error = PydanticCustomError(CODE, "must not contain control characters")
    return InitErrorDetails(type=error, loc=loc, input="")  # never echo hostile input


def _strings(value: Any, loc: Loc) -> Iterator[Loc]:
    """The locations of strings holding control characters, keys of objects included."""
    if isinstance(value, str):
        if has_control_characters(value):
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            name = without_control_characters(str(key))
            if isinstance(key, str) and has_control_characters(key):
                yield (*loc, name)
            else:
                yield from _strings(item, (*loc, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def refuse_control_characters(title: str, data: Any) -> Any:
    """The raw input unchanged, or a ValidationError naming every string that holds controls."""
    found = [control_error(loc) for loc in _strings(data, ())]
    if found:
        raise ValidationError.from_exception_data(title, found)
    return data


async def query_text(connection: HTTPConnection) -> None:
    """Router dependency: no query parameter name or value holds a control character.
    (The stream's socket checks its own parameters: a token with controls matches none.)"""
    if connection.scope["type"] != "http":
        return
    found = [
        control_error(("query", without_control_characters(name)))
        for name, value in connection.query_params.multi_items()
        if has_control_characters(name) or has_control_characters(value)
    ]
    if found:
        raise RequestValidationError(ValidationError.from_exception_data("query", found).errors())
