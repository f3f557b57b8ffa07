"""The `market` command line: serve, migrate, accounts, demo."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from aggregates.errors import DomainError
from aggregates.values import Category, CreditCode, Region
from marketplace.bootstrap import Services, open_services
from marketplace.demo import DEMO_PASSWORD, demo_accounts, load_demo
from marketplace.settings import Settings

log = logging.getLogger("market")


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    return Settings(**overrides)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.main import create_app

    settings = _settings(args, host=args.host, port=args.port)
    services = open_services(settings)
    try:
        services.start_projections()
        if args.demo:
            _load_demo(services)
        print(f"Serving on http://{settings.host}:{settings.port}  (API docs: /docs)", flush=True)
        uvicorn.run(
            create_app(services), host=settings.host, port=settings.port, log_level=args.log_level
        )
    finally:
        services.close()
    return 0


def _load_demo(services: Services) -> None:
    written = load_demo(services.app)
    if written:
        print(f"Demo data loaded ({written} commands). Password for every demo account:")
    else:
        print("Demo data already present. Password for every demo account:")
    print(f"  {DEMO_PASSWORD}")
    for kind, name, code in demo_accounts():
        print(f"  {kind:<10} {code}  {name}")


def cmd_migrate(args: argparse.Namespace) -> int:
    services = open_services(_settings(args))  # migrates on open
    services.close()
    print("Schema is up to date.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    services = open_services(_settings(args))
    try:
        _load_demo(services)
    finally:
        services.close()
    return 0


def cmd_accounts_create(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        print("error: the password (read from standard input) needs at least 10 characters",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        credit_code = CreditCode.parse(args.credit_code).value
        region = Region.parse(args.region).code
        industry = Category.parse(args.industry).code if args.industry else None
    except DomainError as error:
        print(f"error: {error.en} / {error.zh}", file=sys.stderr)
        return 2
    services = open_services(_settings(args))
    try:
        outcome = services.app.register_organization(
            kind=args.kind, name=args.name, credit_code=credit_code, region=region,
            industry=industry, contact=None, password=password,
        )  # fmt: skip
    except DomainError as error:
        print(f"error: {error.en} / {error.zh}", file=sys.stderr)
        return 1
    finally:
        services.close()
    print(f"Created {args.kind} {args.name} with id {outcome.aggregate.id}")
    return 0


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
    serve.set_defaults(func=cmd_serve)
    command("migrate", "create or update the database schema").set_defaults(func=cmd_migrate)
    command("demo", "load the demo data").set_defaults(func=cmd_demo)

    accounts = commands.add_parser("accounts", help="operator and auditor accounts")
    account_commands = accounts.add_subparsers(dest="accounts_command", required=True)
    create = account_commands.add_parser("create", help="password is read from standard input")
    create.add_argument("--data-dir", type=Path, default=None)
    create.add_argument("--kind", required=True, choices=["operator", "auditor"])
    create.add_argument("--name", required=True)
    create.add_argument("--credit-code", required=True)
    create.add_argument("--region", default="110000", help="6-digit GB/T 2260 code")
    create.add_argument("--industry", default=None, help="GB/T 4754 division, e.g. L72")
    create.set_defaults(func=cmd_accounts_create)
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
