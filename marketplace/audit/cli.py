"""`market audit verify | export | verify-bundle`: the audit commands of the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from marketplace.audit import export, online
from marketplace.audit.verify import verifier
from marketplace.audit.verify.bundle import BundleError
from marketplace.bootstrap import Services, open_services
from marketplace.settings import Settings


def add_audit_commands(subparsers: Any) -> None:
    """Add `audit` and its three commands to the `market` subparsers."""
    audit = subparsers.add_parser("audit", help="verify and export the audit log")
    commands = audit.add_subparsers(dest="audit_command", required=True)

    check = commands.add_parser(
        "verify", help="check event table ↔ leaves ↔ latest signed checkpoint in the database"
    )
    check.add_argument("--data-dir", type=Path, default=None, help="default ./.market")
    check.add_argument(
        "--trusted-key",
        metavar="KEY_OR_FILE",
        default=None,
        help="verifier key to trust (default: the public half of the data directory's key)",
    )
    check.set_defaults(func=cmd_verify)

    dump = commands.add_parser("export", help="write events, leaves, checkpoints and key to DIR")
    dump.add_argument("dir", type=Path, metavar="DIR", help="a new or empty directory")
    dump.add_argument("--data-dir", type=Path, default=None, help="default ./.market")
    dump.add_argument(
        "--compress",
        action="store_true",
        help="write events.jsonl.gz and leaves.jsonl.gz (gzip; verify-bundle reads either)",
    )
    dump.set_defaults(func=cmd_export)

    offline = commands.add_parser(
        "verify-bundle", help="verify an exported bundle offline (never opens a database)"
    )
    offline.add_argument("dir", type=Path, metavar="DIR", help="the exported bundle")
    offline.add_argument(
        "--trusted-key", required=True, metavar="KEY_OR_FILE", help="the log's verifier key"
    )
    offline.add_argument(
        "--since", type=Path, metavar="CHECKPOINT_FILE", help="an earlier checkpoint you trust"
    )
    offline.add_argument(
        "--state", type=Path, metavar="DIR", help="where verified checkpoints are kept"
    )
    offline.set_defaults(func=cmd_verify_bundle)


def _open(args: argparse.Namespace) -> Services:
    overrides: dict[str, Any] = {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    return open_services(Settings(**overrides))


def cmd_verify(args: argparse.Namespace) -> int:
    try:
        trusted = verifier.load_trusted_key(args.trusted_key) if args.trusted_key else None
    except BundleError as error:
        print(f"error: {error}", file=sys.stderr)
        return int(error.exit)
    services = _open(args)
    try:
        with services.db.connection() as conn:
            result = online.verify(conn, trusted or services.signer.vkey)
    finally:
        services.close()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not result.ok:
        print(f"FAILED ({result.exit.name}): {result.message}", file=sys.stderr)
    else:
        print(result.message)
    return int(result.exit)


def cmd_export(args: argparse.Namespace) -> int:
    services = _open(args)
    try:
        with services.db.connection() as conn:
            origin = services.settings.audit_origin
            done = export.export(conn, services.signer, origin, args.dir, progress=sys.stderr,
                                 compress=args.compress)  # fmt: skip
    except export.ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        services.close()
    print(
        f"Exported {done.events} events and {done.leaves} leaves to {done.directory}: tree size"
        f" {done.tree_size}, root {done.root.hex()}; signed heads in {export.HISTORY}/:"
        f" {done.checkpoints}."
    )
    print(f"Log key (check it against a copy you got elsewhere): {services.signer.vkey}")
    return 0


def cmd_verify_bundle(args: argparse.Namespace) -> int:
    """The offline verifier's own command line; no database is opened."""
    argv = [str(args.dir), "--trusted-key", args.trusted_key]
    if args.since is not None:
        argv += ["--since", str(args.since)]
    if args.state is not None:
        argv += ["--state", str(args.state)]
    return verifier.main(argv)
