"""Signed tree heads: the signing key in the data directory and the checkpointer thread."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from marketplace.audit.store import DatabaseTree
from marketplace.audit.verify.checkpoint import Signer, generate_signer
from marketplace.audit.verify.merkle import root
from marketplace.workers import Worker


def load_or_create_signer(path: Path, name: str) -> Signer:
    """The Ed25519 signing key at `path` (note format, mode 0600), created on first start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        skey, _ = generate_signer(name)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w") as file:
                file.write(skey + "\n")
    return Signer(path.read_text().strip())


@dataclass(frozen=True)
class StoredCheckpoint:
    tree_size: int
    root: bytes
    note: str
    signed_at: datetime


def latest_checkpoint(conn: psycopg.Connection[Any]) -> StoredCheckpoint | None:
    row = conn.execute(
        "SELECT tree_size, root, note, signed_at FROM audit_checkpoints"
        " ORDER BY tree_size DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    values = list(row.values()) if isinstance(row, dict) else list(row)
    return StoredCheckpoint(int(values[0]), bytes(values[1]), str(values[2]), values[3])


def sign_checkpoint(
    conn: psycopg.Connection[Any], signer: Signer, origin: str
) -> StoredCheckpoint | None:
    """Sign the current tree head if it grew since the last checkpoint; the new checkpoint."""
    tree = DatabaseTree(conn)
    size = tree.size()
    last = latest_checkpoint(conn)
    if size == 0 or (last is not None and last.tree_size >= size):
        return None
    head = root(tree, size)
    note = signer.sign(origin, size, head)
    conn.execute(
        "INSERT INTO audit_checkpoints (tree_size, root, note) VALUES (%s, %s, %s)"
        " ON CONFLICT (tree_size) DO NOTHING",
        (size, head, note),
    )
    return latest_checkpoint(conn)


class Checkpointer(Worker):
    """Signs a new tree head at least every `interval` seconds while events arrive."""

    def __init__(self, url: str, signer: Signer, origin: str, interval: float = 1.0) -> None:
        super().__init__("checkpointer", backoff=interval)
        self.url = url
        self.signer = signer
        self.origin = origin
        self.interval = interval

    def session(self) -> None:
        """Sign on one connection until it is lost."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stopping.wait(self.interval):
                sign_checkpoint(conn, self.signer, self.origin)
                self.succeeded()
