"""Matching supply with demand: open postings of the other side, ranked and explained.

Candidates are open, unexpired postings of the other side by another owner, in the same
category or the same province (the newest `CANDIDATE_BOUND` of them). Each is scored 0–1 as
the sum of its reasons' contributions:

- category, 0.25: the same GB/T 4754 division;
- price, up to 0.25: the overlap of the two unit-price ranges, as a share of the narrower
  one (half when either posting names no price);
- quantity, up to 0.15: the smaller quantity over the larger, in the same unit;
- region, up to 0.15: the same county (all of it), city (0.7) or province (0.4);
- text, up to 0.2: Jaccard similarity of the titles' and descriptions' terms (Chinese
  segmented with jieba), a Jaccard of 0.5 or more counting in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL
from psycopg_pool import ConnectionPool

from aggregates.regions import PROVINCES
from aggregates.values import format_decimal
from projections.financing_matching import Reason
from projections.pages import active_owner
from projections.rows import Row
from projections.text import TITLE_MARK, document_terms

WEIGHTS = {"category": 0.25, "price": 0.25, "quantity": 0.15, "region": 0.15, "text": 0.2}
REGION_SHARE = {6: 1.0, 4: 0.7, 2: 0.4}
FULL_JACCARD = 0.5
CANDIDATE_BOUND = 500
_FIELDS = (
    "owner_id", "side", "category", "quantity", "unit", "price_min", "price_max", "region",
)  # fmt: skip

CANDIDATES = SQL(
    "SELECT l.*, o.name AS owner_name FROM listings l"
    " LEFT JOIN organizations o ON o.id = l.owner_id"
    " WHERE l.status = 'open' AND l.expires_at > %(now)s AND l.side = %(side)s"
    " AND l.owner_id <> %(owner)s AND l.id <> %(id)s AND "
    + active_owner("l.owner_id")
    + " AND (l.category = %(category)s OR l.region LIKE %(province)s)"
    " ORDER BY l.published_position DESC LIMIT %(bound)s"
)


@dataclass(frozen=True)
class Terms:
    """What matching needs to know of a posting."""

    id: UUID
    owner_id: UUID
    side: str
    category: str
    quantity: Decimal
    unit: str
    price_min: Decimal | None
    price_max: Decimal | None
    region: str
    words: frozenset[str]

    @classmethod
    def of(cls, posting: Any) -> Terms:
        """From a listings row (a dict) or a `Posting.Published` event."""
        if isinstance(posting, dict):
            return cls._make(posting, posting["id"], posting["search_zh"], posting["search_en"])
        values = {name: getattr(posting, name) for name in _FIELDS}
        zh, en = document_terms(posting.title, posting.description)
        return cls._make(values, posting.originator_id, zh, en)

    @classmethod
    def _make(cls, values: dict[str, Any], pid: UUID, zh: str, en: str) -> Terms:
        zh_words = [w for w in zh.split() if not w.startswith(TITLE_MARK)]  # a view's title marks
        words = frozenset(w for w in [*zh_words, *en.split()] if len(w) >= 2)
        return cls(pid, words=words, **{name: values[name] for name in _FIELDS})

    @property
    def other_side(self) -> str:
        return "supply" if self.side == "demand" else "demand"


@dataclass
class PostingMatch:
    posting: Row
    reasons: list[Reason] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(min(1.0, sum(r.contribution for r in self.reasons)), 4)


def matching_postings(
    pool: ConnectionPool[Any], posting: Terms, now: datetime, limit: int = 10
) -> list[PostingMatch]:
    """The best counterparts of `posting`, best first (ties: newer first)."""
    params = {
        "now": now,
        "side": posting.other_side,
        "owner": posting.owner_id,
        "id": posting.id,
        "category": posting.category,
        "province": posting.region[:2] + "%",
        "bound": CANDIDATE_BOUND,
    }
    with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(CANDIDATES, params)
        rows: list[Row] = cur.fetchall()
    matches = [PostingMatch(row, explain(posting, Terms.of(row))) for row in rows]
    matches.sort(key=lambda m: (-m.score, -m.posting["published_position"]))
    return matches[:limit]


def explain(posting: Terms, other: Terms) -> list[Reason]:
    """The reasons `other` ranks where it does as a counterpart of `posting`."""
    return [
        category_reason(posting, other),
        price_reason(posting, other),
        quantity_reason(posting, other),
        region_reason(posting.region, other.region),
        text_reason(posting.words, other.words),
    ]


def category_reason(posting: Terms, other: Terms) -> Reason:
    if posting.category == other.category:
        return Reason(
            "category",
            f"the same industry division ({other.category})",
            f"同属行业门类 {other.category}",
            WEIGHTS["category"],
        )
    return Reason(
        "category_other",
        f"another industry division ({other.category})",
        f"行业门类不同（{other.category}）",
        0.0,
    )


def _range(terms: Terms) -> tuple[Decimal, Decimal] | None:
    low = terms.price_min if terms.price_min is not None else terms.price_max
    high = terms.price_max if terms.price_max is not None else terms.price_min
    return None if low is None or high is None else (low, high)


def price_overlap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> float:
    """The overlap of two ranges as a share of the narrower one (0–1)."""
    low, high = max(a[0], b[0]), min(a[1], b[1])
    if low > high:
        return 0.0
    narrower = min(a[1] - a[0], b[1] - b[0])
    return 1.0 if narrower == 0 else float((high - low) / narrower)


def price_reason(posting: Terms, other: Terms) -> Reason:
    mine, theirs = _range(posting), _range(other)
    if mine is None or theirs is None:
        share = 0.5
        return Reason(
            "price_open",
            "no price range to compare",
            "未标明价格区间，无法比较",
            round(WEIGHTS["price"] * share, 4),
        )
    share = price_overlap(mine, theirs)
    low, high = format_decimal(theirs[0]), format_decimal(theirs[1])
    return Reason(
        "price_overlap",
        f"its prices {low}–{high} overlap yours by {share:.0%}",
        f"其价格区间 {low}–{high} 与您的重合 {share:.0%}",
        round(WEIGHTS["price"] * share, 4),
    )


def quantity_reason(posting: Terms, other: Terms) -> Reason:
    amount = format_decimal(other.quantity)
    if posting.unit != other.unit:
        return Reason(
            "quantity_unit",
            f"quantity in another unit ({amount} {other.unit})",
            f"数量单位不同（{amount} {other.unit}）",
            0.0,
        )
    share = float(min(posting.quantity, other.quantity) / max(posting.quantity, other.quantity))
    return Reason(
        "quantity_fit",
        f"{amount} {other.unit} against your {format_decimal(posting.quantity)}",
        f"数量 {amount} {other.unit}，您的为 {format_decimal(posting.quantity)}",
        round(WEIGHTS["quantity"] * share, 4),
    )


def region_reason(mine: str, theirs: str) -> Reason:
    common = next((n for n in (6, 4, 2) if mine[:n] == theirs[:n]), 0)
    contribution = round(WEIGHTS["region"] * REGION_SHARE.get(common, 0.0), 4)
    if common == 6:
        return Reason("region_county", "in your county", f"同一区县（{theirs}）", contribution)
    if common == 4:
        return Reason("region_city", "in your city", f"同一城市（{theirs[:4]}）", contribution)
    zh_name, en_name = PROVINCES.get(theirs[:2], (theirs[:2], theirs[:2]))
    if common == 2:
        return Reason(
            "region_province", f"in your province ({en_name})", f"同省（{zh_name}）", contribution
        )
    return Reason("region_other", f"in {en_name}", f"位于{zh_name}", 0.0)


def text_reason(mine: frozenset[str], theirs: frozenset[str]) -> Reason:
    union = mine | theirs
    jaccard = len(mine & theirs) / len(union) if union else 0.0
    share = min(1.0, jaccard / FULL_JACCARD)
    shared = "、".join(sorted(mine & theirs, key=lambda w: (-len(w), w))[:3])
    return Reason(
        "text",
        f"similar wording ({shared})" if shared else "no words in common",
        f"描述相近（{shared}）" if shared else "描述无共同词语",
        round(WEIGHTS["text"] * share, 4),
    )
