"""The leaf record's quick formatting writes exactly what RFC 8785 (the `rfc8785` package) does."""

from __future__ import annotations

import rfc8785
from hypothesis import example, given
from hypothesis import strategies as st

from marketplace.audit.verify.records import LEAF_KEYS, MAX_JSON_INT, leaf_record

numbers = st.integers(min_value=0, max_value=MAX_JSON_INT)
texts = st.text(min_size=1, max_size=40).filter(
    lambda t: not any(0xD800 <= ord(c) < 0xE000 for c in t)
)
moments = st.from_regex(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", fullmatch=True)
digests = st.from_regex(r"[0-9a-f]{64}", fullmatch=True)


@given(numbers, numbers, texts, numbers, texts, moments, digests)
@example(0, 1, "5f0c", MAX_JSON_INT, 'a"b\\c\x7f', "2026-11-25T08:00:00.000000Z", "0" * 64)
@example(3, 4, "id\n\t", 2, "类型 Posting.Published", "2026-11-25T08:00:00.000000Z", "a" * 64)
def test_it_is_the_canonical_json_of_the_seven_keys(
    leaf_index: int,
    position: int,
    stream_id: str,
    stream_version: int,
    kind: str,
    recorded_at: str,
    digest: str,
) -> None:
    values = (leaf_index, position, stream_id, stream_version, kind, recorded_at, digest)
    expected = rfc8785.dumps(dict(zip(LEAF_KEYS, values, strict=True)))
    assert leaf_record(*values) == expected
