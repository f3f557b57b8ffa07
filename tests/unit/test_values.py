"""Value objects: credit codes, regions, categories, decimals and currencies."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregates.errors import InvalidValueError
from aggregates.values import (
    CATEGORIES,
    CURRENCIES,
    PROVINCES,
    Category,
    CreditCode,
    Region,
    credit_code_check_char,
    format_decimal,
    make_credit_code,
    parse_currency,
    parse_decimal,
    parse_money,
    parse_quantity,
    parse_rate,
    parse_region_prefix,
)

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CJK = re.compile(r"[\u4e00-\u9fff]")


def refused(call: Callable[[], object], field: str) -> InvalidValueError:
    with pytest.raises(InvalidValueError) as caught:
        call()
    error = caught.value
    assert error.field == field
    assert error.en and CJK.search(error.zh), "every refusal is bilingual"
    return error


# --- Credit codes ---------------------------------------------------------------------------


def test_published_credit_code_is_accepted() -> None:
    assert CreditCode.parse("91350100M000100Y43").value == "91350100M000100Y43"


def test_credit_code_is_upper_cased_and_stripped() -> None:
    assert CreditCode.parse("  91350100m000100y43\n").value == "91350100M000100Y43"


def test_made_credit_code_is_accepted() -> None:
    code = make_credit_code("91330106MA2GKXXXX")
    assert len(code) == 18
    assert CreditCode.parse(code).value == code


def test_check_value_31_maps_to_zero() -> None:
    assert credit_code_check_char("0" * 17) == "0"


def test_check_char_needs_a_17_character_body() -> None:
    with pytest.raises(ValueError):
        credit_code_check_char("9135010")
    with pytest.raises(ValueError):
        credit_code_check_char("91350100M000100I4")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y433", "18 characters"),
        ("", "18 characters"),
        ("91350100M000100I43", "capital letters"),
        ("91350100M000100O43", "capital letters"),
        ("91350100M000100Z43", "capital letters"),
        ("91350100M000100S43", "capital letters"),
        ("91350100M000100V43", "capital letters"),
        ("91350100M000100-43", "capital letters"),
        ("91350100M000100Y44", "check character"),
    ],
)
def test_bad_credit_code_is_refused(text: str, words: str) -> None:
    error = refused(lambda: CreditCode.parse(text), "credit_code")
    assert words in error.en


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("01350100M000100Y4", "registration authority"),
        ("B1350100M000100Y4", "registration authority"),
        ("94350100M000100Y4", "institution type"),
        ("Y2350100M000100Y4", "institution type"),
        ("913501A0M000100Y4", "administrative division"),
    ],
)
def test_credit_code_with_bad_structure_is_refused(body: str, words: str) -> None:
    error = refused(lambda: CreditCode.parse(make_credit_code(body)), "credit_code")
    assert words in error.en


def test_credit_code_refusal_names_the_given_field() -> None:
    refused(lambda: CreditCode.parse("123", field="buyer_code"), "buyer_code")


def test_non_string_credit_code_is_refused() -> None:
    refused(lambda: CreditCode.parse(913501000), "credit_code")  # type: ignore[arg-type]


def test_credit_code_cannot_be_built_invalid() -> None:
    refused(lambda: CreditCode("91350100M000100Y44"), "credit_code")


_AUTHORITY_AND_TYPE = ["11", "12", "13", "19", "21", "31", "35", "41", "51", "52", "53"]
_AUTHORITY_AND_TYPE += ["59", "62", "71", "81", "91", "92", "93", "A1", "N2", "Y1"]
_bodies = st.builds(
    lambda head, division, org: head + division + org,
    st.sampled_from(_AUTHORITY_AND_TYPE),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=9, max_size=9),
)


@given(_bodies)
def test_made_credit_codes_always_parse(body: str) -> None:
    code = make_credit_code(body)
    assert CreditCode.parse(code).value == code


@given(_bodies, st.integers(0, 17), st.integers(1, 30))
def test_changing_one_character_is_always_refused(body: str, position: int, shift: int) -> None:
    # 31 is prime and no weight is 0 mod 31, so any single substitution changes the check.
    code = make_credit_code(body)
    swapped = CHARSET[(CHARSET.index(code[position]) + shift) % 31]
    mutated = code[:position] + swapped + code[position + 1 :]
    refused(lambda: CreditCode.parse(mutated), "credit_code")


# --- Regions ------------------------------------------------------------------------------


def test_region_parts_and_province_names() -> None:
    region = Region.parse(" 330106 ")
    assert region == Region("330106")
    assert (region.province, region.city) == ("33", "3301")
    assert (region.province_name_zh, region.province_name_en) == ("浙江省", "Zhejiang")


def test_province_table_is_complete() -> None:
    codes = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54"
    codes += " 61 62 63 64 65 71 81 82"
    assert sorted(PROVINCES) == codes.split()
    assert all(CJK.search(zh) and en for zh, en in PROVINCES.values())


@pytest.mark.parametrize("text", ["33010", "3301066", "33010a", "３３０１０６", "", "33 0106"])
def test_malformed_region_is_refused(text: str) -> None:
    refused(lambda: Region.parse(text, field="seller_region"), "seller_region")


@pytest.mark.parametrize("text", ["100000", "990101", "000000", "720000"])
def test_region_outside_known_provinces_is_refused(text: str) -> None:
    error = refused(lambda: Region.parse(text), "region")
    assert "province" in error.en


def test_region_cannot_be_built_invalid() -> None:
    refused(lambda: Region("33"), "region")


@pytest.mark.parametrize("text", ["33", "3301", "330106", "81", " 44 "])
def test_region_prefix_of_2_4_or_6_digits_is_accepted(text: str) -> None:
    assert parse_region_prefix(text) == text.strip()


@pytest.mark.parametrize("text", ["3", "330", "33010", "3301061", "99", "10", "ab"])
def test_bad_region_prefix_is_refused(text: str) -> None:
    refused(lambda: parse_region_prefix(text, field="q"), "q")


# --- Categories -----------------------------------------------------------------------------


def test_category_is_upper_cased_and_named() -> None:
    category = Category.parse(" c39 ")
    assert category == Category("C39")
    assert category.name_zh == "计算机、通信和其他电子设备制造业"
    assert (
        category.name_en == "Manufacture of computers, communication and other electronic equipment"
    )


def test_category_table_holds_the_97_divisions_in_order() -> None:
    assert len(CATEGORIES) == 97
    assert [int(code[1:]) for code in CATEGORIES] == list(range(1, 98))
    assert all(re.fullmatch(r"[A-T][0-9]{2}", code) for code in CATEGORIES)
    sections = [code[0] for code in CATEGORIES]
    assert sections == sorted(sections)
    assert "".join(dict.fromkeys(sections)) == "ABCDEFGHIJKLMNOPQRST"
    assert all(CJK.search(zh) and en for zh, en in CATEGORIES.values())
    assert len({zh for zh, _ in CATEGORIES.values()}) == 97


@pytest.mark.parametrize(
    ("code", "section"),
    [("A05", "A"), ("B12", "B"), ("C13", "C"), ("C43", "C"), ("D44", "D"), ("E50", "E")],
)
def test_category_section_boundaries(code: str, section: str) -> None:
    assert Category.parse(code).code[0] == section


@pytest.mark.parametrize("text", ["C44", "D43", "Z99", "C3", "C039", "39", "", "T98"])
def test_unknown_category_is_refused(text: str) -> None:
    refused(lambda: Category.parse(text, field="category"), "category")


def test_category_cannot_be_built_invalid() -> None:
    refused(lambda: Category("c39"), "category")


# --- Decimals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12.50", "12.50"), ("0", "0"), ("-3.1", "-3.1"), ("007", "7"), ("-0.00", "0.00")],
)
def test_decimal_strings_are_parsed_exactly(text: str, expected: str) -> None:
    value = parse_decimal(text, "price")
    assert value == Decimal(expected)
    assert format_decimal(value) == expected


@pytest.mark.parametrize("value", [12, 12.5, True, None, Decimal("1"), ["1"]])
def test_non_string_decimal_is_refused(value: object) -> None:
    error = refused(lambda: parse_decimal(value, "price"), "price")
    assert 'must be a decimal string such as "12.50"' in error.en


@pytest.mark.parametrize(
    "text",
    [
        "",
        "+1",
        "1e3",
        "1E+3",
        "NaN",
        "Infinity",
        "-",
        " 1",
        "1 ",
        "1.",
        ".5",
        "1,000",
        "１２",
        "1\n",
    ],
)
def test_malformed_decimal_is_refused(text: str) -> None:
    refused(lambda: parse_decimal(text, "price"), "price")


def test_decimal_places_digits_and_bounds_are_enforced() -> None:
    refused(lambda: parse_decimal("1.234", "x"), "x")
    assert parse_decimal("1.234", "x", max_places=3) == Decimal("1.234")
    assert parse_decimal("0001234.56", "x", max_digits=6) == Decimal("1234.56")
    refused(lambda: parse_decimal("12345.67", "x", max_digits=6), "x")
    refused(lambda: parse_decimal("0", "x", positive=True), "x")
    refused(lambda: parse_decimal("4.99", "x", min_value=Decimal(5)), "x")
    refused(lambda: parse_decimal("5.01", "x", max_value=Decimal(5)), "x")
    assert parse_decimal("5", "x", min_value=Decimal(5), max_value=Decimal(5)) == 5


def test_money() -> None:
    assert parse_money("0.00", "amount") == 0
    assert str(parse_money("12.5", "amount")) == "12.5"
    assert parse_money("9" * 16 + ".99", "amount") == Decimal("9" * 16 + ".99")
    refused(lambda: parse_money("-0.01", "amount"), "amount")
    refused(lambda: parse_money("0.001", "amount"), "amount")
    refused(lambda: parse_money("0", "amount", positive=True), "amount")
    refused(lambda: parse_money("9" * 17 + ".99", "amount"), "amount")


def test_quantity() -> None:
    assert parse_quantity("0.000001", "qty") == Decimal("0.000001")
    refused(lambda: parse_quantity("0", "qty"), "qty")
    refused(lambda: parse_quantity("-1", "qty"), "qty")
    refused(lambda: parse_quantity("1.0000001", "qty"), "qty")


def test_rate() -> None:
    assert parse_rate("36", "rate") == 36
    assert parse_rate("4.3500", "rate") == Decimal("4.35")
    refused(lambda: parse_rate("36.0001", "rate"), "rate")
    refused(lambda: parse_rate("0", "rate"), "rate")
    refused(lambda: parse_rate("4.35001", "rate"), "rate")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1E+3"), "1000"),
        (Decimal("12.50"), "12.50"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("-0"), "0"),
        (Decimal("-2.5"), "-2.5"),
    ],
)
def test_format_decimal_never_uses_an_exponent(value: Decimal, text: str) -> None:
    assert format_decimal(value) == text


def test_format_decimal_refuses_non_finite() -> None:
    with pytest.raises(ValueError):
        format_decimal(Decimal("NaN"))


@given(st.decimals(min_value=0, max_value=Decimal("1E15"), places=2))
def test_money_round_trips_through_its_string(value: Decimal) -> None:
    assert parse_money(format_decimal(value), "amount") == value


# --- Currencies -----------------------------------------------------------------------------


def test_currencies() -> None:
    assert {"CNY", "USD", "EUR", "HKD", "JPY"} == CURRENCIES
    assert parse_currency("CNY") == "CNY"
    assert parse_currency(" usd ") == "USD"


@pytest.mark.parametrize("text", ["RMB", "GBP", "", "CN", 156])
def test_unknown_currency_is_refused(text: object) -> None:
    error = refused(lambda: parse_currency(text, field="ccy"), "ccy")  # type: ignore[arg-type]
    assert error.field == "ccy"
