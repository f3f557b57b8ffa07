"""Offline verifier of an exported audit bundle (`python -m marketplace.audit.verifier`).

Needs only the standard library, `rfc8785` and `cryptography`, so an auditor can run it on a
machine of their own against a bundle written by `market audit export DIR`.

Bundle layout (UTF-8 files in DIR; JSON Lines = one JSON object per line, "\\n"-terminated):

- `events.jsonl`: the event table in position order, one object per event:
  `{"position": int, "stream_id": str, "stream_version": int, "topic": str,
  "state_b64": str}` (`state_b64` = standard base64 of the stored state bytes).
- `leaves.jsonl`: the audit leaves in leaf order, one object per leaf:
  `{"leaf_index": int, "position": int, "stream_id": str, "stream_version": int,
  "type": str, "recorded_at": str, "payload_sha256": str, "leaf_hash": str}`
  (`type` = the event's topic, `payload_sha256` and `leaf_hash` lowercase hex; the first seven
  keys are the leaf record of DESIGN.md, see records.py). Line i of both files describes the
  same event. Further keys in either file are ignored (and so not verified).
- Either file may instead be gzipped as `events.jsonl.gz` / `leaves.jsonl.gz` (`market audit
  export --compress`); the `.gz` is read when it is there.
- `checkpoint.txt`: the latest signed checkpoint (C2SP signed note, see checkpoint.py). Leaves
  after its tree size are checked for internal consistency but no signature covers them yet.
- `public_key.txt`: the server's verifier key: informational only, since trust comes from
  `--trusted-key` (a key string, or a file holding one).

Checks, in this order, each failure with its own exit code (`Exit`):

 0 OK              every check passed; the checkpoint is then stored in the state directory.
 2 USAGE           bad arguments: no such bundle directory, unusable trusted key, unreadable
                   or unparsable `--since` file.
 3 MALFORMED       a bundle file is missing or unparsable (bad JSON, missing or mistyped keys,
                   bad base64 or hex, a note that is not a checkpoint).
 4 SIGNATURE       the checkpoint (or the `--since` checkpoint) is not signed by the trusted key.
 5 SEQUENCE        leaf indices are not 0..n-1, positions are not strictly increasing, an
                   event has no leaf or a leaf no event (rows deleted, inserted or reordered).
 6 EVENT_MISMATCH  an event's stream_id, stream_version or topic differs from its leaf, or the
                   SHA-256 of its state is not the leaf's payload_sha256 (event altered).
 7 LEAF_HASH       a leaf_hash is not leaf_hash(leaf_record(...)) (leaf altered).
 8 ROOT            the root of the first tree_size leaves is not the checkpoint's root, or
                   the checkpoint counts more leaves than the bundle has.
 9 CONSISTENCY     a previously trusted checkpoint of the same log (`--since FILE`, else every
                   checkpoint stored in the state directory for this origin) is not reproduced
                   by the bundle's leaves: the log was rewritten, truncated or forked.

A log is only tamper-evident against heads someone else kept: on success the verified
checkpoint (and a `--since` one) is stored as `<state>/<quoted origin>/<tree_size>.txt` (state
directory: `--state`, else `$XDG_STATE_HOME/market-auditor`, else
`~/.local/state/market-auditor`; a different note of the same size is kept beside it as
`<tree_size>-<8 hex>.txt`, never overwritten), and later runs without `--since` check
consistency against every stored head of that origin. Memory: only the 32-byte leaf and
subtree hashes are held; the JSON files are streamed, in chunks checked by one worker process
per CPU (parallel.py), in order.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from marketplace.audit.verify.bundle import BundleError, Exit, scan_bundle
from marketplace.audit.verify.checkpoint import Checkpoint
from marketplace.audit.verify.heads import default_state_dir, store, stored_heads
from marketplace.audit.verify.merkle import consistency_proof, verify_consistency
from marketplace.audit.verify.tree import MemoryTree
from marketplace.audit.verify.trust import (
    _bundle_checkpoint,
    _since_checkpoint,
    _trusted_key,
    load_trusted_key,
)

__all__ = ["BundleError", "Exit", "VerifyResult", "load_trusted_key", "main", "verify_bundle"]


@dataclass(frozen=True)
class VerifyResult:
    exit: Exit
    message: str
    checkpoint: Checkpoint | None = None
    leaves: int = 0
    leaf_index: int | None = None  # the first offending leaf, when one can be named
    position: int | None = None  # the first offending event position, when one can be named
    trusted: tuple[Checkpoint, ...] = ()  # earlier heads the log was found consistent with
    stored: Path | None = None
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.exit is Exit.OK


def verify_bundle(
    bundle_dir: Path,
    trusted_vkey: str,
    since: Path | None = None,
    state_dir: Path | None = None,
) -> VerifyResult:
    """Verify the bundle in `bundle_dir` against `trusted_vkey` (a verifier key string)."""
    try:
        return _verify(Path(bundle_dir), trusted_vkey, since, state_dir or default_state_dir())
    except BundleError as error:
        return VerifyResult(error.exit, str(error), None, 0, error.leaf_index, error.position)


def _verify(bundle: Path, vkey: str, since: Path | None, state: Path) -> VerifyResult:
    key = _trusted_key(vkey)
    if not bundle.is_dir():
        raise BundleError(Exit.USAGE, f"{bundle} is not a directory")
    note, checkpoint = _bundle_checkpoint(bundle, key)
    warnings: list[str] = []
    if since is not None:
        heads = [_since_checkpoint(since, key, checkpoint.origin)]
    else:
        heads = stored_heads(state, checkpoint.origin, key, warnings)
    tree = scan_bundle(bundle)
    _check_root(tree, checkpoint)
    for _, head in heads:
        _check_consistency(tree, head, checkpoint)
    stored = store(state, [*heads, (note, checkpoint)] if since else [(note, checkpoint)], warnings)
    if not heads:
        warnings.append(
            f"no earlier checkpoint of {checkpoint.origin} known: consistency unchecked"
        )
    if len(tree) > checkpoint.tree_size:
        warnings.append(
            f"{len(tree) - checkpoint.tree_size} leaves after the checkpoint are unsigned"
        )
    trusted = tuple(head for _, head in heads)
    message = _success_message(len(tree), checkpoint, trusted)
    return VerifyResult(
        Exit.OK, message, checkpoint, len(tree), None, None, trusted, stored, tuple(warnings)
    )


def _success_message(leaves: int, checkpoint: Checkpoint, trusted: tuple[Checkpoint, ...]) -> str:
    sizes = ", ".join(str(head.tree_size) for head in trusted) or "none"
    return (
        f"OK: {leaves} leaves; checkpoint {checkpoint.origin} at tree size "
        f"{checkpoint.tree_size} (root {checkpoint.root.hex()}) verified; consistent with "
        f"earlier trusted checkpoints at sizes: {sizes}"
    )


# --- root and consistency ----------------------------------------------------------------


def _check_root(tree: MemoryTree, checkpoint: Checkpoint) -> None:
    if checkpoint.tree_size > len(tree):
        raise BundleError(
            Exit.ROOT,
            f"the checkpoint covers {checkpoint.tree_size} leaves, the bundle has {len(tree)}",
        )
    if tree.root(checkpoint.tree_size) != checkpoint.root:
        raise BundleError(
            Exit.ROOT,
            f"the root of the first {checkpoint.tree_size} leaves is not the signed root "
            f"{checkpoint.root.hex()}: leaves were altered, inserted or removed after signing",
        )


def _check_consistency(tree: MemoryTree, old: Checkpoint, new: Checkpoint) -> None:
    if old.tree_size > len(tree):
        raise BundleError(
            Exit.CONSISTENCY,
            f"a trusted checkpoint has {old.tree_size} leaves but the bundle only {len(tree)}: "
            "the log was truncated, or this bundle is older than a head already verified",
        )
    small, large = sorted((old, new), key=lambda head: head.tree_size)
    proof = consistency_proof(tree, small.tree_size, large.tree_size)
    proven = verify_consistency(small.tree_size, large.tree_size, small.root, large.root, proof)
    if not proven or tree.root(old.tree_size) != old.root:
        raise BundleError(
            Exit.CONSISTENCY,
            f"the log was rewritten: its first {old.tree_size} leaves no longer hash to the "
            f"trusted root {old.root.hex()} (no consistency from size {small.tree_size} to "
            f"{large.tree_size})",
        )


# --- command line ------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m marketplace.audit.verifier",
        description="Verify an exported audit bundle offline against a trusted log key.",
    )
    parser.add_argument("dir", type=Path, metavar="DIR", help="the exported bundle")
    parser.add_argument(
        "--trusted-key",
        required=True,
        metavar="KEY_OR_FILE",
        help="the log's verifier key (<name>+<key id>+<key>), or a file holding it",
    )
    parser.add_argument(
        "--since",
        type=Path,
        metavar="CHECKPOINT_FILE",
        help="an earlier checkpoint you trust (default: every one kept in the state directory)",
    )
    parser.add_argument(
        "--state",
        type=Path,
        metavar="DIR",
        help="where verified checkpoints are kept (default: $XDG_STATE_HOME/market-auditor)",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return Exit.OK if exit_.code == 0 else Exit.USAGE
    try:
        key = load_trusted_key(args.trusted_key)
    except BundleError as error:
        print(error, file=sys.stderr)
        return error.exit
    result = verify_bundle(args.dir, key, args.since, args.state)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        result.message if result.ok else f"FAILED ({result.exit.name}): {result.message}",
        file=sys.stdout if result.ok else sys.stderr,
    )
    return int(result.exit)


if __name__ == "__main__":
    raise SystemExit(main())
