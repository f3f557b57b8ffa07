"""The offline bundle verifier (marketplace.audit.verifier): one test per kind of tampering."""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from marketplace.audit.verify import bundle as bundle_module
from marketplace.audit.verify.checkpoint import Signer, generate_signer
from marketplace.audit.verify.merkle import leaf_hash
from marketplace.audit.verify.records import leaf_record, payload_sha256
from marketplace.audit.verify.tree import MemoryTree
from marketplace.audit.verify.verifier import Exit, VerifyResult, main, verify_bundle

ORIGIN = "sme-marketplace/test"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Row:
    position: int
    stream_id: str
    stream_version: int
    topic: str
    state: bytes
    recorded_at: str


def make_rows(count: int) -> list[Row]:
    """Events of three streams; positions skip every fifth number, as notification ids may."""
    positions = [p for p in range(1, 2 * count) if p % 5][:count]
    return [
        Row(
            position,
            f"stream-{index % 3}",
            index // 3 + 1,
            "aggregates.posting:Posting.Created"
            if index < 3
            else "aggregates.posting:Posting.BidPlaced",
            json.dumps({"n": index, "text": "供需对接"}).encode(),
            f"2026-11-25T08:00:{index % 60:02d}.{index:06d}Z",
        )
        for index, position in enumerate(positions)
    ]


def event_line(row: Row) -> dict[str, Any]:
    return {
        "position": row.position,
        "stream_id": row.stream_id,
        "stream_version": row.stream_version,
        "topic": row.topic,
        "state_b64": base64.b64encode(row.state).decode(),
    }


def leaf_line(index: int, row: Row) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "leaf_index": index,
        "position": row.position,
        "stream_id": row.stream_id,
        "stream_version": row.stream_version,
        "type": row.topic,
        "recorded_at": row.recorded_at,
        "payload_sha256": payload_sha256(row.state),
    }
    return fields | {"leaf_hash": leaf_hash(leaf_record(**fields)).hex()}


def write_jsonl(path: Path, objects: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects), "utf-8")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def write_bundle(directory: Path, rows: list[Row], skey: str, tree_size: int | None = None) -> Path:
    """A consistent bundle of `rows`, its checkpoint signed over the first `tree_size` leaves."""
    directory.mkdir(parents=True, exist_ok=True)
    leaves = [leaf_line(index, row) for index, row in enumerate(rows)]
    write_jsonl(directory / "events.jsonl", [event_line(row) for row in rows])
    write_jsonl(directory / "leaves.jsonl", leaves)
    tree = MemoryTree(bytes.fromhex(leaf["leaf_hash"]) for leaf in leaves)
    size = len(rows) if tree_size is None else tree_size
    signer = Signer(skey)
    (directory / "checkpoint.txt").write_text(signer.sign(ORIGIN, size, tree.root(size)), "utf-8")
    (directory / "public_key.txt").write_text(signer.vkey + "\n", "utf-8")
    return directory


def edit_lines(path: Path, edit: Callable[[list[dict[str, Any]]], object]) -> None:
    objects = read_jsonl(path)
    edit(objects)
    write_jsonl(path, objects)


