"""The events and leaves of an exported bundle, read as a stream and checked row by row.

verifier.py documents the bundle layout and the exit codes; `scan_bundle` raises
`BundleError` with the code of the first failing check and returns the tree of leaf hashes.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from itertools import islice, zip_longest
from pathlib import Path
from typing import IO, Any, cast

from marketplace.audit.verify.errors import BundleError, Exit
from marketplace.audit.verify.lines import EVENTS, LEAVES, _Event, _event, _Leaf, _leaf, _objects
from marketplace.audit.verify.merkle import leaf_hash
from marketplace.audit.verify.parallel import CHUNK, default_workers, ordered_map, subtree_levels
from marketplace.audit.verify.tree import MemoryTree

__all__ = ["EVENTS", "LEAVES", "BundleError", "Exit", "scan_bundle"]


def scan_bundle(bundle: Path, workers: int | None = None) -> MemoryTree:
    """Stream events.jsonl and leaves.jsonl (or their `.gz`) side by side, CHUNK lines at a
    time checked in `workers` processes (default: one per CPU); the tree of all leaf hashes."""
    tree = MemoryTree()
    with _open(bundle, EVENTS) as events, _open(bundle, LEAVES) as leaves:
        chunks = _chunks(events, leaves, CHUNK)
        for levels, error in ordered_map(_scan_chunk, chunks, workers or default_workers()):
            if error is not None:
                raise BundleError(*error)
            tree.extend(levels)
    return tree


# first row, event lines, leaf lines, position before, a read failure (BundleError arguments)
_Chunk = tuple[int, list[bytes], list[bytes], int | None, tuple[Any, ...] | None]


def _chunks(events: IO[bytes], leaves: IO[bytes], size: int) -> Iterator[_Chunk]:
    """The files' lines `size` at a time, with the position of the event before each chunk
    (None if it does not parse: the chunk before fails on it first). A file that cannot be
    read further (a damaged `.gz`) ends the chunks: the last holds the rows read whole from
    both files and the failure, reported only if those rows, and every chunk before, pass."""
    start, previous = 0, None
    while True:
        event_lines, event_error = _read(events, EVENTS, size)
        leaf_lines, leaf_error = _read(leaves, LEAVES, size)
        if unreadable := event_error or leaf_error:
            rows = min(len(event_lines), len(leaf_lines))
            yield start, event_lines[:rows], leaf_lines[:rows], previous, unreadable
            return
        if not event_lines and not leaf_lines:
            return
        yield start, event_lines, leaf_lines, previous, None
        start += size
        previous = _position(event_lines[-1]) if event_lines else None


def _read(file: IO[bytes], name: str, size: int) -> tuple[list[bytes], tuple[Any, ...] | None]:
    """Up to `size` lines, and the failure (BundleError arguments) that stopped them early."""
    lines: list[bytes] = []
    try:
        lines.extend(islice(file, size))
    except (OSError, EOFError, zlib.error) as error:  # a damaged or truncated .gz
        return lines, (Exit.MALFORMED, f"cannot read {name}: {error}", None, None)
    return lines, None


def _position(line: bytes) -> int | None:
    try:
        position = json.loads(line).get("position")
    except (ValueError, AttributeError):
        return None
    return position if isinstance(position, int) else None


def _scan_chunk(chunk: _Chunk) -> tuple[list[bytes], tuple[Any, ...] | None]:
    """In a worker: check one chunk's rows as `scan_bundle` would, in order; its subtree
    levels, or the first failure as BundleError arguments."""
    start, event_lines, leaf_lines, previous, unreadable = chunk
    hashes = bytearray()
    try:
        events = (_event(n, obj) for n, obj in _objects(EVENTS, start + 1, event_lines))
        leaves = (_leaf(n, obj) for n, obj in _objects(LEAVES, start + 1, leaf_lines))
        for index, (event, leaf) in enumerate(zip_longest(events, leaves), start):
            event, leaf = _in_sequence(index, event, leaf, previous)
            _check_event(event, leaf)
            if leaf_hash(leaf.record) != leaf.leaf_hash:
                raise BundleError(
                    Exit.LEAF_HASH,
                    f"leaf {index} (position {leaf.position}): leaf_hash is not the hash of "
                    "its record",
                    index,
                    leaf.position,
                )
            hashes += leaf.leaf_hash
            previous = event.position
    except BundleError as error:
        return [], (error.exit, str(error), error.leaf_index, error.position)
    if unreadable is not None:
        return [], unreadable
    return subtree_levels(bytes(hashes)), None


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


def _open(bundle: Path, name: str) -> IO[bytes]:
    """The bundle's file `name`, or `name.gz` (decompressed while read) if that is there; both
    is malformed (which one would the reader of the bundle take for the log?)."""
    packed = bundle / f"{name}.gz"
    if packed.is_file() and (bundle / name).is_file():
        raise BundleError(Exit.MALFORMED, f"both {name} and {name}.gz are present: keep one")
    try:
        return cast(
            IO[bytes], gzip.open(packed) if packed.is_file() else (bundle / name).open("rb")
        )
    except OSError as error:
        raise BundleError(Exit.MALFORMED, f"cannot read {name}: {error}") from None
