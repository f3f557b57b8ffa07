"""Value objects and parsers: credit codes, regions, categories, decimals and currencies.

Every parser accepts untrusted input and raises InvalidValueError (English + Chinese) naming
the field; the dataclasses re-check their invariant so no invalid value can be built.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from aggregates.categories import CATEGORIES
from aggregates.decimals import (
    format_decimal,
    parse_decimal,
    parse_money,
    parse_quantity,
    parse_rate,
)
from aggregates.errors import InvalidValueError
from aggregates.regions import PROVINCES

__all__ = [
    "CATEGORIES",
    "CURRENCIES",
    "PROVINCES",
    "Category",
    "CreditCode",
    "Region",
    "credit_code_check_char",
    "format_decimal",
    "generate_credit_code",
    "make_credit_code",
    "parse_currency",
    "parse_decimal",
    "parse_money",
    "parse_quantity",
    "parse_rate",
    "parse_region_prefix",
]

# --- Unified Social Credit Code (GB 32100-2015) -------------------------------------------

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authority (1st char) → institution types (2nd char) it may issue.
_INSTITUTION_TYPES = {
    "1": "1239", "2": "19", "3": "123459", "4": "19", "5": "1239", "6": "129",
    "7": "129", "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1",
}  # fmt: skip


def credit_code_check_char(first17: str) -> str:
    """The 18th character for a 17-character body (ISO 7064 MOD 31-3 as used by GB 32100)."""
    if len(first17) != 17 or any(c not in CREDIT_CODE_CHARSET for c in first17):
        raise ValueError(f"not a 17-character credit code body: {first17!r}")
    total = sum(
        CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def make_credit_code(first17: str) -> str:
    """A full credit code: the body with its check character appended."""
    return first17 + credit_code_check_char(first17)


def generate_credit_code(institution: str, region: str) -> str:
    """A random credit code that passes the GB 32100 checks, for test and demo accounts:
    `institution` (registration authority and type, e.g. "12" 事业单位, "91" 企业), the 6-digit
    region, 9 random characters in place of the organization code, the check character."""
    body = "".join(secrets.choice(CREDIT_CODE_CHARSET) for _ in range(9))
    code = make_credit_code(institution + region + body)
    _check_credit_code(code, "credit_code")
    return code


def _check_credit_code(code: str, field: str) -> None:
    def refuse(en: str, zh: str) -> InvalidValueError:
        return InvalidValueError(f"credit code {en}", f"统一社会信用代码{zh}", field=field)

    if len(code) != 18:
        raise refuse("must be 18 characters long", "必须为18位")
    if any(c not in CREDIT_CODE_CHARSET for c in code):
        raise refuse(
            "may contain only digits and capital letters other than I, O, S, V and Z",
            "只能包含数字和除 I、O、S、V、Z 以外的大写字母",
        )
    if code[0] not in _INSTITUTION_TYPES:
        raise refuse("registration authority (1st character) is unknown", "登记管理部门代码无效")
    if code[1] not in _INSTITUTION_TYPES[code[0]]:
        raise refuse("institution type (2nd character) is unknown", "机构类别代码无效")
    if not code[2:8].isdigit():
        raise refuse(
            "administrative division (characters 3-8) must be digits",
            "行政区划码（第3-8位）必须为数字",
        )
    if code[17] != credit_code_check_char(code[:17]):
        raise refuse("check character is wrong", "校验位错误")


@dataclass(frozen=True)
class CreditCode:
    value: str

    def __post_init__(self) -> None:
        _check_credit_code(self.value, "credit_code")

    @classmethod
    def parse(cls, text: str, field: str = "credit_code") -> CreditCode:
        code = _require_str(text, field, "credit code", "统一社会信用代码").strip().upper()
        _check_credit_code(code, field)
        return cls(code)


# --- Regions (GB/T 2260) and categories (GB/T 4754-2017) -----------------------------------


def _check_region(code: str, field: str, lengths: tuple[int, ...]) -> None:
    shape = " or ".join(str(n) for n in lengths)
    if len(code) not in lengths or not (code.isascii() and code.isdigit()):
        raise InvalidValueError(
            f'region must be a {shape}-digit administrative division code such as "330106"',
            f"地区必须是 {shape} 位数字的行政区划代码，例如 “330106”",
            field=field,
        )
    if code[:2] not in PROVINCES:
        raise InvalidValueError(
            f'region "{code}" does not start with a province code',
            f"地区代码 “{code}” 的前两位不是有效的省级行政区代码",
            field=field,
        )


def parse_region_prefix(text: str, field: str = "region") -> str:
    """A region prefix for query filters: province (2), city (4) or county (6) digits."""
    code = _require_str(text, field, "region", "地区").strip()
    _check_region(code, field, (2, 4, 6))
    return code


@dataclass(frozen=True)
class Region:
    code: str

    def __post_init__(self) -> None:
        _check_region(self.code, "region", (6,))

    @classmethod
    def parse(cls, text: str, field: str = "region") -> Region:
        code = _require_str(text, field, "region", "地区").strip()
        _check_region(code, field, (6,))
        return cls(code)

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def city(self) -> str:
        return self.code[:4]

    @property
    def province_name_zh(self) -> str:
        return PROVINCES[self.province][0]

    @property
    def province_name_en(self) -> str:
        return PROVINCES[self.province][1]


def _check_category(code: str, field: str) -> None:
    if code not in CATEGORIES:
        raise InvalidValueError(
            'category must be a GB/T 4754-2017 division code such as "C39"',
            "行业类别必须是 GB/T 4754-2017 的大类代码，例如 “C39”",
            field=field,
        )


@dataclass(frozen=True)
class Category:
    code: str

    def __post_init__(self) -> None:
        _check_category(self.code, "category")

    @classmethod
    def parse(cls, text: str, field: str = "category") -> Category:
        code = _require_str(text, field, "category", "行业类别").strip().upper()
        _check_category(code, field)
        return cls(code)

    @property
    def name_zh(self) -> str:
        return CATEGORIES[self.code][0]

    @property
    def name_en(self) -> str:
        return CATEGORIES[self.code][1]


# --- Currencies -----------------------------------------------------------------------------

CURRENCIES = frozenset({"CNY", "USD", "EUR", "HKD", "JPY"})


def parse_currency(text: str, field: str = "currency") -> str:
    """An ISO 4217 code among CURRENCIES, upper-cased."""
    code = _require_str(text, field, "currency", "币种").strip().upper()
    if code not in CURRENCIES:
        allowed = ", ".join(sorted(CURRENCIES))
        raise InvalidValueError(
            f"currency must be one of {allowed}",
            f"币种必须是 {'、'.join(sorted(CURRENCIES))} 之一",
            field=field,
        )
    return code


def _require_str(text: object, field: str, en_name: str, zh_name: str) -> str:
    if not isinstance(text, str):
        raise InvalidValueError(
            f"{en_name} must be a string", f"{zh_name}必须是字符串", field=field
        )
    return text
