"""Matching financing needs with bank products: which products fit, ranked and explained.

A product fits a need when the type is the same, the need's amount and term lie inside the
product's ranges and one of the product's regions covers the need's region. Only fitting
products are scored. The score (0–1) is the sum of the reasons' contributions, so every
ranking can be read off its reasons:

- fixed, since every fitting product has them: type 0.2, amount 0.1, term 0.1;
- region, up to 0.3: the product names the need's county (0.3), its city (0.225) or only
  its province (0.15), since a local lender knows the borrower's market better;
- rate, up to 0.3: 0.3 × (1 − lowest rate / 36 %), so cheaper products rank higher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from psycopg.rows import dict_row
from psycopg.sql import SQL
from psycopg_pool import ConnectionPool

from aggregates.bank_product import covers
from aggregates.financing import PRODUCT_TYPE_NAMES
from aggregates.regions import PROVINCES
from aggregates.values import format_decimal
from projections.pages import active_owner
from projections.rows import Row

MAX_RATE = Decimal(36)
FIXED_WEIGHTS = {"product_type": 0.2, "amount": 0.1, "term": 0.1}
REGION_WEIGHT = 0.3
RATE_WEIGHT = 0.3
# Share of the region weight by how precisely the product names the need's region.
REGION_SHARE = {6: 1.0, 4: 0.75, 2: 0.5}

FITTING_PRODUCTS = SQL(
    "SELECT p.*, o.name AS bank_name FROM bank_products p"
    " LEFT JOIN organizations o ON o.id = p.bank_id"
    " WHERE p.status = 'active' AND p.product_type = %(product_type)s"
    " AND p.amount_min <= %(amount)s AND %(amount)s <= p.amount_max"
    " AND p.term_min <= %(term)s AND %(term)s <= p.term_max"
    " AND EXISTS (SELECT 1 FROM unnest(p.regions) AS r(code)"
    " WHERE %(region)s LIKE r.code || '%%') AND " + active_owner("p.bank_id")
)


@dataclass(frozen=True)
class Need:
    """What matching needs to know of a financing need."""

    product_type: str
    amount: Decimal
    term_months: int
    region: str


@dataclass(frozen=True)
class Reason:
    code: str
    en: str
    zh: str
    contribution: float


@dataclass
class ProductMatch:
    product: Row
    reasons: list[Reason] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(min(1.0, sum(r.contribution for r in self.reasons)), 4)


def matching_products(pool: ConnectionPool[Any], need: Need, limit: int = 50) -> list[ProductMatch]:
    """Products that fit the need, best first (ties: lower rate, then newer)."""
    params = {
        "product_type": need.product_type,
        "amount": need.amount,
        "term": need.term_months,
        "region": need.region,
    }
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(FITTING_PRODUCTS, params)
        rows: list[Row] = cur.fetchall()
    matches = [explain(need, row) for row in rows]
    matches.sort(key=lambda m: (-m.score, m.product["rate_min"], -m.product["position"]))
    return matches[:limit]


def explain(need: Need, product: Row) -> ProductMatch:
    """The reasons a fitting product ranks where it does."""
    en_type, zh_type = PRODUCT_TYPE_NAMES[need.product_type]
    low, high = format_decimal(product["amount_min"]), format_decimal(product["amount_max"])
    amount = format_decimal(need.amount)
    reasons = [
        Reason(
            "product_type",
            f"a {en_type} product, the type you asked for",
            f"产品类型为{zh_type}，与需求一致",
            FIXED_WEIGHTS["product_type"],
        ),
        Reason(
            "amount",
            f"your amount {amount} is within its range {low}–{high}",
            f"申请金额 {amount} 在产品额度 {low}–{high} 之内",
            FIXED_WEIGHTS["amount"],
        ),
        Reason(
            "term",
            f"your term of {need.term_months} months is within its "
            f"{product['term_min']}–{product['term_max']} months",
            f"期限 {need.term_months} 个月在产品期限 {product['term_min']}–{product['term_max']}"
            " 个月之内",
            FIXED_WEIGHTS["term"],
        ),
        region_reason(product["regions"], need.region),
        rate_reason(product["rate_min"]),
    ]
    return ProductMatch(product, reasons)


def region_reason(regions: list[str], region: str) -> Reason:
    code = covers(regions, region) or region[:2]
    share = REGION_SHARE.get(len(code), 0.5)
    contribution = round(REGION_WEIGHT * share, 4)
    if len(code) == 6:
        return Reason(
            "region_county",
            f"serves your county or district ({code})",
            f"服务您所在的区县（{code}）",
            contribution,
        )
    if len(code) == 4:
        return Reason(
            "region_city", f"serves your city ({code})", f"服务您所在的城市（{code}）", contribution
        )
    zh_name, en_name = PROVINCES.get(code[:2], (code, code))
    return Reason(
        "region_province",
        f"serves your whole province ({en_name})",
        f"服务您所在的整个省份（{zh_name}）",
        contribution,
    )


def rate_reason(rate_min: Decimal) -> Reason:
    rate = format_decimal(rate_min)
    contribution = round(RATE_WEIGHT * float(1 - rate_min / MAX_RATE), 4)
    return Reason(
        "rate", f"annual rates from {rate}%", f"年利率最低 {rate}%", max(0.0, contribution)
    )
