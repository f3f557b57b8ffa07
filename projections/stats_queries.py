"""Queries of the statistics view. Each is one SQL statement, so its figures and the view's
position come from one snapshot: every answer is the fold of the log up to that position.

Months and dates are China Standard Time (UTC+8, no daylight saving since 1991).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal, LiteralString

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed
from psycopg_pool import ConnectionPool

from projections.rows import Row
from projections.stats_service_queries import FIGURES, service_figures

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
DealKey = Literal["month", "region", "category", "exhibition"]
FinancingKey = Literal["month", "bank", "product_type", "region"]
ServiceKey = Literal["provider", "category", "month", "region"]

_POSITION: LiteralString = (
    "(SELECT coalesce(max(position), 0) FROM projection_positions WHERE view = 'stats')"
)
_DONE: LiteralString = "status IN ('signed', 'completed')"
# Activities not cancelled that have started, by kind (API.md: `activities.held`).
_HELD_BY_KIND: LiteralString = (
    "  count(*) FILTER (WHERE starts_at <= %(now)s AND kind = 'exhibition') AS held_exhibition,"
    "  count(*) FILTER (WHERE starts_at <= %(now)s AND kind = 'matchmaking')"
    "  AS held_matchmaking,"
    "  count(*) FILTER (WHERE starts_at <= %(now)s AND kind = 'lecture') AS held_lecture,"
    "  count(*) FILTER (WHERE starts_at <= %(now)s AND kind = 'training') AS held_training,"
)
_MATCHED: LiteralString = "status IN ('matched', 'disbursed')"
_OVERDUE: LiteralString = (
    "(status = 'open' AND first_offer_at IS NULL AND posted_at <= %(overdue_before)s)"
)


def _local_month(column: LiteralString) -> LiteralString:
    return "to_char(" + column + " AT TIME ZONE 'UTC' + interval '8 hours', 'YYYY-MM')"


DEAL_KEYS: dict[str, LiteralString] = {
    "month": _local_month("signed_at"),
    "region": "region",
    "category": "category",
    "exhibition": "exhibition_id::text",
}
FINANCING_KEYS: dict[str, LiteralString] = {
    "month": _local_month("posted_at"),
    "bank": "bank_id::text",
    "product_type": "product_type",
    "region": "region",
}
# (key of a request, key of one of its steps): by provider, each belongs to its own provider.
SERVICE_KEYS: dict[str, tuple[LiteralString, LiteralString]] = {
    "provider": ("sr.provider_id::text", "s.provider_id::text"),
    "category": ("sr.category", "sr.category"),
    "month": (_local_month("sr.submitted_at"), _local_month("sr.submitted_at")),
    "region": ("sr.region", "sr.region"),
}


@dataclass(frozen=True)
class Period:
    """Inclusive local dates; either end may be open."""

    start: date | None = None
    end: date | None = None

    def clauses(self, column: LiteralString) -> tuple[list[Composed | SQL], dict[str, Any]]:
        where: list[Composed | SQL] = []
        params: dict[str, Any] = {}
        if self.start is not None:
            where.append(SQL(column + " >= %(period_start)s"))
            params["period_start"] = datetime.combine(self.start, time(), CHINA_STANDARD_TIME)
        if self.end is not None:
            where.append(SQL(column + " < %(period_end)s"))
            following = self.end + timedelta(days=1)
            params["period_end"] = datetime.combine(following, time(), CHINA_STANDARD_TIME)
        return where, params


class StatsQueries:
    """The read side of `StatsView`."""

    pool: ConnectionPool[Any]

    def _rows(self, query: SQL | Composed, params: dict[str, Any]) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            rows: list[Row] = cur.fetchall()
        return rows

    def totals(self, *, now: datetime, response_days: int) -> Row:
        """The platform's figures (API.md, `GET /stats`) with the view's position."""
        query = SQL(
            "WITH o AS (SELECT count(*) FILTER (WHERE kind = 'enterprise') AS enterprises,"
            "  count(*) FILTER (WHERE kind = 'bank') AS banks,"
            "  count(*) FILTER (WHERE kind = 'provider' AND verified) AS providers"
            "  FROM stats_organizations),"
            " p AS (SELECT count(*) FILTER (WHERE status = 'open' AND expires_at > %(now)s)"
            "  AS open_postings, count(*) AS postings, coalesce(sum(bids), 0)::bigint AS bids"
            "  FROM stats_postings),"
            " c AS (SELECT coalesce(sum(n), 0)::bigint AS contracts,"
            "  coalesce(sum(total) FILTER (WHERE currency = 'CNY'), 0) AS contract_amount,"
            "  coalesce(jsonb_object_agg(currency, total::text), '{{}}') AS contract_amounts"
            "  FROM (SELECT currency, count(*) AS n, sum(amount) AS total FROM stats_contracts"
            "  WHERE " + _DONE + " GROUP BY currency) per_currency),"
            " k AS (SELECT count(*) FILTER (WHERE kind = 'sale') AS sale_contracts,"
            "  coalesce(sum(amount) FILTER (WHERE kind = 'sale' AND currency = 'CNY'), 0)"
            "  AS sale_amount, count(*) FILTER (WHERE kind = 'loan') AS loan_contracts,"
            "  coalesce(sum(amount) FILTER (WHERE kind = 'loan' AND currency = 'CNY'), 0)"
            "  AS loan_amount FROM stats_contracts WHERE " + _DONE + "),"
            " n AS (SELECT count(*) AS needs, count(*) FILTER (WHERE " + _MATCHED + ") AS matched,"
            "  coalesce(sum(amount_matched), 0) AS amount_matched,"
            "  coalesce(sum(amount_disbursed), 0) AS amount_disbursed,"
            "  count(*) FILTER (WHERE " + _OVERDUE + ") AS overdue FROM stats_needs),"
            " e AS (SELECT count(*) FILTER (WHERE starts_at <= %(now)s) AS held,"
            "  coalesce(sum(confirmed), 0)::bigint AS signups,"
            "  coalesce(sum(checked_in), 0)::bigint AS checked_in,"
            + _HELD_BY_KIND
            + "  coalesce(sum(attended), 0)::bigint AS participants,"
            "  coalesce(sum(attended) FILTER (WHERE kind IN ('lecture', 'training')), 0)::bigint"
            "  AS trained FROM stats_exhibitions WHERE status <> 'cancelled'),"
            " sp AS (SELECT count(*) AS products FROM stats_service_products"
            "  WHERE status = 'active'), {},"
            " sv AS (SELECT coalesce(sum(requests), 0)::bigint AS service_requests,"
            "  coalesce(sum(closed), 0)::bigint AS service_closed,"
            "  max(response_rate) AS response_rate, max(resolution_rate) AS resolution_rate,"
            "  max(satisfaction_rate) AS satisfaction_rate FROM (" + FIGURES + ") AS f)"
            " SELECT *, " + _POSITION + " AS position FROM o, p, c, k, n, e, sp, sv"
        ).format(service_figures("''", "''", SQL("true")))
        overdue_before = now - timedelta(days=response_days)
        return self._rows(query, {"now": now, "overdue_before": overdue_before})[0]

    def deal_groups(self, group_by: DealKey, period: Period) -> tuple[list[Row], int]:
        """Signed and completed sale contracts by the key, on their signing date; and position."""
        where, params = period.clauses("signed_at")
        conditions = SQL(" AND ").join([SQL("kind = 'sale' AND " + _DONE), *where])
        query = SQL(
            "WITH per_currency AS (SELECT " + DEAL_KEYS[group_by] + " AS key, currency,"
            "  count(*) AS n, sum(amount) AS total FROM stats_contracts WHERE {} GROUP BY 1, 2),"
            " g AS (SELECT key, sum(n)::bigint AS contracts,"
            "  coalesce(sum(total) FILTER (WHERE currency = 'CNY'), 0) AS amount,"
            "  jsonb_object_agg(currency, total::text) AS amount_by_currency"
            "  FROM per_currency GROUP BY key)"
            " SELECT " + _POSITION + " AS position, g.* FROM (SELECT 1) AS one"
            ' LEFT JOIN g ON true ORDER BY g.key COLLATE "C" NULLS LAST'
        ).format(conditions)
        return _groups(self._rows(query, params), "contracts")

    def financing_groups(
        self, group_by: FinancingKey, period: Period, *, now: datetime, response_days: int
    ) -> tuple[list[Row], int]:
        """Financing needs by the key (month: when posted; bank: the matched one); and position."""
        where, params = period.clauses("posted_at")
        conditions = SQL(" AND ").join(where) if where else SQL("true")
        query = SQL(
            "WITH g AS (SELECT " + FINANCING_KEYS[group_by] + " AS key, count(*) AS needs,"
            "  count(*) FILTER (WHERE " + _MATCHED + ") AS matched,"
            "  coalesce(sum(amount_matched), 0) AS amount_matched,"
            "  coalesce(sum(amount_disbursed), 0) AS amount_disbursed,"
            "  count(*) FILTER (WHERE " + _OVERDUE + ") AS overdue,"
            # the exact median: the mean of the lower and the upper middle value
            "  (percentile_disc(0.5) WITHIN GROUP (ORDER BY wait)"
            "   + percentile_disc(0.5) WITHIN GROUP (ORDER BY wait DESC)) / 2 AS median_wait"
            "  FROM (SELECT *, extract(epoch FROM first_offer_at - posted_at) AS wait"
            "  FROM stats_needs WHERE {}) AS needs GROUP BY 1)"
            " SELECT " + _POSITION + " AS position, g.*,"
            " round(g.median_wait / 3600, 2) AS median_hours_to_first_offer"
            ' FROM (SELECT 1) AS one LEFT JOIN g ON true ORDER BY g.key COLLATE "C" NULLS LAST'
        ).format(conditions)
        params["overdue_before"] = now - timedelta(days=response_days)
        return _groups(self._rows(query, params), "needs")

    def service_groups(self, group_by: ServiceKey, period: Period) -> tuple[list[Row], int]:
        """Service requests submitted in the period, and their steps, by the key; and position."""
        where, params = period.clauses("submitted_at")
        conditions = SQL(" AND ").join(where) if where else SQL("true")
        request_key, step_key = SERVICE_KEYS[group_by]
        query = SQL(
            "WITH {}, f AS (" + FIGURES + ")"
            " SELECT " + _POSITION + " AS position, f.*"
            ' FROM (SELECT 1) AS one LEFT JOIN f ON true ORDER BY f.key COLLATE "C" NULLS LAST'
        ).format(service_figures(request_key, step_key, conditions))
        return _groups(self._rows(query, params), "requests")

    def sale_contracts_after(self, after: int, limit: int) -> list[Row]:
        """Sale contracts last changed after `after`, oldest change first, with their posting
        and the names of their parties."""
        query = SQL(
            "SELECT c.*, p.title, p.description, p.quantity, p.unit, p.side,"
            " p.status AS posting_status, p.bids AS bid_count,"
            " (SELECT jsonb_object_agg(o.id::text, o.name) FROM stats_organizations o"
            "   WHERE o.id IN (SELECT (x->>'organization_id')::uuid"
            "   FROM jsonb_array_elements(c.parties) AS x)) AS names"
            " FROM stats_contracts c JOIN stats_postings p ON p.id = c.posting_id"
            " WHERE c.kind = 'sale' AND c.position > %(after)s"
            " ORDER BY c.position LIMIT %(limit)s"
        )
        return self._rows(query, {"after": after, "limit": limit})


def _groups(rows: list[Row], counted: str) -> tuple[list[Row], int]:
    """The groups (a lone row without a count stands for none) and the position."""
    position = int(rows[0]["position"]) if rows else 0
    return [r for r in rows if r[counted] is not None], position
