"""The `market` commands that write data: migrate, demo, accounts create."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from aggregates.errors import DomainError
from aggregates.text import check_text
from aggregates.values import Category, CreditCode, Region, generate_credit_code
from marketplace.bootstrap import Services, open_services
from marketplace.demo.load import DEMO_PASSWORD, demo_accounts, load_demo
from marketplace.settings import Settings


def settings_of(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    return Settings(**overrides)


def show_demo(services: Services) -> None:
    written = load_demo(services.app)
    if written:
        print(f"Demo data loaded ({written} commands). Password for every demo account:")
    else:
        print("Demo data already present. Password for every demo account:")
    print(f"  {DEMO_PASSWORD}")
    for kind, name, code in demo_accounts():
        print(f"  {kind:<10} {code}  {name}")


def cmd_migrate(args: argparse.Namespace) -> int:
    services = open_services(settings_of(args))  # migrates on open
    services.close()
    print("Schema is up to date.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    services = open_services(settings_of(args))
    try:
        show_demo(services)
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
        region = Region.parse(args.region).code
        if args.credit_code.strip().lower() == "auto":  # a public institution (事业单位) code
            credit_code = generate_credit_code("12", region)
        else:
            credit_code = CreditCode.parse(args.credit_code).value
        industry = Category.parse(args.industry).code if args.industry else None
        name = check_text(args.name, "name")
    except DomainError as error:
        print(f"error: {error.en} / {error.zh}", file=sys.stderr)
        return 2
    services = open_services(settings_of(args))
    try:
        outcome = services.app.register_organization(
            kind=args.kind, name=name, credit_code=credit_code, region=region,
            industry=industry, contact=None, password=password,
        )  # fmt: skip
    except DomainError as error:
        print(f"error: {error.en} / {error.zh}", file=sys.stderr)
        return 1
    finally:
        services.close()
    print(f"Created {args.kind} {args.name} with id {outcome.aggregate.id}")
    print(f"Credit code (sign in with it): {credit_code}")
    return 0
