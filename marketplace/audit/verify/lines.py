"""A bundle's lines parsed into events and leaves; anything unparsable is MALFORMED."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from marketplace.audit.verify.errors import BundleError, Exit
from marketplace.audit.verify.records import SHA256_HEX, leaf_record

EVENTS, LEAVES = "events.jsonl", "leaves.jsonl"


@dataclass(frozen=True)
class _Event:
    line: int
    position: int
    stream_id: str
    stream_version: int
    topic: str
    state_sha256: str


@dataclass(frozen=True)
class _Leaf:
    line: int
    leaf_index: int
    position: int
    stream_id: str
    stream_version: int
    type: str
    payload_sha256: str
    record: bytes
    leaf_hash: bytes


def _objects(name: str, first: int, lines: list[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, raw in enumerate(lines, first):
        try:
            value = _DECODER.decode(raw.decode("utf-8"))
        except ValueError as error:
            raise BundleError(Exit.MALFORMED, f"{name} line {number}: {error}") from None
        if not isinstance(value, dict):
            raise BundleError(Exit.MALFORMED, f"{name} line {number}: not an object")
        yield number, value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise ValueError("duplicate key")
    return value


def _no_nan(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# One decoder for every line (`json.loads` with hooks builds a new one per call).
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_nan)


def _event(line: int, obj: dict[str, Any]) -> _Event:
    where = f"{EVENTS} line {line}"
    state = _base64(_get(obj, "state_b64", str, where), f"{where}: state_b64")
    return _Event(
        line,
        _get(obj, "position", int, where),
        _get(obj, "stream_id", str, where),
        _get(obj, "stream_version", int, where),
        _get(obj, "topic", str, where),
        hashlib.sha256(state).hexdigest(),
    )


def _leaf(line: int, obj: dict[str, Any]) -> _Leaf:
    where = f"{LEAVES} line {line}"
    fields = {
        "leaf_index": _get(obj, "leaf_index", int, where),
        "position": _get(obj, "position", int, where),
        "stream_id": _get(obj, "stream_id", str, where),
        "stream_version": _get(obj, "stream_version", int, where),
        "type": _get(obj, "type", str, where),
        "recorded_at": _get(obj, "recorded_at", str, where),
        "payload_sha256": _get(obj, "payload_sha256", str, where),
    }
    digest = _get(obj, "leaf_hash", str, where)
    if not SHA256_HEX.fullmatch(digest):
        raise BundleError(Exit.MALFORMED, f"{where}: leaf_hash is not 64 lowercase hex digits")
    try:
        record = leaf_record(**fields)
    except ValueError as error:
        raise BundleError(Exit.MALFORMED, f"{where}: {error}") from None
    fields.pop("recorded_at")
    return _Leaf(line=line, record=record, leaf_hash=bytes.fromhex(digest), **fields)


def _get(obj: dict[str, Any], key: str, kind: type[Any], where: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BundleError(Exit.MALFORMED, f"{where}: {key} is missing or not a {kind.__name__}")
    return value


def _base64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(Exit.MALFORMED, f"{where} is not base64") from None
