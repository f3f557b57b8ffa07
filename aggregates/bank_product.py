"""Bank products: the financing a verified bank offers, with the ranges it lends within."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.errors import ConflictError, InvalidValueError, require_change
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


def check_terms(terms: dict[str, Any]) -> None:
    """The rules every version of a product's terms keeps."""
    check_product_type(terms["product_type"])
    check_term(terms["term_min"], "term_min")
    check_term(terms["term_max"], "term_max")
    check_range(terms["amount_min"], terms["amount_max"], "amount_min", "amount_max")
    check_range(terms["term_min"], terms["term_max"], "term_min", "term_max")
    check_range(terms["rate_min"], terms["rate_max"], "rate_min", "rate_max")
    check_regions(terms["regions"])


TERMS = (
    "name", "product_type", "amount_min", "amount_max", "term_min", "term_max",
    "rate_min", "rate_max", "regions",
)  # fmt: skip


class BankProduct(Aggregate):
    """A financing product of a bank, matched against enterprises' financing needs, until
    its bank retires it. The bank may revise its terms while it is offered."""

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

    class Revised(Aggregate.Event):
        """The whole of the terms after the change (a PATCH names only some)."""

        name: str
        product_type: str
        amount_min: Decimal
        amount_max: Decimal
        term_min: int
        term_max: int
        rate_min: Decimal
        rate_max: Decimal
        regions: list[str]

    class Retired(Aggregate.Event):
        pass

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
        check_terms(locals())
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
        self.retired = False

    def terms(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in TERMS}

    def revise(self, changes: dict[str, Any]) -> None:
        """New terms (those not named stay); refused once retired or when nothing changes."""
        self._require_offered()
        terms = {**self.terms(), **changes}
        check_terms(terms)
        require_change(self.terms(), terms)
        self._revised(**terms)

    @event(Revised)
    def _revised(
        self,
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
        self.name, self.product_type = name, product_type
        self.amount_min, self.amount_max = amount_min, amount_max
        self.term_min, self.term_max = term_min, term_max
        self.rate_min, self.rate_max = rate_min, rate_max
        self.regions = list(regions)

    def retire(self) -> None:
        """No longer offered: not listed, not matched; its history stays in the log."""
        self._require_offered()
        self._retired()

    @event(Retired)
    def _retired(self) -> None:
        self.retired = True

    def _require_offered(self) -> None:
        if self.retired:
            raise ConflictError("the product is retired", "该产品已下架")
