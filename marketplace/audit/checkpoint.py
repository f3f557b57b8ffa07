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
written.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = b"\x01"
SIGNATURE_PREFIX = "— "
MAX_SIGNATURES = 100
ROOT_SIZE = 32
_TREE_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")


class CheckpointError(ValueError):
    """A note or key that cannot be used: malformed, or not signed by the trusted key."""


class MalformedNoteError(CheckpointError):
    """The note, checkpoint body or key text does not follow the format."""


class UnverifiedNoteError(CheckpointError):
    """No signature by the trusted key verifies (missing, or present but invalid)."""


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


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: bytes
    public_key: bytes

    def __str__(self) -> str:
        encoded = base64.b64encode(ALG_ED25519 + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"


def key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + ALG_ED25519 + public_key).digest()[:4]


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


def parse_vkey(vkey: str) -> VerifierKey:
    """Parse `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>`, checking the key id."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise MalformedNoteError("a verifier key reads <name>+<key id>+<key>")
    return _verifier_key(parts[0], parts[1], _decode_key(parts[2], "verifier"))


def split_note(text: str) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """The note text and its (key name, key id, signature) lines, unverified."""
    _check_note_chars(text)
    cut = text.rfind("\n\n")
    if cut < 0 or not text.endswith("\n"):
        raise MalformedNoteError("a signed note is text, a blank line, then signature lines")
    body, lines = text[: cut + 1], text[cut + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"more than {MAX_SIGNATURES} signatures")
    return body, [_parse_signature_line(line) for line in lines]


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


def open_note(text: str, vkey: str | VerifierKey) -> str:
    """The note text, if a signature by `vkey` verifies; signatures by other keys are ignored."""
    key = vkey if isinstance(vkey, VerifierKey) else parse_vkey(vkey)
    body, signatures = split_note(text)
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    matching = [sig for name, kid, sig in signatures if (name, kid) == (key.name, key.key_id)]
    if not matching:
        raise UnverifiedNoteError(
            f"the note carries no signature by key {key.name}+{key.key_id.hex()}"
        )
    for signature in matching:
        try:
            public.verify(signature, body.encode())
        except InvalidSignature:
            raise UnverifiedNoteError(
                f"the signature by key {key.name}+{key.key_id.hex()} does not verify"
            ) from None
    return body


def verify_note(text: str, vkey: str | VerifierKey) -> Checkpoint:
    """The checkpoint in `text`, if signed by `vkey`; raises CheckpointError otherwise."""
    return parse_checkpoint(open_note(text, vkey))


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedNoteError(f"not a signature line: {line!r}")
    name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    blob = _b64decode(encoded)
    if not _valid_key_name(name) or blob is None or len(blob) < 5:
        raise MalformedNoteError(f"malformed signature line: {line!r}")
    return name, blob[:4], blob[4:]


def _verifier_key(name: str, kid_hex: str, public: bytes) -> VerifierKey:
    _check_key_name(name)
    if not _KEY_ID.fullmatch(kid_hex):
        raise MalformedNoteError(f"key id is not 8 hex digits: {kid_hex!r}")
    kid = bytes.fromhex(kid_hex)
    if kid != key_id(name, public):
        raise MalformedNoteError(f"key id {kid_hex} does not match key {name}")
    return VerifierKey(name, kid, public)


def _decode_key(encoded: str, kind: str) -> bytes:
    raw = _b64decode(encoded)
    if raw is None or len(raw) != 33 or raw[:1] != ALG_ED25519:
        raise MalformedNoteError(f"{kind} key material is not base64(0x01 ‖ 32-byte key)")
    return raw[1:]


def _public_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _b64decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True) if text else None
    except (binascii.Error, ValueError):
        return None


def _valid_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _check_key_name(name: str) -> None:
    if not _valid_key_name(name):
        raise MalformedNoteError(f"a key name is non-empty, without spaces or '+': {name!r}")


def _check_origin(origin: str) -> None:
    if not origin or "\n" in origin:
        raise MalformedNoteError(f"an origin is one non-empty line: {origin!r}")
    _check_note_chars(origin)


def _check_note_chars(text: str) -> None:
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise MalformedNoteError("a note holds no control characters other than newline")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise MalformedNoteError("a note is valid UTF-8") from None
