"""Decimal strings: money, quantities and rates are never floats (API.md, "Conventions")."""

from __future__ import annotations

import re
from decimal import Decimal

from aggregates.errors import InvalidValueError

_DECIMAL = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")


class NotANumberError(InvalidValueError):
    """Not a plain decimal string."""

    code = "not_a_number"


class TooManyDigitsError(InvalidValueError):
    """More decimal places or digits than the field allows."""

    code = "too_many_digits"


class OutOfRangeError(InvalidValueError):
    """A number outside the field's bounds."""

    code = "out_of_range"


def parse_decimal(
    text: object,
    field: str,
    *,
    positive: bool = False,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    max_places: int = 2,
    max_digits: int = 18,
) -> Decimal:
    """A Decimal from a plain decimal string; JSON numbers are refused so no float creeps in."""
    if not isinstance(text, str):
        raise NotANumberError(
            f'{field} must be a decimal string such as "12.50"',
            f"{field} 必须是十进制数字字符串，例如 “12.50”",
            field=field,
        )
    match = _DECIMAL.fullmatch(text)
    if match is None:
        raise NotANumberError(
            f'{field} must be a plain decimal number such as "12.50" (no "+", exponent or space)',
            f"{field} 必须是普通十进制数字，例如 “12.50”（不能有 “+” 号、指数或空格）",
            field=field,
        )
    whole, places = match.group(1), match.group(2) or ""
    if len(places) > max_places:
        raise TooManyDigitsError(
            f"{field} allows at most {max_places} decimal places",
            f"{field} 最多允许 {max_places} 位小数",
            field=field,
        )
    if len(whole.lstrip("0")) + len(places) > max_digits:
        raise TooManyDigitsError(
            f"{field} has more than {max_digits} digits",
            f"{field} 的数字位数超过 {max_digits} 位",
            field=field,
        )
    value = Decimal(text)
    if value == 0:
        value = abs(value)  # "-0.00" becomes "0.00": no negative zero is ever stored
    _check_bounds(value, field, positive, min_value, max_value)
    return value


def _check_bounds(
    value: Decimal, field: str, positive: bool, low: Decimal | None, high: Decimal | None
) -> None:
    if positive and value <= 0:
        raise OutOfRangeError(f"{field} must be greater than 0", f"{field} 必须大于 0", field=field)
    if low is not None and value < low:
        raise OutOfRangeError(
            f"{field} must be at least {low}", f"{field} 不能小于 {low}", field=field
        )
    if high is not None and value > high:
        raise OutOfRangeError(
            f"{field} must be at most {high}", f"{field} 不能大于 {high}", field=field
        )


def parse_money(text: object, field: str, *, positive: bool = False) -> Decimal:
    """An amount of money: at most 2 places, never negative (and > 0 if positive)."""
    return parse_decimal(text, field, positive=positive, min_value=Decimal(0), max_places=2)


def parse_quantity(text: object, field: str) -> Decimal:
    """A quantity: greater than 0, at most 6 places."""
    return parse_decimal(text, field, positive=True, max_places=6)


def parse_rate(text: object, field: str) -> Decimal:
    """An annual interest rate in percent: 0 < rate <= 36, at most 4 places."""
    return parse_decimal(text, field, positive=True, max_value=Decimal(36), max_places=4)


def format_decimal(d: Decimal) -> str:
    """The plain string form, never with an exponent; the given places are kept."""
    if not d.is_finite():
        raise ValueError(f"not a finite decimal: {d!r}")
    return format(abs(d) if d == 0 else d, "f")
