"""C2SP signed notes (https://c2sp.org/signed-note) and their Ed25519 verifier keys.

A signed note is a text, a blank line and signature lines `— <key name> <base64(4-byte key id ‖
signature)>`; a verifier key reads `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>` (the
format is described in full in checkpoint.py). Here notes are split into text and signatures,
keys are parsed, and a note is opened with the signature of a trusted key. Checkpoints, the
notes this log signs, and signing itself are in checkpoint.py.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALG_ED25519 = b"\x01"
SIGNATURE_PREFIX = "— "
MAX_SIGNATURES = 100
_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")


class CheckpointError(ValueError):
    """A note or key that cannot be used: malformed, or not signed by the trusted key."""


class MalformedNoteError(CheckpointError):
    """The note, checkpoint body or key text does not follow the format."""


class UnverifiedNoteError(CheckpointError):
    """No signature by the trusted key verifies (missing, or present but invalid)."""


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


def _check_note_chars(text: str) -> None:
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise MalformedNoteError("a note holds no control characters other than newline")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise MalformedNoteError("a note is valid UTF-8") from None
