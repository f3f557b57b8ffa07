"""The leaf record of an event: what the audit log hashes (DESIGN.md, "Audit log").

`record` = RFC 8785 canonical JSON of exactly seven keys; `leaf_hash(record)` (merkle.py) is
the leaf. Integers stay JSON integers (RFC 8785 accepts them up to 2**53 - 1), `recorded_at` is
`format_recorded_at` of the time the leaf was written, `payload_sha256` the lowercase hex
SHA-256 of the stored state bytes exactly as in the event table.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import rfc8785

LEAF_KEYS = (
    "leaf_index",
    "position",
    "stream_id",
    "stream_version",
    "type",
    "recorded_at",
    "payload_sha256",
)
MAX_JSON_INT = 2**53 - 1
RECORDED_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def leaf_record(
    leaf_index: int,
    position: int,
    stream_id: str,
    stream_version: int,
    type: str,
    recorded_at: str,
    payload_sha256: str,
) -> bytes:
    """Canonical JSON bytes of one leaf; raises ValueError for values outside the format."""
    for name, number in (
        ("leaf_index", leaf_index),
        ("position", position),
        ("stream_version", stream_version),
    ):
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValueError(f"{name} must be an integer, not {number!r}")
        if not 0 <= number <= MAX_JSON_INT:
            raise ValueError(f"{name} must be an integer in [0, 2**53 - 1], not {number!r}")
    for name, text in (("stream_id", stream_id), ("type", type)):
        if not isinstance(text, str) or not text:
            raise ValueError(f"{name} must be a non-empty string, not {text!r}")
    if not isinstance(recorded_at, str) or not RECORDED_AT.fullmatch(recorded_at):
        raise ValueError(f"recorded_at must look like 2026-11-25T08:00:00.000000Z: {recorded_at!r}")
    if not isinstance(payload_sha256, str) or not SHA256_HEX.fullmatch(payload_sha256):
        raise ValueError(f"payload_sha256 must be 64 lowercase hex digits: {payload_sha256!r}")
    if (
        _verbatim(stream_id)
        and _verbatim(type)
        and _plain_ints(leaf_index, position, stream_version)
    ):
        # What rfc8785.dumps writes for these values (keys sorted; nothing to escape), without
        # its general walk: the leaf record is most of a verifier's time otherwise.
        return (
            f'{{"leaf_index":{leaf_index},"payload_sha256":"{payload_sha256}",'
            f'"position":{position},"recorded_at":"{recorded_at}","stream_id":"{stream_id}",'
            f'"stream_version":{stream_version},"type":"{type}"}}'
        ).encode()
    values = (leaf_index, position, stream_id, stream_version, type, recorded_at, payload_sha256)
    return rfc8785.dumps(dict(zip(LEAF_KEYS, values, strict=True)))


def _verbatim(text: str) -> bool:
    """Printable ASCII that JSON writes as it is (no quote, no backslash)."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def _plain_ints(*numbers: int) -> bool:
    return all(type(number) is int for number in numbers)


def payload_sha256(state: bytes) -> str:
    """Lowercase hex SHA-256 of an event's stored state bytes."""
    return hashlib.sha256(state).hexdigest()


def format_recorded_at(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and `Z`, e.g. 2026-11-25T08:00:00.000000Z."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("recorded_at needs a timezone-aware datetime")
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"
