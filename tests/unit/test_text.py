"""Control characters: what the domain refuses, and the command line's organization name."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from aggregates.errors import InvalidValueError
from aggregates.text import check_text, has_control_characters, without_control_characters
from cli.data import cmd_accounts_create
from tests.support import new_credit_code


@pytest.mark.parametrize("control", ["\u0000", "\u0001", "\u000b", "\u000c", "\u001b", "\u001f"])
def test_c0_controls_are_refused(control: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        check_text(f"a{control}b", "name")
    assert refused.value.field == "name"
    assert refused.value.code == "control_characters"
    assert without_control_characters(f"a{control}b") == "ab"


def test_tab_line_feed_carriage_return_and_others_are_text() -> None:
    text = "a\tb\nc\r\nd \u007f é 中文 \u2028"
    assert not has_control_characters(text)
    assert check_text(text, "name") == text


def test_the_command_line_refuses_a_name_with_control_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long operator password\n"))
    args = argparse.Namespace(
        kind="operator",
        name="evil\u0000centre",
        credit_code=new_credit_code(),
        region="330106",
        industry=None,
        data_dir=tmp_path,
    )
    assert cmd_accounts_create(args) == 2  # refused before any database is opened
    assert "control characters" in capsys.readouterr().err
