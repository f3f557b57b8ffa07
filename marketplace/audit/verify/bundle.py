"""The events and leaves of an exported bundle, read as a stream and checked row by row.

verifier.py documents the bundle layout and the exit codes; `scan_bundle` raises
`BundleError` with the code of the first failing check and returns the tree of leaf hashes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from itertools import zip_longest
from pathlib import Path
from typing import Any

from marketplace.audit.verify.merkle import MemoryTree, leaf_hash
from marketplace.audit.verify.records import SHA256_HEX, leaf_record

EVENTS, LEAVES = "events.jsonl", "leaves.jsonl"


class Exit(IntEnum):
    """The verifier's exit codes, one per kind of failure (documented in verifier.py)."""

    OK = 0
    USAGE = 2
    MALFORMED = 3
    SIGNATURE = 4
    SEQUENCE = 5
    EVENT_MISMATCH = 6
    LEAF_HASH = 7
    ROOT = 8
    CONSISTENCY = 9


class BundleError(Exception):
    """A failed check: its exit code, and the first offending leaf and position if known."""

    def __init__(
        self, exit: Exit, message: str, leaf_index: int | None = None, position: int | None = None
    ) -> None:
        super().__init__(message)
        self.exit, self.leaf_index, self.position = exit, leaf_index, position


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


def scan_bundle(bundle: Path) -> MemoryTree:
    """Stream events.jsonl and leaves.jsonl side by side; the tree of all leaf hashes."""
    tree = MemoryTree()
    events = (_event(n, obj) for n, obj in _objects(bundle / EVENTS))
    leaves = (_leaf(n, obj) for n, obj in _objects(bundle / LEAVES))
    previous: int | None = None
    for index, (event, leaf) in enumerate(zip_longest(events, leaves)):
        event, leaf = _in_sequence(index, event, leaf, previous)
        _check_event(event, leaf)
        if leaf_hash(leaf.record) != leaf.leaf_hash:
            raise BundleError(
                Exit.LEAF_HASH,
                f"leaf {index} (position {leaf.position}): leaf_hash is not the hash of its record",
                index,
                leaf.position,
            )
        tree.append(leaf.leaf_hash)
        previous = event.position
    return tree


def _in_sequence(
    index: int, event: _Event | None, leaf: _Leaf | None, previous: int | None
) -> tuple[_Event, _Leaf]:
    """The pair at row `index`, if it continues the sequence; raises SEQUENCE otherwise."""
    if event is None and leaf is not None:
        raise BundleError(
            Exit.SEQUENCE,
            f"leaf {index} (position {leaf.position}) has no event: "
            f"{EVENTS} has only {index} events",
            index,
            leaf.position,
        )
    if event is None or leaf is None:
        assert event is not None  # zip_longest never yields two Nones
        raise BundleError(
            Exit.SEQUENCE,
            f"event at position {event.position} has no leaf: {LEAVES} has only {index} leaves",
            index,
            event.position,
        )
    if leaf.leaf_index != index:
        raise BundleError(
            Exit.SEQUENCE,
            f"{LEAVES} line {leaf.line}: leaf_index {leaf.leaf_index}, expected {index}",
            index,
            leaf.position,
        )
    if previous is not None and event.position <= previous:
        raise BundleError(
            Exit.SEQUENCE,
            f"{EVENTS} line {event.line}: position {event.position} follows position {previous}",
            index,
            event.position,
        )
    if leaf.position < event.position:
        raise BundleError(
            Exit.SEQUENCE,
            f"leaf {index} is for position {leaf.position}, which has no event (deleted?)",
            index,
            leaf.position,
        )
    if leaf.position > event.position:
        raise BundleError(
            Exit.SEQUENCE,
            f"event at position {event.position} has no leaf (inserted?); leaf {index} is for "
            f"position {leaf.position}",
            index,
            event.position,
        )
    return event, leaf


def _check_event(event: _Event, leaf: _Leaf) -> None:
    differences = [
        name
        for name, mine, theirs in (
            ("stream_id", event.stream_id, leaf.stream_id),
            ("stream_version", event.stream_version, leaf.stream_version),
            ("topic", event.topic, leaf.type),
            ("state SHA-256", event.state_sha256, leaf.payload_sha256),
        )
        if mine != theirs
    ]
    if differences:
        raise BundleError(
            Exit.EVENT_MISMATCH,
            f"event at position {event.position} differs from leaf {leaf.leaf_index}: "
            + ", ".join(differences),
            leaf.leaf_index,
            event.position,
        )


def _objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        file = path.open("rb")
    except OSError as error:
        raise BundleError(Exit.MALFORMED, f"cannot read {path.name}: {error}") from None
    with file:
        for number, raw in enumerate(file, 1):
            try:
                value = json.loads(raw, object_pairs_hook=_unique_keys, parse_constant=_no_nan)
            except ValueError as error:
                raise BundleError(Exit.MALFORMED, f"{path.name} line {number}: {error}") from None
            if not isinstance(value, dict):
                raise BundleError(Exit.MALFORMED, f"{path.name} line {number}: not an object")
            yield number, value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise ValueError("duplicate key")
    return value


def _no_nan(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


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
