"""The programme report's SQL (API.md, "Contract document and programme report"): every figure
for one period of China Standard Time days, in one statement, so all are the fold of the log up
to the one position it answers. Each thing counts on the day it happened: an act, a request's
submission, a policy's publication, an activity's start (if started and not cancelled), a
posting's publication, a contract's last signature, a need's posting, match or disbursement.
Amounts are CNY, as in `GET /stats`."""

from __future__ import annotations

from datetime import datetime
from typing import LiteralString

from psycopg.sql import SQL, Composed

from projections.rows import Row
from projections.stats_queries import _DONE, _HELD_BY_KIND, _POSITION, Period, StatsQueries
from projections.stats_service_queries import FIGURES, service_figures

_STARTED: LiteralString = "status <> 'cancelled' AND starts_at <= %(now)s"


def _kind(kind: LiteralString) -> LiteralString:
    """Count and CNY amount of the contracts of a kind (over `done`)."""
    return (
        "count(*) FILTER (WHERE kind = '" + kind + "') AS " + kind + "_contracts,"
        " coalesce(sum(amount) FILTER (WHERE kind = '" + kind + "' AND currency = 'CNY'), 0)"
        " AS " + kind + "_amount"
    )


class ReportQueries(StatsQueries):
    """The programme report's read of `StatsView`."""

    def programme(self, period: Period, *, now: datetime) -> Row:
        """Every figure of the report for the period, with the view's position."""

        def within(column: LiteralString) -> Composed | SQL:
            where, _ = period.clauses(column)
            return SQL(" AND ").join(where) if where else SQL("true")

        _, params = period.clauses("at")
        query = SQL(
            "WITH a AS (SELECT count(DISTINCT a.organization_id) AS enterprises_served"
            "  FROM stats_acts a JOIN stats_organizations o ON o.id = a.organization_id"
            "  WHERE o.kind = 'enterprise' AND {acts}),"
            " pl AS (SELECT count(*) AS policies FROM stats_policies WHERE {policies}),"
            " e AS (SELECT " + _HELD_BY_KIND + "  coalesce(sum(attended), 0)::bigint"
            "  AS participants, coalesce(sum(attended) FILTER (WHERE kind IN"
            "  ('lecture', 'training')), 0)::bigint AS trained,"
            "  coalesce(sum(checked_in) FILTER (WHERE kind = 'exhibition'), 0)::bigint"
            "  AS exhibitors FROM stats_exhibitions WHERE " + _STARTED + " AND {activities}),"
            " p AS (SELECT count(*) AS postings FROM stats_postings WHERE {postings}),"
            " c AS (SELECT " + _kind("sale") + ", " + _kind("loan") + " FROM stats_contracts"
            "  WHERE " + _DONE + " AND {contracts}),"
            " n AS (SELECT count(*) FILTER (WHERE {posted}) AS needs,"
            "  count(*) FILTER (WHERE {matched}) AS matched,"
            "  coalesce(sum(amount_matched) FILTER (WHERE {matched}), 0) AS amount_matched,"
            "  coalesce(sum(amount_disbursed) FILTER (WHERE {disbursed}), 0)"
            "  AS amount_disbursed,"
            "  count(DISTINCT owner_id) FILTER (WHERE {disbursed}) AS financed"
            "  FROM stats_needs), {services},"
            " sv AS (SELECT coalesce(sum(requests), 0)::bigint AS service_requests,"
            "  coalesce(sum(closed), 0)::bigint AS service_closed,"
            "  max(response_rate) AS response_rate, max(resolution_rate) AS resolution_rate,"
            "  max(satisfaction_rate) AS satisfaction_rate FROM (" + FIGURES + ") AS f)"
            " SELECT *, " + _POSITION + " AS position FROM a, pl, e, p, c, n, sv"
        ).format(
            acts=within("a.at"),
            policies=within("published_at"),
            activities=within("starts_at"),
            postings=within("published_at"),
            contracts=within("signed_at"),
            posted=within("posted_at"),
            matched=within("matched_at"),
            disbursed=within("disbursed_at"),
            services=service_figures("''", "''", within("submitted_at")),
        )
        params["now"] = now
        return self._rows(query, params)[0]
