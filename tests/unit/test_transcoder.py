"""The faster transcoder decodes exactly what the stock one does, and refuses what it refuses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from hypothesis import given
from hypothesis import strategies as st

from marketplace.application import Marketplace
from marketplace.transcoder import FastJSONTranscoder, uuid_from_hex


def _registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


STOCK, FAST = _registered(JSONTranscoder()), _registered(FastJSONTranscoder())

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.uuids()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.datetimes(timezones=st.just(UTC)),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["_type_", "_data_", "a", "b", "名称"]), inner, max_size=3
        )
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), values, max_size=6))
def test_it_decodes_what_the_stock_transcoder_decodes(state: dict[str, Any]) -> None:
    data = STOCK.encode(state)
    assert FAST.encode(state) == data  # encoding is the stock one
    try:
        expected = STOCK.decode(data)
    except Exception as error:  # a dict of its own with an unknown "_type_": refused by both
        with pytest.raises(type(error)):
            FAST.decode(data)
        return
    assert FAST.decode(data) == expected


def test_uuids_are_whole_uuid_objects() -> None:
    original = uuid.uuid4()
    made = uuid_from_hex(original.hex)
    assert made == original and hash(made) == hash(original)
    assert str(made) == str(original) and made.version == 4
    assert made.is_safe is uuid.SafeUUID.unknown
    assert uuid_from_hex(str(original)) == original  # other spellings go through UUID()


@pytest.mark.parametrize("text", ["", "abc", "g" * 32, "x" * 36])
def test_malformed_uuids_are_refused_as_before(text: str) -> None:
    data = b'{"id":{"_type_":"uuid_hex","_data_":"' + text.encode() + b'"}}'
    with pytest.raises(ValueError):
        STOCK.decode(data)
    with pytest.raises(ValueError):
        FAST.decode(data)


def test_an_unknown_type_is_refused() -> None:
    data = b'{"x":{"_type_":"no_such_type","_data_":"1"}}'
    with pytest.raises(TranscodingNotRegisteredError):
        FAST.decode(data)


def test_the_application_uses_it() -> None:
    app = Marketplace(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    assert isinstance(app.mapper.transcoder, FastJSONTranscoder)
    state = {"when": datetime.now(UTC), "amount": Decimal("1.50"), "id": uuid.uuid4()}
    assert app.mapper.transcoder.decode(app.mapper.transcoder.encode(state)) == state
