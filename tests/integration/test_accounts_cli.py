"""`market accounts create --credit-code auto`: a generated code that passes the GB 32100
checks, printed so that the new operator or auditor can sign in with it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from aggregates.organization import organization_id
from aggregates.values import CreditCode
from cli.main import main
from tests.services import opened_services


def test_auto_makes_a_valid_code_and_prints_it(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MARKET_DATABASE_URL", database_url)
    codes = []
    for name in ("审计组甲", "审计组乙"):
        monkeypatch.setattr("sys.stdin", io.StringIO("a long auditor password\n"))
        argv = ["accounts", "create", "--data-dir", str(tmp_path), "--kind", "auditor"]
        assert main([*argv, "--name", name, "--credit-code", "auto", "--region", "330106"]) == 0
        printed = re.search(r"Credit code \(sign in with it\): (\w{18})", capsys.readouterr().out)
        assert printed is not None
        codes.append(printed[1])
    assert codes[0] != codes[1]
    for code in codes:
        assert CreditCode.parse(code).value == code
        assert code.startswith("12330106")  # a public institution in the region given
    with opened_services(database_url, tmp_path) as services:
        auditor = services.app.get_organization(organization_id(codes[0]))
        assert (auditor.kind, auditor.name) == ("auditor", "审计组甲")
        assert services.security.credit_code_of(auditor.id) == codes[0]
