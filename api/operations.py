"""The API's operations as its OpenAPI document publishes them: the methods a path has (for
`405 Allow`) and the status each answers on success (for a rebuilt idempotent answer)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Operation:
    pattern: re.Pattern[str]
    method: str
    success_status: int


def _pattern(path: str) -> re.Pattern[str]:
    """`/postings/{posting_id}` → a regex matching any value of the path parameters."""
    return re.compile("[^/]+".join(re.escape(part) for part in re.split(r"\{[^}]+\}", path)))


@functools.cache
def operations(app: Any) -> tuple[Operation, ...]:
    """Read once per app from `app.openapi()` (FastAPI caches the document too)."""
    found = []
    for path, item in app.openapi().get("paths", {}).items():
        pattern = _pattern(path)
        for method, operation in item.items():
            codes = [int(code) for code in operation.get("responses", {}) if code.startswith("2")]
            found.append(Operation(pattern, method.upper(), min(codes, default=200)))
    return tuple(found)


def path_methods(app: Any, path: str) -> set[str]:
    """The methods the API has for `path` (none: not an API path)."""
    return {op.method for op in operations(app) if op.pattern.fullmatch(path)}


def success_status(app: Any, method: str, path: str) -> int:
    for op in operations(app):
        if op.method == method and op.pattern.fullmatch(path):
            return op.success_status
    return 200
