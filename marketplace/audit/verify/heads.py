"""Checkpoints the auditor has verified, kept per log so later runs can check consistency.

Layout: `<state>/<quoted origin>/<tree_size>.txt`, each the signed note as verified. A different
note of a size already kept goes beside it as `<tree_size>-<8 hex>.txt`: nothing is ever
overwritten, since two heads of one size are evidence (of a fork, or of extra cosignatures).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from marketplace.audit.verify.checkpoint import Checkpoint, verify_note
from marketplace.audit.verify.notes import CheckpointError, VerifierKey


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "market-auditor"


def read_note(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def stored_heads(
    state: Path, origin: str, key: VerifierKey, warnings: list[str]
) -> list[tuple[str, Checkpoint]]:
    heads: list[tuple[str, Checkpoint]] = []
    for path in sorted((state / _quote_origin(origin)).glob("*.txt")):
        try:
            note = read_note(path)
            head = verify_note(note, key)
        except (OSError, UnicodeDecodeError, CheckpointError) as error:
            warnings.append(f"ignored stored checkpoint {path}: {error}")
            continue
        if head.origin == origin:
            heads.append((note, head))
    return sorted(heads, key=lambda pair: pair[1].tree_size)


def _quote_origin(origin: str) -> str:
    name = quote(origin, safe="-_.")
    if name.startswith("."):
        name = "%2E" + name[1:]
    return name if len(name) <= 200 else hashlib.sha256(origin.encode()).hexdigest()


def store(state: Path, notes: list[tuple[str, Checkpoint]], warnings: list[str]) -> Path | None:
    target = None
    for note, head in notes:
        folder = state / _quote_origin(head.origin)
        try:
            target = _keep(folder, str(head.tree_size), note.encode())
        except OSError as error:
            warnings.append(f"could not store the checkpoint in {folder}: {error}")
            return None
    return target


def _keep(folder: Path, stem: str, data: bytes) -> Path:
    """Write `data` as folder/stem.txt, or beside a different file of that name, never over
    it: two heads of one size are evidence (of a fork, or of extra cosignatures)."""
    target = folder / f"{stem}.txt"
    if target.exists() and target.read_bytes() != data:
        target = folder / f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}.txt"
    if target.exists() and target.read_bytes() == data:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    return target
