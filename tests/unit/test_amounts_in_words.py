"""Amounts in Chinese capitals (大写金额): known answers, the zero rules of the People's Bank
of China's rules for payment instruments (their examples included), and the convention chosen
where they allow two, which is the web pages' (web/format.js; the browser test of the contract
download compares the two)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.pdf.amounts_in_words import amount_in_capitals

KNOWN = [
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),  # a ten always with its one
    ("15", "壹拾伍元整"),
    ("110", "壹佰壹拾元整"),
    ("1010", "壹仟零壹拾元整"),
    ("10005", "壹万零伍元整"),
    ("100000", "壹拾万元整"),  # not 拾万元整
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("1409.50", "壹仟肆佰零玖元伍角"),  # the rules' example: no 整 after 角
    ("6007.14", "陆仟零柒元壹角肆分"),  # several zeros: one 零
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),  # zero 角 before 分: 零 after 元
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),  # zero 元 place before 角: not read (allowed)
    ("107000.53", "壹拾万零柒仟元伍角叁分"),  # the rules' example
    ("101000", "壹拾万零壹仟元整"),  # zeros across the 万 place: one 零
    ("100100", "壹拾万零壹佰元整"),
    ("0.05", "伍分"),
    ("0.5", "伍角"),
    ("0.50", "伍角"),
    ("0.55", "伍角伍分"),
    ("1.01", "壹元零壹分"),
    ("100.05", "壹佰元零伍分"),
    ("10000000", "壹仟万元整"),
    ("10000010", "壹仟万零壹拾元整"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("100010000", "壹亿零壹万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("120000000", "壹亿贰仟万元整"),
    ("1000000000000", "壹万亿元整"),
    ("1234500000000", "壹万贰仟叁佰肆拾伍亿元整"),
    ("1010000000", "壹拾亿零壹仟万元整"),
    ("1200005000", "壹拾贰亿零伍仟元整"),
    ("123456789012.34", "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
    ("10000000000000000", "壹亿亿元整"),
    # the largest contract amount (18 whole digits): 99,9999,9999 亿 and the rest
    (
        "999999999999999999.99",
        "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
    ),
    ("1E+3", "壹仟元整"),
]


@pytest.mark.parametrize(("amount", "words"), KNOWN)
def test_known_answers(amount: str, words: str) -> None:
    assert amount_in_capitals(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-1", "0.001", "1.005", "NaN", "Infinity"])
def test_what_is_not_an_amount_of_money_is_refused(amount: str) -> None:
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal(amount))


def test_every_amount_up_to_ten_thousand_reads_back() -> None:
    """Reading the capitals back as a number gives the amount: no digit lost or doubled."""
    for cents in range(0, 1_000_001, 37):
        amount = Decimal(cents) / 100
        assert _read_back(amount_in_capitals(amount)) == amount, amount


def _read_back(words: str) -> Decimal:
    digits = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
    small = {"拾": 10, "佰": 100, "仟": 1000}
    total, group, digit, decimals = 0, 0, 0, Decimal(0)
    for char in words.removesuffix("整"):
        if char in digits:
            digit = digits[char]
        elif char in small:
            group, digit = group + digit * small[char], 0
        elif char == "万":
            total, group, digit = total + (group + digit) * 10_000, 0, 0
        elif char == "元":
            total, group, digit = total + group + digit, 0, 0
        elif char == "角":
            decimals, digit = decimals + Decimal(digit) / 10, 0
        elif char == "分":
            decimals, digit = decimals + Decimal(digit) / 100, 0
    return Decimal(total) + decimals
