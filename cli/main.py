"""The `market` command line: serve, project, rebuild, status, migrate, accounts, demo, audit."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from cli.commands import (
    cmd_project,
    cmd_rebuild,
    cmd_serve,
    cmd_status,
)
from cli.data import cmd_accounts_create, cmd_demo, cmd_migrate
from marketplace.audit.cli import add_audit_commands

log = logging.getLogger("market")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="market", description="SME marketplace platform")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--data-dir", type=Path, default=None, help="default ./.market")
        return sub

    serve = command("serve", "run the API, the projections and (if needed) the database")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--demo", action="store_true", help="load demo data if not there yet")
    serve.add_argument(
        "--workers", type=int, default=0, help="N API processes, no projections (see `project`)"
    )
    serve.set_defaults(func=cmd_serve)
    command("project", "run projections, deadlines and checkpoints").set_defaults(func=cmd_project)
    rebuild_cmd = command("rebuild", "rebuild views from the whole log with no downtime")
    rebuild_cmd.add_argument(
        "views", nargs="*", help="organizations, listings, bids (default: all)"
    )
    rebuild_cmd.set_defaults(func=cmd_rebuild)
    status = command("status", "per view: position, lag and the events it could not apply")
    status.add_argument("--json", action="store_true", help="as JSON, like GET /api/v1/status")
    status.set_defaults(func=cmd_status)
    command("migrate", "create or update the database schema").set_defaults(func=cmd_migrate)
    command("demo", "load the demo data").set_defaults(func=cmd_demo)

    accounts = commands.add_parser("accounts", help="operator and auditor accounts")
    account_commands = accounts.add_subparsers(dest="accounts_command", required=True)
    create = account_commands.add_parser("create", help="password is read from standard input")
    create.add_argument("--data-dir", type=Path, default=None)
    create.add_argument("--kind", required=True, choices=["operator", "auditor"])
    create.add_argument("--name", required=True)
    create.add_argument(
        "--credit-code",
        required=True,
        help='18-character unified social credit code, or "auto" for a generated valid one',
    )
    create.add_argument("--region", default="110000", help="6-digit GB/T 2260 code")
    create.add_argument("--industry", default=None, help="GB/T 4754 division, e.g. L72")
    create.set_defaults(func=cmd_accounts_create)
    add_audit_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, args.log_level.upper()), format="%(levelname)s %(name)s %(message)s"
    )
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
