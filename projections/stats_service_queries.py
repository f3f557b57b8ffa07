"""The SQL of the service figures (API.md, "Service requests": `GET /stats/services` and the
`services` block of `GET /stats`), written once for both.

`service_figures` gives common table expressions ending in `sg`, one row per key with every
count and median; `FIGURES` selects from `sg` with the three rates. Requests and their
`closed` count under the request's key, each step (dispatch, acceptance, resolution,
feedback) under its own: the two are counted apart and joined by key, so a provider that was
dispatched a request and returned it has its dispatch counted without the request.
"""

from __future__ import annotations

from typing import LiteralString

from psycopg.sql import SQL, Composed


def _median(kind: LiteralString) -> LiteralString:
    """The exact median of the steps' waits (the mean of the lower and upper middle value), in
    hours rounded to 0.01, as `/stats/financing` computes its median."""
    only = " FILTER (WHERE s.kind = '" + kind + "')"
    return (
        "round((percentile_disc(0.5) WITHIN GROUP (ORDER BY s.wait)" + only + " +"
        " percentile_disc(0.5) WITHIN GROUP (ORDER BY s.wait DESC)" + only + ") / 2 / 3600, 2)"
    )


def _rate(part: LiteralString, whole: LiteralString) -> LiteralString:
    """A fraction to four places, half-up (numeric rounds ties away from zero); null if 0/0."""
    return "round(" + part + "::numeric / nullif(" + whole + ", 0), 4)"


def service_figures(
    request_key: LiteralString, step_key: LiteralString, period: SQL | Composed
) -> Composed:
    """The requests submitted in the period (`sr`), counted by `request_key` (over `sr`) and
    their steps by `step_key` (over `s`, the step, and `sr`, its request), joined in `sg`."""
    return SQL(
        "sr AS (SELECT * FROM stats_service_requests WHERE {}),"
        " sq AS (SELECT " + request_key + " AS key, count(*) AS requests,"
        "  count(*) FILTER (WHERE sr.closed) AS closed FROM sr GROUP BY 1),"
        " ss AS (SELECT " + step_key + " AS key,"
        "  count(*) FILTER (WHERE s.kind = 'dispatch') AS dispatched,"
        "  count(*) FILTER (WHERE s.kind = 'accept') AS accepted,"
        "  count(*) FILTER (WHERE s.kind = 'accept' AND s.at <= s.due) AS accepted_on_time,"
        "  count(*) FILTER (WHERE s.kind = 'resolve') AS resolved,"
        "  count(*) FILTER (WHERE s.kind = 'resolve' AND s.at <= s.due) AS resolved_on_time,"
        "  count(*) FILTER (WHERE s.kind = 'feedback') AS feedback,"
        "  count(*) FILTER (WHERE s.kind = 'feedback' AND s.satisfaction >= 4) AS satisfied,"
        "  " + _median("accept") + " AS median_hours_to_accept,"
        "  " + _median("resolve") + " AS median_hours_to_resolve"
        "  FROM (SELECT *, extract(epoch FROM at - started_at) AS wait"
        "  FROM stats_service_steps) AS s JOIN sr ON sr.id = s.request_id GROUP BY 1),"
        " sg AS (SELECT coalesce(sq.key, ss.key) AS key,"
        "  coalesce(sq.requests, 0) AS requests, coalesce(ss.dispatched, 0) AS dispatched,"
        "  coalesce(ss.accepted, 0) AS accepted,"
        "  coalesce(ss.accepted_on_time, 0) AS accepted_on_time,"
        "  coalesce(ss.resolved, 0) AS resolved,"
        "  coalesce(ss.resolved_on_time, 0) AS resolved_on_time,"
        "  coalesce(sq.closed, 0) AS closed, coalesce(ss.feedback, 0) AS feedback,"
        "  coalesce(ss.satisfied, 0) AS satisfied,"
        "  ss.median_hours_to_accept, ss.median_hours_to_resolve"
        # never-null keys but the requests' provider (null: not dispatched, no steps)
        "  FROM sq FULL JOIN ss ON sq.key = ss.key)"
    ).format(period)


FIGURES: LiteralString = (
    "SELECT sg.*, "
    + _rate("accepted_on_time", "dispatched")
    + " AS response_rate, "
    + _rate("resolved_on_time", "resolved")
    + " AS resolution_rate, "
    + _rate("satisfied", "feedback")
    + " AS satisfaction_rate FROM sg"
)
