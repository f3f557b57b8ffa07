"""`market audit export DIR`: the bundle the offline verifier reads (layout in verifier.py).

The bundle covers the log up to the latest signed checkpoint (one is signed first if none
covers the current log yet), read in one REPEATABLE READ snapshot. Besides the files the
verifier reads, `checkpoints/<tree size>.txt` holds every earlier signed head, so an auditor
can pick one to trust with `--since`.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg.rows import dict_row
from psycopg.sql import SQL, Identifier

from marketplace.audit.signing import StoredCheckpoint, latest_checkpoint, sign_checkpoint
from marketplace.audit.store import DatabaseTree
from marketplace.audit.verify.bundle import EVENTS, LEAVES
from marketplace.audit.verify.checkpoint import Signer
from marketplace.audit.verify.trust import CHECKPOINT, PUBLIC_KEY
from marketplace.bootstrap import EVENTS_TABLE

HISTORY = "checkpoints"
FETCH = 5000
_EVENTS = SQL(
    "SELECT notification_id, originator_id, originator_version, topic, state FROM {}"
    " WHERE notification_id <= %s ORDER BY notification_id"
).format(Identifier(EVENTS_TABLE))
_LEAVES = SQL(
    "SELECT leaf_index, position, stream_id, stream_version, type, recorded_at,"
    " payload_sha256, leaf_hash FROM audit_leaves WHERE leaf_index < %s ORDER BY leaf_index"
)


class ExportError(Exception):
    """Nothing was exported: the log is empty, or the target directory is not empty."""


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    tree_size: int
    root: bytes
    events: int
    leaves: int
    checkpoints: int


def export(
    conn: psycopg.Connection[Any],
    signer: Signer,
    origin: str,
    directory: Path,
    progress: IO[str] | None = None,
    *,
    compress: bool = False,
) -> ExportResult:
    """Write the bundle of the log behind `conn` (an idle autocommit connection, as the
    pool's are) into `directory`, which must be absent or empty; a progress bar goes to
    `progress` if given. `compress`: the two JSON Lines files gzipped (`.gz`), about a
    fifth of the size, which the verifier reads as well."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ExportError(f"{directory} exists and is not an empty directory")
    head = covering_checkpoint(conn, signer, origin)
    (directory / HISTORY).mkdir(parents=True, exist_ok=True)
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        bar = ProgressBar(2 * head.tree_size, progress)
        suffix = ".gz" if compress else ""
        leaves, last = _write_leaves(conn, directory / f"{LEAVES}{suffix}", head.tree_size, bar)
        events = _write_events(conn, directory / f"{EVENTS}{suffix}", last, bar)
        bar.close()
        checkpoints = _write_history(conn, directory / HISTORY, head.tree_size)
    (directory / CHECKPOINT).write_text(head.note, encoding="utf-8")
    (directory / PUBLIC_KEY).write_text(signer.vkey + "\n", encoding="utf-8")
    return ExportResult(directory, head.tree_size, head.root, events, leaves, checkpoints)


def covering_checkpoint(
    conn: psycopg.Connection[Any], signer: Signer, origin: str
) -> StoredCheckpoint:
    """The latest checkpoint, signed now if none covers every leaf written so far."""
    head = latest_checkpoint(conn)
    if head is None or head.tree_size < DatabaseTree(conn).size():
        head = sign_checkpoint(conn, signer, origin) or latest_checkpoint(conn)
    if head is None:
        raise ExportError("the log is empty: there is nothing to export")
    return head


def _rows(conn: psycopg.Connection[Any], name: str, query: Any, param: int) -> Iterator[Any]:
    with conn.cursor(name=name, row_factory=dict_row) as cur:
        cur.itersize = FETCH
        cur.execute(query, (param,))
        yield from cur


def _write_leaves(
    conn: psycopg.Connection[Any], path: Path, size: int, bar: ProgressBar
) -> tuple[int, int]:
    """leaves.jsonl for the first `size` leaves; (leaves written, position of the last)."""
    count, last = 0, 0
    with _create(path) as file:
        for row in _rows(conn, "audit_export_leaves", _LEAVES, size):
            leaf = {**row, "stream_id": str(row["stream_id"])}
            leaf["leaf_hash"] = bytes(row["leaf_hash"]).hex()
            file.write(_line(leaf))
            count, last = count + 1, row["position"]
            bar.advance()
    return count, last


def _write_events(
    conn: psycopg.Connection[Any], path: Path, last_position: int, bar: ProgressBar
) -> int:
    """events.jsonl: every event row up to `last_position`, as stored (altered or not)."""
    count = 0
    with _create(path) as file:
        for row in _rows(conn, "audit_export_events", _EVENTS, last_position):
            state = bytes(row["state"] or b"")
            event = {
                "position": row["notification_id"],
                "stream_id": str(row["originator_id"]),
                "stream_version": row["originator_version"],
                "topic": row["topic"],
                "state_b64": base64.b64encode(state).decode("ascii"),
            }
            file.write(_line(event))
            count += 1
            bar.advance()
    return count


def _write_history(conn: psycopg.Connection[Any], folder: Path, size: int) -> int:
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            "SELECT tree_size, note FROM audit_checkpoints WHERE tree_size <= %s", (size,)
        ).fetchall()
    for row in rows:
        (folder / f"{row['tree_size']}.txt").write_text(row["note"], encoding="utf-8")
    return len(rows)


def _create(path: Path) -> IO[str]:
    """A new text file, gzipped (at level 6: a quarter of the time of 9, nearly its size) if
    its name ends in `.gz`."""
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=6)
    return path.open("w", encoding="utf-8")


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


class ProgressBar:
    """`exporting [#####-----]  50% 500/1000` on a stream, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, total: int, stream: IO[str] | None, label: str = "exporting") -> None:
        self.total, self.stream, self.label = max(total, 1), stream, label
        self.done, self.drawn_at = 0, 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.stream is not None and time.monotonic() - self.drawn_at >= 0.1:
            self._draw()

    def close(self) -> None:
        if self.stream is not None:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        assert self.stream is not None
        share = min(self.done / self.total, 1.0)
        filled = round(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {share:4.0%} {self.done}/{self.total}")
        self.stream.flush()
        self.drawn_at = time.monotonic()
