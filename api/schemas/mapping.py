"""Answers built by one rule from a view's row or from an aggregate just written.

A field takes the value of the same name (a row's column or an object's attribute); a
`Party` field `x` takes `x_id` and `x_name`; ids become strings. What the rule cannot find
(a renamed column, a computed figure) the caller passes by name; a written answer adds the
command's `version` and `position`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from api.schemas.common import Party
from marketplace.commands import Outcome

M = TypeVar("M", bound=BaseModel)
_MISSING = object()


def answer(model: type[M], source: Mapping[str, Any] | object, /, **given: Any) -> M:
    """`model` filled from `source` (a row or an object) by the rule above, then `given`."""
    get = _getter(source)
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in given:
            continue
        if info.annotation is Party:
            party_id = get(f"{name}_id")
            if party_id is not _MISSING:
                party_name = get(f"{name}_name")
                values[name] = Party(
                    id=str(party_id), name=None if party_name is _MISSING else party_name
                )
            continue
        value = get(name)
        if value is not _MISSING:
            values[name] = str(value) if isinstance(value, UUID) else value
    return model.model_validate({**values, **given})


def written(
    model: type[M], outcome: Outcome[Any], source: object | None = None, /, **given: Any
) -> M:
    """The answer to a command: `source` (the aggregate by default) with its new version and
    the position of the write."""
    subject = outcome.aggregate if source is None else source
    return answer(model, subject, version=outcome.version, position=outcome.position, **given)


def _getter(source: Mapping[str, Any] | object) -> Any:
    if isinstance(source, Mapping):
        return lambda key: source.get(key, _MISSING)
    return lambda key: getattr(source, key, _MISSING)


def party(org_id: UUID, name: str | None) -> Party:
    return Party(id=str(org_id), name=name)