@pytest.fixture(autouse=True, params=["one process", "two processes, chunks of 4 rows"])
def workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test twice: as one sequential scan, and in chunks that cut the 12-row bundles at
    rows 4 and 8, checked in two worker processes; both must find exactly the same."""
    if request.param != "one process":
        monkeypatch.setattr(bundle_module, "CHUNK", 4)
        monkeypatch.setattr(bundle_module, "default_workers", lambda: 2)
    else:
        monkeypatch.setattr(bundle_module, "default_workers", lambda: 1)


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return generate_signer(ORIGIN)


@pytest.fixture
def bundle(tmp_path: Path, keys: tuple[str, str]) -> Path:
    return write_bundle(tmp_path / "bundle", make_rows(12), keys[0])


def verify(bundle: Path, vkey: str, state: Path, since: Path | None = None) -> VerifyResult:
    return verify_bundle(bundle, vkey, since, state)


# --- the genuine bundle ------------------------------------------------------------------


def test_a_genuine_bundle_verifies_and_its_head_is_stored(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.OK, result.message
    assert result.checkpoint is not None and result.checkpoint.tree_size == result.leaves == 12
    assert result.stored == tmp_path / "state" / "sme-marketplace%2Ftest" / "12.txt"
    assert result.stored.read_text("utf-8") == (bundle / "checkpoint.txt").read_text("utf-8")
    assert any("consistency unchecked" in warning for warning in result.warnings)


def compress(bundle: Path) -> None:
    """As `market audit export --compress` writes them: events.jsonl.gz and leaves.jsonl.gz."""
    for name in ("events.jsonl", "leaves.jsonl"):
        path = bundle / name
        (bundle / f"{name}.gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()


def test_a_compressed_bundle_verifies(bundle: Path, keys: tuple[str, str], tmp_path: Path) -> None:
    compress(bundle)
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.OK, result.message
    assert result.leaves == 12


def test_a_tampered_compressed_bundle_fails(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    edit_lines(bundle / "events.jsonl", lambda objs: objs[9].update(stream_version=7))
    compress(bundle)
    result = verify(bundle, keys[1], tmp_path / "state")
    assert (result.exit, result.leaf_index) == (Exit.EVENT_MISMATCH, 9)


def test_a_compressed_bundle_cut_short_is_malformed(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    compress(bundle)
    packed = (bundle / "leaves.jsonl.gz").read_bytes()
    (bundle / "leaves.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.MALFORMED


def test_the_command_line_reads_the_trusted_key_from_a_file(
    bundle: Path, keys: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "trusted.pub"
    key_file.write_text(keys[1] + "\n")
    assert main([str(bundle), "--trusted-key", str(key_file), "--state", str(tmp_path / "s")]) == 0
    assert capsys.readouterr().out.startswith("OK: 12 leaves")
    assert main([str(bundle), "--trusted-key", keys[1], "--state", str(tmp_path / "s")]) == 0


def test_leaves_after_the_checkpoint_are_reported_unsigned(
    tmp_path: Path, keys: tuple[str, str]
) -> None:
    bundle = write_bundle(tmp_path / "b", make_rows(12), keys[0], tree_size=10)
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.OK
    assert "2 leaves after the checkpoint are unsigned" in result.warnings


# --- usage and malformed bundles ---------------------------------------------------------


def test_usage_errors(bundle: Path, keys: tuple[str, str], tmp_path: Path) -> None:
    assert verify(bundle, "not a key", tmp_path).exit is Exit.USAGE
    assert verify(tmp_path / "missing", keys[1], tmp_path).exit is Exit.USAGE
    assert verify(bundle, keys[1], tmp_path, since=tmp_path / "nope.txt").exit is Exit.USAGE
    assert main([str(bundle)]) == Exit.USAGE  # --trusted-key is required


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: (b / "checkpoint.txt").unlink(),
        lambda b: (b / "leaves.jsonl").unlink(),
        lambda b: (b / "checkpoint.txt").write_text("not a note\n"),
        lambda b: (b / "events.jsonl").write_text('{"position": 1,\n'),
        lambda b: edit_lines(b / "events.jsonl", lambda objs: objs[2].pop("topic")),
        lambda b: edit_lines(b / "events.jsonl", lambda objs: objs[2].update(state_b64="%%%")),
        lambda b: edit_lines(b / "leaves.jsonl", lambda objs: objs[2].update(position="7")),
        lambda b: edit_lines(b / "leaves.jsonl", lambda objs: objs[2].update(leaf_hash="AB" * 32)),
        lambda b: edit_lines(
            b / "leaves.jsonl", lambda objs: objs[2].update(recorded_at="yesterday")
        ),
    ],
)
def test_unparsable_bundles_are_malformed(
    bundle: Path, keys: tuple[str, str], tmp_path: Path, damage: Callable[[Path], object]
) -> None:
    damage(bundle)
    assert verify(bundle, keys[1], tmp_path / "state").exit is Exit.MALFORMED


def test_duplicate_json_keys_are_malformed(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    lines = (bundle / "events.jsonl").read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace('{"position": ', '{"position": 999, "position": ', 1)
    (bundle / "events.jsonl").write_text("".join(lines))
    assert verify(bundle, keys[1], tmp_path / "state").exit is Exit.MALFORMED


# --- tampering -----------------------------------------------------------------------------


def test_an_altered_state_byte_is_an_event_mismatch(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    def alter(objects: list[dict[str, Any]]) -> None:
        state = bytearray(base64.b64decode(objects[4]["state_b64"]))
        state[3] ^= 0x01
        objects[4]["state_b64"] = base64.b64encode(bytes(state)).decode()

    edit_lines(bundle / "events.jsonl", alter)
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.EVENT_MISMATCH
    assert (result.leaf_index, result.position) == (4, make_rows(12)[4].position)
    assert "state SHA-256" in result.message


def test_an_altered_topic_is_an_event_mismatch(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    edit_lines(bundle / "events.jsonl", lambda objs: objs[6].update(topic="x:Forged"))
    assert verify(bundle, keys[1], tmp_path / "state").exit is Exit.EVENT_MISMATCH


def test_a_deleted_event_line_breaks_the_sequence(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    edit_lines(bundle / "events.jsonl", lambda objs: objs.pop(5))
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.SEQUENCE
    assert result.position == make_rows(12)[5].position
    assert "deleted" in result.message


def test_a_deleted_event_and_leaf_break_the_sequence(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    edit_lines(bundle / "events.jsonl", lambda objs: objs.pop(5))
    edit_lines(bundle / "leaves.jsonl", lambda objs: objs.pop(5))
    result = verify(bundle, keys[1], tmp_path / "state")
    assert (result.exit, result.leaf_index) == (Exit.SEQUENCE, 5)  # leaf_index 6 where 5 is due


def test_a_missing_last_leaf_breaks_the_sequence(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    edit_lines(bundle / "leaves.jsonl", lambda objs: objs.pop())
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.SEQUENCE
    assert "has no leaf" in result.message


def test_positions_that_do_not_increase_break_the_sequence_also_across_chunks(
    tmp_path: Path, keys: tuple[str, str]
) -> None:
    """Row 4 opens the second chunk (of 4 rows): its position repeats row 3's, in the last one.
    The checkpoint signs the first 4 leaves only, so no signed root can catch it first."""
    rows = make_rows(12)
    rows[4] = replace(rows[4], position=rows[3].position)
    bundle = write_bundle(tmp_path / "bundle", rows, keys[0], tree_size=4)
    result = verify(bundle, keys[1], tmp_path / "state")
    assert (result.exit, result.leaf_index) == (Exit.SEQUENCE, 4), result.message
    assert "follows position" in result.message


def forged_row() -> Row:
    """An event in the gap at position 5 (make_rows skips multiples of five)."""
    return Row(5, "stream-forged", 1, "x:Forged", b"{}", "2026-11-25T08:00:04.500000Z")


def test_an_inserted_event_and_leaf_break_the_sequence(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    """Naive insertion: the forged leaf takes index 4 and the original leaves keep theirs, so
    the next leaf repeats index 4 where 5 is due: SEQUENCE (5)."""
    edit_lines(bundle / "events.jsonl", lambda objs: objs.insert(4, event_line(forged_row())))
    edit_lines(bundle / "leaves.jsonl", lambda objs: objs.insert(4, leaf_line(4, forged_row())))
    result = verify(bundle, keys[1], tmp_path / "state")
    assert (result.exit, result.leaf_index) == (Exit.SEQUENCE, 5)


def test_an_inserted_event_with_renumbered_leaves_breaks_the_root(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    """Careful forgery: every later leaf is renumbered and rehashed, so each row agrees with
    itself and the sequence is gap-free; only the signed root, which the forger cannot
    re-sign, tells: ROOT (8)."""
    rows = make_rows(12)
    forged = [*rows[:4], forged_row(), *rows[4:]]
    write_jsonl(bundle / "events.jsonl", [event_line(row) for row in forged])
    write_jsonl(bundle / "leaves.jsonl", [leaf_line(i, row) for i, row in enumerate(forged)])
    assert verify(bundle, keys[1], tmp_path / "state").exit is Exit.ROOT


def test_an_event_altered_with_its_leaf_rehashed_breaks_the_root(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    rows = make_rows(12)
    rows[2] = replace(rows[2], state=b'{"amount": "9999999"}')
    write_jsonl(bundle / "events.jsonl", [event_line(row) for row in rows])
    write_jsonl(bundle / "leaves.jsonl", [leaf_line(i, row) for i, row in enumerate(rows)])
    assert verify(bundle, keys[1], tmp_path / "state").exit is Exit.ROOT


@pytest.mark.parametrize("name", ["events.jsonl", "leaves.jsonl"])
def test_swapped_lines_break_the_sequence(
    bundle: Path, keys: tuple[str, str], tmp_path: Path, name: str
) -> None:
    def swap(objects: list[dict[str, Any]]) -> None:
        objects[3], objects[7] = objects[7], objects[3]

    edit_lines(bundle / name, swap)
    result = verify(bundle, keys[1], tmp_path / "state")
    assert (result.exit, result.leaf_index) == (Exit.SEQUENCE, 3)


def test_an_altered_leaf_hash_is_detected(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    edit_lines(bundle / "leaves.jsonl", lambda objs: objs[8].update(leaf_hash="00" * 32))
    result = verify(bundle, keys[1], tmp_path / "state")
    assert (result.exit, result.leaf_index) == (Exit.LEAF_HASH, 8)


def test_an_altered_leaf_field_is_detected(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    edit_lines(
        bundle / "leaves.jsonl",
        lambda objs: objs[1].update(recorded_at="2020-01-01T00:00:00.000000Z"),
    )
    assert verify(bundle, keys[1], tmp_path / "state").exit is Exit.LEAF_HASH


def test_a_checkpoint_signed_by_another_key_is_refused(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    other_skey, other_vkey = generate_signer(ORIGIN)
    write_bundle(bundle, make_rows(12), other_skey)
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.SIGNATURE
    assert other_vkey in result.message  # the bundle's own public_key.txt, named as a hint


def test_a_checkpoint_beyond_the_leaves_is_refused(tmp_path: Path, keys: tuple[str, str]) -> None:
    bundle = write_bundle(tmp_path / "b", make_rows(12), keys[0])
    root = MemoryTree(bytes.fromhex(o["leaf_hash"]) for o in read_jsonl(bundle / "leaves.jsonl"))
    (bundle / "checkpoint.txt").write_text(Signer(keys[0]).sign(ORIGIN, 13, root.root()))
    assert verify(bundle, keys[1], tmp_path / "state").exit is Exit.ROOT


# --- consistency with earlier heads ---------------------------------------------------------


@pytest.fixture
def older_head(tmp_path: Path, keys: tuple[str, str]) -> Path:
    """A genuine checkpoint of the first 5 events, kept by the auditor."""
    old = write_bundle(tmp_path / "old", make_rows(5), keys[0])
    kept = tmp_path / "kept-checkpoint.txt"
    kept.write_text((old / "checkpoint.txt").read_text("utf-8"), "utf-8")
    return kept


def rewritten_bundle(directory: Path, skey: str) -> Path:
    """The log with an early event changed and every leaf and the head re-signed."""
    rows = make_rows(12)
    rows[1] = replace(rows[1], state=b'{"amount": "1"}')
    return write_bundle(directory, rows, skey)


def test_since_an_older_genuine_checkpoint_verifies(
    bundle: Path, keys: tuple[str, str], tmp_path: Path, older_head: Path
) -> None:
    state = tmp_path / "state"
    result = verify(bundle, keys[1], state, since=older_head)
    assert result.exit is Exit.OK, result.message
    assert [head.tree_size for head in result.trusted] == [5]
    assert sorted(p.name for p in (state / "sme-marketplace%2Ftest").iterdir()) == [
        "12.txt",
        "5.txt",
    ]


def test_a_log_rewritten_after_a_trusted_checkpoint_is_inconsistent(
    tmp_path: Path, keys: tuple[str, str], older_head: Path
) -> None:
    bundle = rewritten_bundle(tmp_path / "rewritten", keys[0])
    result = verify(bundle, keys[1], tmp_path / "state", since=older_head)
    assert result.exit is Exit.CONSISTENCY
    assert "rewritten" in result.message


def test_heads_stored_by_earlier_runs_catch_a_rewrite(
    bundle: Path, tmp_path: Path, keys: tuple[str, str]
) -> None:
    state = tmp_path / "state"
    first = write_bundle(tmp_path / "first", make_rows(5), keys[0])
    assert verify(first, keys[1], state).exit is Exit.OK
    assert verify(bundle, keys[1], state).trusted[0].tree_size == 5
    rewritten = rewritten_bundle(tmp_path / "rewritten", keys[0])
    assert verify(rewritten, keys[1], state).exit is Exit.CONSISTENCY
    truncated = write_bundle(tmp_path / "truncated", make_rows(8), keys[0])
    result = verify(truncated, keys[1], state)
    assert result.exit is Exit.CONSISTENCY  # a head of 12 leaves was already trusted
    assert "truncated" in result.message


def test_a_fork_never_overwrites_a_stored_head(
    bundle: Path, tmp_path: Path, keys: tuple[str, str], older_head: Path
) -> None:
    """A fork after the `--since` head passes that check, but the genuine head of the same
    size already stored stays, and the next run without `--since` finds the two disagree."""
    state = tmp_path / "state"
    assert verify(bundle, keys[1], state).exit is Exit.OK
    rows = make_rows(12)
    rows[8] = replace(rows[8], state=b'{"forked": true}')
    fork = write_bundle(tmp_path / "fork", rows, keys[0])
    assert verify(fork, keys[1], state, since=older_head).exit is Exit.OK
    stored = {p.name for p in (state / "sme-marketplace%2Ftest").iterdir()}
    assert "12.txt" in stored
    assert len([name for name in stored if re.fullmatch(r"12-[0-9a-f]{8}\.txt", name)]) == 1
    assert verify(bundle, keys[1], state).exit is Exit.CONSISTENCY
    assert verify(fork, keys[1], state).exit is Exit.CONSISTENCY


def test_since_must_be_signed_by_the_trusted_key_and_log(
    bundle: Path, tmp_path: Path, keys: tuple[str, str]
) -> None:
    foreign = tmp_path / "foreign.txt"
    foreign.write_text(Signer(generate_signer(ORIGIN)[0]).sign(ORIGIN, 1, b"\x00" * 32))
    assert verify(bundle, keys[1], tmp_path / "s", since=foreign).exit is Exit.SIGNATURE
    other_log = tmp_path / "other-log.txt"
    other_log.write_text(Signer(keys[0]).sign("sme-marketplace/other", 1, b"\x00" * 32))
    assert verify(bundle, keys[1], tmp_path / "s", since=other_log).exit is Exit.CONSISTENCY


# --- runs on an auditor's machine ----------------------------------------------------------


def test_the_verifier_imports_nothing_but_stdlib_rfc8785_and_cryptography() -> None:
    """In a fresh isolated interpreter: what importing the verifier adds on top of its two
    dependencies is standard library and marketplace.audit (the entry point and verify/) only."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "import rfc8785, cryptography.exceptions;"
        "from cryptography.hazmat.primitives.asymmetric import ed25519;"
        "from cryptography.hazmat.primitives import serialization;"
        "before = set(sys.modules);"
        "import marketplace.audit.verifier;"
        "print(json.dumps([sorted(before), sorted(set(sys.modules) - before)]))"
    )
    run = subprocess.run(
        [sys.executable, "-I", "-c", code, str(PROJECT_ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    before, added = json.loads(run.stdout)
    foreign = {name for name in added if name.split(".")[0] not in sys.stdlib_module_names}
    assert foreign == {
        "marketplace",
        "marketplace.audit",
        "marketplace.audit.verifier",
        "marketplace.audit.verify",
        "marketplace.audit.verify.bundle",
        "marketplace.audit.verify.checkpoint",
        "marketplace.audit.verify.errors",
        "marketplace.audit.verify.heads",
        "marketplace.audit.verify.lines",
        "marketplace.audit.verify.merkle",
        "marketplace.audit.verify.notes",
        "marketplace.audit.verify.parallel",
        "marketplace.audit.verify.records",
        "marketplace.audit.verify.tree",
        "marketplace.audit.verify.trust",
        "marketplace.audit.verify.verifier",
    }
    for heavy in ("psycopg", "eventsourcing", "aggregates", "projections", "fastapi"):
        assert not any(name.split(".")[0] == heavy for name in [*before, *added])


def test_python_dash_m_runs_the_verifier(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    code = (
        "import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'verifier';"
        "runpy.run_module('marketplace.audit.verifier', run_name='__main__', alter_sys=True)"
    )
    command = [sys.executable, "-I", "-W", "error", "-c", code, str(PROJECT_ROOT)]
    arguments = [str(bundle), "--trusted-key", keys[1], "--state", str(tmp_path / "state")]
    run = subprocess.run([*command, *arguments], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("OK: 12 leaves")
    edit_lines(bundle / "leaves.jsonl", lambda objs: objs[8].update(leaf_hash="00" * 32))
    run = subprocess.run([*command, *arguments], capture_output=True, text=True)
    assert run.returncode == Exit.LEAF_HASH
    assert "FAILED (LEAF_HASH): leaf 8" in run.stderr


def test_a_bundle_with_both_plain_and_compressed_files_is_malformed(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    """Which of the two is the log? The verifier does not pick one silently."""
    events = bundle / "events.jsonl"
    (bundle / "events.jsonl.gz").write_bytes(gzip.compress(events.read_bytes()))
    result = verify(bundle, keys[1], tmp_path / "state")
    assert result.exit is Exit.MALFORMED
    assert "events.jsonl.gz" in result.message


def test_a_failure_before_a_damaged_part_of_a_gz_is_reported_first(
    bundle: Path, keys: tuple[str, str], tmp_path: Path
) -> None:
    """Row 2 is tampered with; the compressed leaves break off after row 9. The first failure
    in the log's order is row 2's, however far ahead the files were read."""
    edit_lines(bundle / "events.jsonl", lambda objs: objs[2].update(stream_version=7))
    compress(bundle)
    leaves = gzip.decompress((bundle / "leaves.jsonl.gz").read_bytes())
    damaged = gzip.compress(leaves)
    (bundle / "leaves.jsonl.gz").write_bytes(damaged[: len(damaged) * 3 // 4])
    result = verify(bundle, keys[1], tmp_path / "state")
    assert (result.exit, result.leaf_index) == (Exit.EVENT_MISMATCH, 2), result.message
