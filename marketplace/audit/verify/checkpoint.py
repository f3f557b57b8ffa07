"""Signed tree heads as C2SP signed-note checkpoints, signed with Ed25519.

A checkpoint (https://c2sp.org/tlog-checkpoint) is the note text

    <origin>\\n<tree size>\\n<base64 root hash>\\n

followed by a blank line and one or more signature lines (https://c2sp.org/signed-note)

    — <key name> <base64(4-byte key id ‖ 64-byte Ed25519 signature of the note text)>\\n

with key id = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4]. Keys are written as in
Go's golang.org/x/mod/sumdb/note: verifier key `<name>+<8 hex key id>+<base64(0x01 ‖ public
key)>`, signer key `PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 ‖ 32-byte seed)>`.

Origin: callers choose it; by convention `sme-marketplace/<host-or-deployment-name>` (a
schema-less URL-like string without spaces or `+`), and the key name SHOULD equal the origin.
Extension lines after the root are accepted when parsing (and kept in `extensions`) but never
written. Splitting signed notes, verifier keys and opening a note with one are in notes.py.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from marketplace.audit.verify.notes import (
    ALG_ED25519,
    SIGNATURE_PREFIX,
    MalformedNoteError,
    VerifierKey,
    _b64decode,
    _check_key_name,
    _check_note_chars,
    _decode_key,
    _verifier_key,
    key_id,
    open_note,
    split_note,
)

ROOT_SIZE = 32
_TREE_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The note text: origin, size, base64 root, one line each."""
        _check_origin(self.origin)
        if self.tree_size < 0 or len(self.root) != ROOT_SIZE:
            raise ValueError("a checkpoint has a tree size ≥ 0 and a 32-byte root")
        lines = [self.origin, str(self.tree_size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"


def generate_signer(name: str) -> tuple[str, str]:
    """A fresh Ed25519 key as (signer key string, verifier key string)."""
    _check_key_name(name)
    seed = secrets.token_bytes(32)
    public = _public_bytes(Ed25519PrivateKey.from_private_bytes(seed))
    kid = key_id(name, public).hex()
    skey = f"PRIVATE+KEY+{name}+{kid}+{base64.b64encode(ALG_ED25519 + seed).decode()}"
    vkey = f"{name}+{kid}+{base64.b64encode(ALG_ED25519 + public).decode()}"
    return skey, vkey


class Signer:
    """Signs checkpoints (and other note texts) with a signer key string."""

    def __init__(self, skey: str) -> None:
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise MalformedNoteError("a signer key reads PRIVATE+KEY+<name>+<key id>+<key>")
        name, seed = parts[2], _decode_key(parts[4], "signer")
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        self.verifier = _verifier_key(name, parts[3], _public_bytes(self._private))

    @property
    def name(self) -> str:
        return self.verifier.name

    @property
    def vkey(self) -> str:
        return str(self.verifier)

    def sign(self, origin: str, tree_size: int, root: bytes) -> str:
        """The complete signed note of the checkpoint (origin, tree_size, root)."""
        return self.sign_text(Checkpoint(origin, tree_size, root).body())

    def sign_text(self, text: str) -> str:
        """Any note text (ending in a newline) followed by this key's signature line."""
        _check_note_chars(text)
        if not text.endswith("\n"):
            raise MalformedNoteError("a note text ends with a newline")
        signature = self._private.sign(text.encode())
        line = base64.b64encode(self.verifier.key_id + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {line}\n"


def parse_note(text: str) -> tuple[Checkpoint, list[tuple[str, bytes, bytes]]]:
    """The checkpoint in a signed note and its signatures, unverified."""
    body, signatures = split_note(text)
    return parse_checkpoint(body), signatures


def parse_checkpoint(body: str) -> Checkpoint:
    """Parse a checkpoint note text (origin, tree size, base64 root, extension lines)."""
    lines = body.split("\n")
    if len(lines) < 4 or lines[-1] != "" or "" in lines[:-1]:
        raise MalformedNoteError("a checkpoint is at least three non-empty lines")
    origin, size, encoded, *extensions = lines[:-1]
    if not _TREE_SIZE.fullmatch(size):
        raise MalformedNoteError(f"tree size is not a decimal number: {size!r}")
    root = _b64decode(encoded)
    if root is None or len(root) != ROOT_SIZE:
        raise MalformedNoteError(f"root hash is not base64 of 32 bytes: {encoded!r}")
    return Checkpoint(origin, int(size), root, tuple(extensions))


def verify_note(text: str, vkey: str | VerifierKey) -> Checkpoint:
    """The checkpoint in `text`, if signed by `vkey`; raises CheckpointError otherwise."""
    return parse_checkpoint(open_note(text, vkey))


def _public_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _check_origin(origin: str) -> None:
    if not origin or "\n" in origin:
        raise MalformedNoteError(f"an origin is one non-empty line: {origin!r}")
    _check_note_chars(origin)
