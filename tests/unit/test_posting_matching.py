"""Supply–demand scoring on hand-built postings whose ranking is obvious."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from projections.posting_matching import Terms, explain, price_overlap
from projections.text import document_terms


def terms(**overrides: Any) -> Terms:
    values: dict[str, Any] = {
        "side": "supply",
        "category": "C31",
        "quantity": Decimal(500),
        "unit": "吨",
        "price_min": Decimal(14000),
        "price_max": Decimal(16000),
        "region": "330106",
        "title": "供应不锈钢板材",
        "description": "304 stainless steel plates, 2mm",
    }
    values.update(overrides)
    zh, en = document_terms(values.pop("title"), values.pop("description"))
    words = frozenset(w for w in f"{zh} {en}".split() if len(w) >= 2)
    return Terms(uuid.uuid4(), uuid.uuid4(), words=words, **values)


DEMAND = terms(side="demand", title="求购不锈钢板材", description="304 stainless steel plates")


def score(other: Terms) -> float:
    return sum(r.contribution for r in explain(DEMAND, other))


def test_a_perfect_counterpart_scores_near_one() -> None:
    reasons = explain(DEMAND, terms())
    assert [r.code for r in reasons] == [
        "category",
        "price_overlap",
        "quantity_fit",
        "region_county",
        "text",
    ]
    assert score(terms()) > 0.9
    assert all(r.en and r.zh for r in reasons)


def test_each_difference_lowers_the_score() -> None:
    best = terms()
    ranked = [
        best,
        terms(region="330201"),  # same province, other city
        terms(region="110101", price_min=Decimal(20000), price_max=Decimal(22000)),
        terms(category="A01", region="110101", title="有机绿茶", description="green tea",
              price_min=Decimal(20000), price_max=Decimal(22000), unit="箱"),
    ]  # fmt: skip
    scores = [score(t) for t in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


def test_region_proximity_county_city_province() -> None:
    codes = [explain(DEMAND, terms(region=r))[3] for r in ("330106", "330102", "330201", "110101")]
    assert [r.code for r in codes] == [
        "region_county",
        "region_city",
        "region_province",
        "region_other",
    ]
    contributions = [r.contribution for r in codes]
    assert contributions == sorted(contributions, reverse=True) and contributions[-1] == 0


def test_quantity_fit_is_the_smaller_over_the_larger() -> None:
    half = explain(DEMAND, terms(quantity=Decimal(250)))[2]
    full = explain(DEMAND, terms())[2]
    assert half.contribution == round(full.contribution / 2, 4)
    assert explain(DEMAND, terms(unit="箱"))[2].contribution == 0


def test_price_overlap_share() -> None:
    assert price_overlap((Decimal(10), Decimal(20)), (Decimal(15), Decimal(25))) == 0.5
    assert price_overlap((Decimal(10), Decimal(20)), (Decimal(12), Decimal(14))) == 1.0
    assert price_overlap((Decimal(10), Decimal(20)), (Decimal(21), Decimal(25))) == 0.0
    assert price_overlap((Decimal(10), Decimal(10)), (Decimal(5), Decimal(15))) == 1.0


def test_similar_chinese_text_ranks_above_unrelated_text() -> None:
    steel = explain(DEMAND, terms(title="不锈钢板材现货", description=""))[4]
    tea = explain(DEMAND, terms(title="西湖龙井茶叶", description=""))[4]
    assert steel.contribution > tea.contribution == 0
    assert "不锈钢" in steel.zh or "板材" in steel.zh


def test_no_price_counts_half() -> None:
    reason = explain(DEMAND, terms(price_min=None, price_max=None))[1]
    assert reason.code == "price_open" and reason.contribution == 0.125
