"""The BankProduct aggregate: its ranges, regions and the coverage rule matching uses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from aggregates.bank_product import MAX_REGIONS, BankProduct, covers
from aggregates.errors import ConflictError, InvalidValueError


def publish(**overrides: Any) -> BankProduct:
    terms: dict[str, Any] = {
        "bank_id": uuid4(),
        "name": "科创信用贷",
        "product_type": "credit_loan",
        "amount_min": Decimal("100000.00"),
        "amount_max": Decimal("5000000.00"),
        "term_min": 6,
        "term_max": 36,
        "rate_min": Decimal("3.45"),
        "rate_max": Decimal("6.5"),
        "regions": ["33", "3201"],
    }
    terms.update(overrides)
    return BankProduct(**terms)


def test_a_published_product_keeps_its_terms() -> None:
    product = publish()
    (event,) = product.collect_events()
    assert isinstance(event, BankProduct.Published)
    assert event.regions == ["33", "3201"]
    assert (product.amount_min, product.amount_max) == (Decimal("100000.00"), Decimal("5000000.00"))
    assert (product.term_min, product.term_max) == (6, 36)
    assert (product.rate_min, product.rate_max) == (Decimal("3.45"), Decimal("6.5"))


def test_equal_bounds_are_a_range_of_one() -> None:
    publish(amount_min=Decimal(1000), amount_max=Decimal(1000), term_min=12, term_max=12)
    publish(rate_min=Decimal("4.35"), rate_max=Decimal("4.35"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_min": Decimal("6000000")}, "amount_min"),
        ({"term_min": 40}, "term_min"),
        ({"rate_min": Decimal("7")}, "rate_min"),
        ({"term_min": 0}, "term_min"),
        ({"term_max": 361}, "term_max"),
        ({"product_type": "mortgage"}, "product_type"),
        ({"regions": []}, "regions"),
        ({"regions": ["33", "33"]}, "regions"),
        ({"regions": [f"{11 + i % 20:02d}{i:04d}" for i in range(MAX_REGIONS + 1)]}, "regions"),
    ],
    ids=[
        "amount range reversed",
        "term range reversed",
        "rate range reversed",
        "term below 1",
        "term above 360",
        "unknown type",
        "no region",
        "repeated region",
        "too many regions",
    ],
)
def test_bad_products_are_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        publish(**overrides)
    assert caught.value.field == field
    assert caught.value.en and caught.value.zh


@pytest.mark.parametrize(
    ("regions", "region", "expected"),
    [
        (["33"], "330106", "33"),
        (["33", "3301"], "330106", "3301"),
        (["3301", "330106"], "330106", "330106"),
        (["3302"], "330106", None),
        (["44", "35"], "330106", None),
        (["330106"], "330107", None),
    ],
)
def test_coverage_is_by_prefix_most_specific_first(
    regions: list[str], region: str, expected: str | None
) -> None:
    assert covers(regions, region) == expected


def test_a_revision_keeps_the_terms_it_does_not_name_and_records_them_all() -> None:
    product = publish()
    product.revise({"rate_max": Decimal("5.9"), "regions": ["33"]})
    revised = product.collect_events()[-1]
    assert isinstance(revised, BankProduct.Revised)
    assert (revised.rate_max, revised.regions, revised.name) == (
        Decimal("5.9"),
        ["33"],
        "科创信用贷",
    )
    assert (product.rate_min, product.rate_max, product.version) == (
        Decimal("3.45"),
        Decimal("5.9"),
        2,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_min": Decimal("9000000")}, "amount_min"),
        ({"term_max": 3}, "term_min"),
        ({"regions": []}, "regions"),
        ({"product_type": "gift"}, "product_type"),
    ],
)
def test_a_revision_is_checked_like_a_publication(changes: dict[str, Any], field: str) -> None:
    product = publish()
    with pytest.raises(InvalidValueError) as refused:
        product.revise(changes)
    assert refused.value.field in {field, "amount_max", "term_max"}
    assert product.version == 1


def test_a_retired_product_is_neither_revised_nor_retired_again() -> None:
    product = publish()
    with pytest.raises(ConflictError):
        product.revise({"name": "科创信用贷"})  # nothing would change
    product.retire()
    assert product.retired
    with pytest.raises(ConflictError):
        product.revise({"name": "新名字"})
    with pytest.raises(ConflictError):
        product.retire()
    assert [type(e).__name__ for e in product.collect_events()] == ["Published", "Retired"]
