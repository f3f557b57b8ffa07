"""`canonical_json` gives exactly the RFC 8785 bytes (checked against `rfc8785`)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from aggregates.canonical import canonical_json, sha256_hex

CONTROL_CHARS = "".join(chr(c) for c in range(0x20)) + "\x7f"


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        "",
        "plain ascii",
        "采购不锈钢板材 500 吨，含税价",
        "emoji 😀 and 𝄞 outside the BMP",
        'quote " backslash \\ slash / tab \t newline \n return \r',
        "\b\f backspace and form feed",
        CONTROL_CHARS,
        "\u2028 line and paragraph separators \u2029",
        "\u00e9 precomposed vs e\u0301 combining",
        [],
        {},
        [None, True, False, "x", [], {}],
        {"b": "2", "a": "1", "A": "0", "_": None, "aa": [], "a b": {}},
        {"z": {"y": {"x": ["深", {"w": "层"}]}}, "": "empty key"},
        {"parties": [{"role": "buyer"}, {"role": "seller"}], "terms": {"unit": "吨"}},
        {"\u007f": "DEL key", "\t": "tab key", "~": "tilde"},
    ],
)
def test_canonical_json_equals_rfc8785(value: Any) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


def test_keys_are_sorted_and_no_whitespace_is_added() -> None:
    assert canonical_json({"b": [True, None], "a": "中"}) == '{"a":"中","b":[true,null]}'.encode()


def test_control_characters_use_short_or_lowercase_unicode_escapes() -> None:
    assert canonical_json("\x00\x1f\n\x0b") == b'"\\u0000\\u001f\\n\\u000b"'


def test_non_ascii_text_is_written_as_utf8_not_escaped() -> None:
    assert canonical_json("合同") == '"合同"'.encode()


def test_tuples_are_written_as_arrays() -> None:
    assert canonical_json(("a", ("b",))) == rfc8785.dumps(["a", ["b"]])


def test_sha256_hex_is_the_lowercase_digest_of_the_rfc8785_bytes() -> None:
    value: dict[str, Any] = {"kind": "sale", "amount": "1.00", "terms": {"title": "钢材"}}
    assert sha256_hex(value) == hashlib.sha256(rfc8785.dumps(value)).hexdigest()


@pytest.mark.parametrize(
    "value",
    [
        1,
        0,
        1.5,
        float("nan"),
        Decimal("1.00"),
        {"amount": 100},
        ["ok", 2],
        {"deep": [{"deeper": [1.0]}]},
        b"bytes",
        pytest.param(object(), id="object"),  # an id the same in every collection
    ],
    ids=repr,
)
def test_numbers_and_other_types_are_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


@pytest.mark.parametrize(
    "value",
    [{"金额": "1"}, {"é": None}, {"ok": {"键": "v"}}, [{"😀": "x"}], {1: "int key"}, {None: "x"}],
    ids=repr,
)
def test_non_ascii_or_non_string_keys_are_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


def test_sha256_hex_refuses_what_canonical_json_refuses() -> None:
    with pytest.raises(TypeError):
        sha256_hex({"amount": Decimal("1")})


ascii_keys = st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=8)
json_without_numbers = st.recursive(
    st.none() | st.booleans() | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(ascii_keys, children, max_size=5)
    ),
    max_leaves=20,
)


@given(json_without_numbers)
def test_canonical_json_equals_rfc8785_for_any_json_without_numbers(value: Any) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)
