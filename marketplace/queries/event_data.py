"""An event as the live stream shows it: its own attributes as JSON-safe values, cleaned as
the read models clean text. Who sees which form of it is `visibility`."""

from __future__ import annotations

from typing import Any

from aggregates.text import without_control_characters
from marketplace.audit.jsonable import jsonable

_ENVELOPE = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp"})
# `actor` (the member who acted) is for the audit log and contract signatures, not the stream.
_NEVER_SHOWN = frozenset({"sealed_contact", "actor"})


def event_data(event: Any) -> dict[str, Any]:
    """The event's own attributes as JSON-safe values, with its aggregate version and time;
    text as the read models show it, without control characters (an event from before the
    API refused them may hold some)."""
    fields = {k: v for k, v in vars(event).items() if k not in _ENVELOPE | _NEVER_SHOWN}
    data: dict[str, Any] = _cleaned(jsonable(fields))
    data["version"] = event.originator_version
    data["timestamp"] = jsonable(event.timestamp)
    return data


def _cleaned(value: Any) -> Any:
    """A JSON-safe value with control characters removed from its strings (keys included)."""
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, dict):
        return {_cleaned(k): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value
