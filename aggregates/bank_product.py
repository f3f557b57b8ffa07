"""Bank products: the financing a verified bank offers, with the ranges it lends within."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.errors import InvalidValueError
from aggregates.financing import check_product_type, check_range, check_term

MAX_REGIONS = 100


def check_regions(regions: list[str]) -> None:
    """At least one region code or prefix, none repeated."""
    if not regions:
        raise InvalidValueError(
            "name at least one region code or prefix",
            "请至少填写一个地区代码或前缀",
            field="regions",
        )
    if len(regions) > MAX_REGIONS:
        raise InvalidValueError(
            f"at most {MAX_REGIONS} regions", f"最多 {MAX_REGIONS} 个地区", field="regions"
        )
    if len(set(regions)) != len(regions):
        raise InvalidValueError("regions are repeated", "地区有重复", field="regions")


def covers(regions: list[str], region: str) -> str | None:
    """The most specific of `regions` that covers `region` (a code or prefix of it), if any."""
    covering = [r for r in regions if region.startswith(r)]
    return max(covering, key=len, default=None)


class BankProduct(Aggregate):
    """A financing product of a bank, matched against enterprises' financing needs."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Published(Aggregate.Created):
        bank_id: UUID
        name: str
        product_type: str
        amount_min: Decimal
        amount_max: Decimal
        term_min: int
        term_max: int
        rate_min: Decimal
        rate_max: Decimal
        regions: list[str]

    @event(Published)
    def __init__(
        self,
        bank_id: UUID,
        name: str,
        product_type: str,
        amount_min: Decimal,
        amount_max: Decimal,
        term_min: int,
        term_max: int,
        rate_min: Decimal,
        rate_max: Decimal,
        regions: list[str],
    ) -> None:
        check_product_type(product_type)
        check_term(term_min, "term_min")
        check_term(term_max, "term_max")
        check_range(amount_min, amount_max, "amount_min", "amount_max")
        check_range(term_min, term_max, "term_min", "term_max")
        check_range(rate_min, rate_max, "rate_min", "rate_max")
        check_regions(regions)
        self.bank_id = bank_id
        self.name = name
        self.product_type = product_type
        self.amount_min = amount_min
        self.amount_max = amount_max
        self.term_min = term_min
        self.term_max = term_max
        self.rate_min = rate_min
        self.rate_max = rate_max
        self.regions = list(regions)
