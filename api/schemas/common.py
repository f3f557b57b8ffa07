"""Field types shared by the schemas: decimal strings, codes, and the list envelope."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from aggregates.errors import InvalidValueError
from aggregates.values import (
    Category,
    CreditCode,
    Region,
    format_decimal,
    parse_currency,
    parse_money,
    parse_quantity,
    parse_region_prefix,
)

T = TypeVar("T")


def _validated(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Run a domain parser inside pydantic, so its message lands in the 422 `errors`."""

    def validate(value: Any) -> Any:
        try:
            return parse(value)
        except InvalidValueError as error:
            raise PydanticCustomError("invalid_value", error.en) from None

    return validate


def _decimal_type(parse: Callable[[Any], Decimal], example: str) -> Any:
    return Annotated[
        Decimal,
        BeforeValidator(_validated(parse)),
        PlainSerializer(format_decimal, return_type=str, when_used="json"),
        WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?$", "examples": [example]}),
    ]


MoneyIn = _decimal_type(lambda v: parse_money(v, "amount"), "1250000.00")
PositiveMoneyIn = _decimal_type(lambda v: parse_money(v, "amount", positive=True), "12.50")
QuantityIn = _decimal_type(lambda v: parse_quantity(v, "quantity"), "12.5")
DecimalOut = Annotated[Decimal, PlainSerializer(format_decimal, return_type=str, when_used="json")]


def _str_type(parse: Callable[[str], str], example: str) -> Any:
    return Annotated[
        str,
        BeforeValidator(_validated(lambda v: parse(v) if isinstance(v, str) else v)),
        WithJsonSchema({"type": "string", "examples": [example]}),
    ]


CreditCodeIn = _str_type(lambda v: CreditCode.parse(v).value, "91350100M000100Y43")
RegionIn = _str_type(lambda v: Region.parse(v).code, "330106")
RegionPrefixIn = _str_type(parse_region_prefix, "33")
CategoryIn = _str_type(lambda v: Category.parse(v).code, "C39")
CurrencyIn = _str_type(parse_currency, "CNY")


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Written(BaseModel):
    """Every mutating response says what it wrote."""

    version: int
    position: int | None


class ListOf(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class Party(BaseModel):
    id: str
    name: str | None
