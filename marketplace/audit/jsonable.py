"""Domain objects as JSON-safe values for auditors: events' attributes and aggregates' state."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from eventsourcing.domain import Aggregate

from aggregates.values import format_decimal


def aggregate_state(aggregate: Aggregate) -> dict[str, Any]:
    """The aggregate's public attributes as JSON-safe values, with id, version and times."""
    public = {k: v for k, v in vars(aggregate).items() if not k.startswith("_")}
    state: dict[str, Any] = jsonable(
        {
            "id": aggregate.id,
            "type": type(aggregate).__name__,
            "version": aggregate.version,
            "created_on": aggregate.created_on,
            "modified_on": aggregate.modified_on,
            **public,
        }
    )
    return state


def jsonable(value: Any) -> Any:
    """JSON-safe form: decimals, UUIDs and times as strings, dataclasses and mappings as
    objects (keys as strings), enums as their values, bytes as base64."""
    if isinstance(value, Enum):
        return jsonable(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return format_decimal(value) if value.is_finite() else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)
