"""C2SP signed-note checkpoints (marketplace.audit.verify.checkpoint) and leaf records."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from marketplace.audit.verify.checkpoint import (
    Checkpoint,
    Signer,
    generate_signer,
    parse_checkpoint,
    parse_note,
    verify_note,
)
from marketplace.audit.verify.notes import (
    CheckpointError,
    MalformedNoteError,
    UnverifiedNoteError,
    key_id,
    open_note,
    parse_vkey,
)
from marketplace.audit.verify.records import format_recorded_at, leaf_record, payload_sha256

# golang.org/x/mod/sumdb/note's documented example: the reference implementation's bytes.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

ORIGIN = "sme-marketplace/test"
ROOT = hashlib.sha256(b"root").digest()


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return generate_signer(ORIGIN)


def test_signatures_match_the_go_reference_byte_for_byte() -> None:
    signer = Signer(GO_SKEY)
    assert signer.vkey == GO_VKEY
    assert signer.sign_text(GO_TEXT) == GO_NOTE
    assert open_note(GO_NOTE, GO_VKEY) == GO_TEXT
    key = parse_vkey(GO_VKEY)
    assert (key.name, key.key_id.hex()) == ("PeterNeumann", "c74f20a3")
    assert key_id(key.name, key.public_key) == key.key_id


def test_checkpoint_note_has_the_c2sp_shape(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    note = Signer(skey).sign(ORIGIN, 42, ROOT)
    lines = note.split("\n")
    assert lines[:4] == [ORIGIN, "42", base64.b64encode(ROOT).decode(), ""]
    assert lines[4].startswith(f"\N{EM DASH} {ORIGIN} ")
    assert lines[5:] == [""]
    blob = base64.b64decode(lines[4].rsplit(" ", 1)[1])
    assert len(blob) == 4 + 64
    assert blob[:4] == parse_vkey(vkey).key_id
    assert skey.startswith(f"PRIVATE+KEY+{ORIGIN}+{blob[:4].hex()}+")
    assert vkey.startswith(f"{ORIGIN}+{blob[:4].hex()}+")


def test_sign_parse_verify_round_trip(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    note = Signer(skey).sign(ORIGIN, 7, ROOT)
    checkpoint, signatures = parse_note(note)
    assert checkpoint == Checkpoint(ORIGIN, 7, ROOT)
    assert [(name, kid) for name, kid, _ in signatures] == [(ORIGIN, parse_vkey(vkey).key_id)]
    assert verify_note(note, vkey) == checkpoint
    assert verify_note(Signer(skey).sign(ORIGIN, 0, ROOT), vkey).tree_size == 0


def test_a_note_signed_by_another_key_is_refused(keys: tuple[str, str]) -> None:
    other_skey, _ = generate_signer(ORIGIN)  # same name, different key: a different key id
    note = Signer(other_skey).sign(ORIGIN, 7, ROOT)
    with pytest.raises(UnverifiedNoteError, match="no signature by key"):
        verify_note(note, keys[1])


def test_a_tampered_body_is_refused(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    note = Signer(skey).sign(ORIGIN, 7, ROOT)
    with pytest.raises(UnverifiedNoteError, match="does not verify"):
        verify_note(note.replace("\n7\n", "\n8\n", 1), vkey)
    forged_root = base64.b64encode(hashlib.sha256(b"forged").digest()).decode()
    with pytest.raises(CheckpointError):
        verify_note(note.replace(base64.b64encode(ROOT).decode(), forged_root), vkey)


def test_signatures_of_unknown_keys_are_ignored(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    witness_skey, witness_vkey = generate_signer("witness.example/w1")
    note = Signer(skey).sign(ORIGIN, 3, ROOT)
    witness_line = Signer(witness_skey).sign(ORIGIN, 3, ROOT).split("\n\n")[1]
    cosigned = note + witness_line
    assert verify_note(cosigned, vkey) == verify_note(cosigned, witness_vkey)
    assert len(parse_note(cosigned)[1]) == 2


def test_a_bad_second_signature_by_the_trusted_key_rejects_the_note(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    note = Signer(skey).sign(ORIGIN, 3, ROOT)
    wrong = Signer(skey).sign(ORIGIN, 4, ROOT).split("\n\n")[1]
    with pytest.raises(UnverifiedNoteError):
        verify_note(note + wrong, vkey)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda note: note.replace("\n\n", "\n"),  # no blank line
        lambda note: note.split("\n\n")[0] + "\n\n",  # no signature line
        lambda note: note.replace("— ", "- "),  # not an em dash
        lambda note: note.replace("— ", "—"),
        lambda note: note[:-1],  # no final newline
        lambda note: note.replace("=\n", "!\n"),  # signature not base64
        lambda note: note.replace("\n7\n", "\n07\n", 1),  # leading zero
        lambda note: note.replace("\n7\n", "\n-7\n", 1),
        lambda note: note.replace("\n7\n", "\n\n", 1),  # empty line in the body
        lambda note: note.replace("sme-marketplace", "sme\tmarketplace", 1),  # control char
        lambda note: note.replace("\n", "\r\n"),
        lambda note: "\n".join(note.split("\n")[1:]),  # only two body lines
    ],
)
def test_malformed_notes_are_refused(keys: tuple[str, str], mangle: object) -> None:
    assert callable(mangle)
    note = mangle(Signer(keys[0]).sign(ORIGIN, 7, ROOT))
    with pytest.raises(CheckpointError):
        verify_note(note, keys[1])
    with pytest.raises(MalformedNoteError):
        parse_note(note)


def test_a_root_of_the_wrong_length_is_malformed() -> None:
    with pytest.raises(MalformedNoteError, match="32 bytes"):
        parse_checkpoint(f"{ORIGIN}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n")


def test_extension_lines_are_parsed_and_signed(keys: tuple[str, str]) -> None:
    body = Checkpoint(ORIGIN, 5, ROOT, ("ext one",)).body()
    note = Signer(keys[0]).sign_text(body)
    assert verify_note(note, keys[1]).extensions == ("ext one",)


@pytest.mark.parametrize(
    "key",
    [
        "",
        GO_VKEY.replace("c74f20a3", "c74f20a4"),  # key id does not match the key
        GO_VKEY.replace("+ARpc", "+AhpC"),  # not an Ed25519 key (type byte 0x02)
        GO_VKEY[:-4],
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_unusable_verifier_keys_are_refused(key: str) -> None:
    with pytest.raises(MalformedNoteError):
        parse_vkey(key)


@pytest.mark.parametrize("skey", ["", GO_VKEY, GO_SKEY.replace("c74f20a3", "00000000")])
def test_unusable_signer_keys_are_refused(skey: str) -> None:
    with pytest.raises(MalformedNoteError):
        Signer(skey)


@pytest.mark.parametrize("name", ["", "has space", "plus+sign"])
def test_key_names_follow_the_note_rules(name: str) -> None:
    with pytest.raises(MalformedNoteError):
        generate_signer(name)


def test_signing_refuses_what_it_could_not_parse(keys: tuple[str, str]) -> None:
    signer = Signer(keys[0])
    with pytest.raises(CheckpointError):
        signer.sign("two\nlines", 1, ROOT)
    with pytest.raises(ValueError):
        signer.sign(ORIGIN, 1, ROOT[:16])
    with pytest.raises(MalformedNoteError):
        signer.sign_text("no final newline")


# --- leaf records ----------------------------------------------------------------------------


def test_leaf_record_is_canonical_json_of_seven_keys() -> None:
    record = leaf_record(
        3,
        17,
        "stream-a",
        2,
        "aggregates.posting:Posting.BidPlaced",
        "2026-11-25T08:00:00.000000Z",
        payload_sha256(b"state"),
    )
    assert record == (
        b'{"leaf_index":3,"payload_sha256":"'
        + hashlib.sha256(b"state").hexdigest().encode()
        + b'","position":17,"recorded_at":"2026-11-25T08:00:00.000000Z","stream_id":"stream-a",'
        b'"stream_version":2,"type":"aggregates.posting:Posting.BidPlaced"}'
    )
    assert sorted(json.loads(record)) == sorted(
        [
            "leaf_index",
            "position",
            "stream_id",
            "stream_version",
            "type",
            "recorded_at",
            "payload_sha256",
        ]
    )


@pytest.mark.parametrize(
    "change",
    [
        {"leaf_index": -1},
        {"position": True},
        {"stream_version": 2**53},
        {"stream_id": ""},
        {"recorded_at": "2026-11-25T08:00:00Z"},
        {"payload_sha256": "AB" * 32},
    ],
)
def test_leaf_record_refuses_values_outside_the_format(change: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "leaf_index": 0,
        "position": 1,
        "stream_id": "s",
        "stream_version": 1,
        "type": "t",
        "recorded_at": "2026-11-25T08:00:00.000000Z",
        "payload_sha256": "ab" * 32,
    }
    with pytest.raises(ValueError):
        leaf_record(**(fields | change))  # type: ignore[arg-type]


def test_recorded_at_is_utc_with_microseconds() -> None:
    moment = datetime(2026, 11, 25, 16, 0, tzinfo=timezone(timedelta(hours=8)))
    assert format_recorded_at(moment) == "2026-11-25T08:00:00.000000Z"
    assert format_recorded_at(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.000006Z"
    )
    with pytest.raises(ValueError):
        format_recorded_at(datetime(2026, 1, 1))
