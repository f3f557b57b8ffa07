"""RFC 8785 canonical JSON for the plain data the domain signs (strings, bools, null, lists, dicts).

The domain may import only the standard library, so it cannot use the `rfc8785` package.
For data without numbers and with ASCII keys, `json.dumps` with sorted keys, no spaces and
no ASCII escaping produces exactly the RFC 8785 bytes (both escape only `"`, `\\` and
control characters, in lowercase `\\u00xx` form). A unit test checks this against `rfc8785`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _check(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise TypeError(f"canonical JSON keys must be ASCII strings: {key!r}")
            _check(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check(item)
    elif not (value is None or isinstance(value, str | bool)):
        raise TypeError(f"canonical JSON takes strings, not {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """Return the RFC 8785 encoding of `value` (no numbers allowed)."""
    _check(value)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sha256_hex(value: Any) -> str:
    """Lowercase hex SHA-256 of the canonical JSON of `value`."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
