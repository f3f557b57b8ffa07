"""What the offline verifier trusts and checks a bundle against: the verifier key (given, or
in a file), the bundle's checkpoint signed by it, and an earlier `--since` checkpoint.

Each failure is a `BundleError` with the exit code of verifier.py: USAGE, MALFORMED, SIGNATURE
or CONSISTENCY. Like the verifier, this imports only the standard library, `rfc8785`,
`cryptography` and modules of `marketplace.audit` that do the same.
"""

from __future__ import annotations

import os
from pathlib import Path

from marketplace.audit.verify.bundle import BundleError, Exit
from marketplace.audit.verify.checkpoint import Checkpoint, verify_note
from marketplace.audit.verify.heads import read_note
from marketplace.audit.verify.notes import (
    CheckpointError,
    MalformedNoteError,
    VerifierKey,
    parse_vkey,
)

CHECKPOINT, PUBLIC_KEY = "checkpoint.txt", "public_key.txt"


def load_trusted_key(value: str) -> str:
    """The verifier key string in `value`, or in the file `value` names."""
    if not os.path.isfile(value):
        return value.strip()
    try:
        lines = Path(value).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError) as error:
        raise BundleError(Exit.USAGE, f"cannot read trusted key file {value}: {error}") from None
    return lines[0] if lines else ""


def _trusted_key(vkey: str) -> VerifierKey:
    try:
        return parse_vkey(vkey)
    except CheckpointError as error:
        raise BundleError(Exit.USAGE, f"unusable trusted key: {error}") from None


def _bundle_checkpoint(bundle: Path, key: VerifierKey) -> tuple[str, Checkpoint]:
    try:
        note = read_note(bundle / CHECKPOINT)
        return note, verify_note(note, key)
    except (OSError, UnicodeDecodeError, MalformedNoteError) as error:
        raise BundleError(Exit.MALFORMED, f"{CHECKPOINT}: {error}") from None
    except CheckpointError as error:
        hint = _public_key_hint(bundle, key)
        raise BundleError(Exit.SIGNATURE, f"{CHECKPOINT}: {error}{hint}") from None


def _public_key_hint(bundle: Path, key: VerifierKey) -> str:
    try:
        claimed = (bundle / PUBLIC_KEY).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (the bundle names the key {claimed})" if claimed and claimed != str(key) else ""


def _since_checkpoint(path: Path, key: VerifierKey, origin: str) -> tuple[str, Checkpoint]:
    try:
        note = read_note(path)
        head = verify_note(note, key)
    except (OSError, UnicodeDecodeError, MalformedNoteError) as error:
        raise BundleError(Exit.USAGE, f"--since {path}: {error}") from None
    except CheckpointError as error:
        raise BundleError(Exit.SIGNATURE, f"--since {path}: {error}") from None
    if head.origin != origin:
        raise BundleError(
            Exit.CONSISTENCY, f"--since {path} is a checkpoint of {head.origin}, not of {origin}"
        )
    return note, head
