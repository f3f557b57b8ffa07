"""Field types shared by the schemas: decimal strings, codes, and the list envelope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from aggregates.errors import InvalidValueError
from aggregates.times import in_range
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
from api.text import refuse_control_characters

T = TypeVar("T")


def refusal(code: str, en: str, zh: str) -> PydanticCustomError:
    """A pydantic error carrying both languages (the 422 answer picks one)."""
    return PydanticCustomError(code, "{en}", {"en": en, "zh": zh})


def _validated(parse: Callable[[Any, str], Any]) -> Callable[[Any, ValidationInfo], Any]:
    """Run a domain parser inside pydantic, so its message lands in the 422 `errors`; the
    parser is told the field's name, which its messages use."""

    def validate(value: Any, info: ValidationInfo) -> Any:
        try:
            return parse(value, info.field_name or "value")
        except InvalidValueError as error:
            raise refusal(error.code, error.en, error.zh) from None

    return validate


def _decimal_type(parse: Callable[[Any, str], Decimal], example: str) -> Any:
    return Annotated[
        Decimal,
        BeforeValidator(_validated(parse)),
        PlainSerializer(format_decimal, return_type=str, when_used="json"),
        WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?$", "examples": [example]}),
    ]


MoneyIn = _decimal_type(parse_money, "1250000.00")
PositiveMoneyIn = _decimal_type(partial(parse_money, positive=True), "12.50")
QuantityIn = _decimal_type(parse_quantity, "12.5")
DecimalOut = Annotated[Decimal, PlainSerializer(format_decimal, return_type=str, when_used="json")]


def _str_type(parse: Callable[[str, str], str], example: str) -> Any:
    return Annotated[
        str,
        BeforeValidator(_validated(lambda v, f: parse(v, f) if isinstance(v, str) else v)),
        WithJsonSchema({"type": "string", "examples": [example]}),
    ]


CreditCodeIn = _str_type(lambda v, f: CreditCode.parse(v, f).value, "91350100M000100Y43")
RegionIn = _str_type(lambda v, f: Region.parse(v, f).code, "330106")
RegionPrefixIn = _str_type(parse_region_prefix, "33")
CategoryIn = _str_type(lambda v, f: Category.parse(v, f).code, "C39")
CurrencyIn = _str_type(parse_currency, "CNY")

# Every time and date a client sends lies in [2000-01-01, 2100-01-01) (API.md, "Times").
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 1, 1)
ERA_EN = "must lie between 2000-01-01 and 2099-12-31"
ERA_ZH = "须在 2000-01-01 至 2099-12-31 之间"


def in_era(value: datetime | date) -> datetime | date:
    """The time or date itself, if it lies in the era; an aware time counts in UTC (compared,
    never converted: 9999-12-31T23:59:59-14:00 has no UTC date)."""
    # Times: the rule the use cases apply too (aggregates/times.py).
    inside = in_range(value) if isinstance(value, datetime) else EARLIEST <= value < LATEST
    if not inside:
        raise refusal("out_of_range", ERA_EN, ERA_ZH)
    return value


TimeIn = Annotated[AwareDatetime, AfterValidator(in_era)]
DateIn = Annotated[date, AfterValidator(in_era)]


class Strict(BaseModel):
    """Request bodies refuse unknown fields, and text with control characters in any field
    (nested objects and lists included) before a field is parsed."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def no_control_characters(cls, data: Any) -> Any:
        return refuse_control_characters(cls.__name__, data)


class Moderation(Strict):
    """An operator's decision on an organization or a posting, always with its reason."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


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


# API.md "Rules changed": binding acts may carry the signed-in organization's password again.
ReauthPassword = Annotated[
    str,
    Field(
        min_length=1,
        max_length=256,
        description="the signed-in organization's password, entered again: wrong → 403"
        " `reauth_failed`, nothing written",
    ),
]
