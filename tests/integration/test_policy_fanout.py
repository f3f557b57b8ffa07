"""A policy's fan-out (`policy_published` to every enterprise it targets) streams the enterprises
from the view and appends the notifications (`Rows.scan`, `Rows.append`): the rows must be
the same however the events are cut into batches, live one by one, in one batch over rows
written earlier, or folded into empty tables as a rebuild and a cold catch-up do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from aggregates.organization import Organization
from aggregates.policy import Policy, checked
from projections.batches import Decoded, fold_events
from projections.engine import SCHEMA
from projections.notifications import NotificationsView
from projections.rows import Rows
from tests.conftest import fresh_database
from tests.support import new_credit_code

COLUMNS = "id, organization_id, kind, position, seq, created_at, subject_id, title_zh, title_en"


def enterprise(name: str, region: str, industry: str = "C39") -> Organization:
    return Organization(kind="enterprise", name=name, credit_code=new_credit_code(),
                        region=region, industry=industry, sealed_contact=None)  # fmt: skip


def policy(regions: list[str], industries: list[str]) -> Policy:
    fields = dict(title="数字化转型补贴", body="补助", issuer="市经信局", document_number=None,
                  topics=["digitalization"], regions=regions, industries=industries,
                  effective_from=None, effective_until=None, url=None)  # fmt: skip
    return Policy(publisher_id=enterprise("运营", "330106").id, **checked(fields))


def history() -> tuple[list[Decoded], dict[str, Aggregate]]:
    """Enterprises in and out of the targeting, two that move before the policy, one that
    registers after it; the events numbered as the log would."""
    inside, other_industry = enterprise("甲", "330106"), enterprise("乙", "330102", "A01")
    outside, moving_in = enterprise("丙", "440305"), enterprise("丁", "440305")
    moving_out, later = enterprise("戊", "330106"), enterprise("己", "330201")
    fanned = policy(["33"], ["C39"])
    events: list[Any] = []
    for org in (inside, other_industry, outside, moving_in, moving_out):
        events += org.collect_events()
    moving_in.change_profile({"region": "330108"}, recheck=False)
    moving_out.change_profile({"region": "110101"}, recheck=False)
    events += moving_in.collect_events() + moving_out.collect_events()
    events += fanned.collect_events() + later.collect_events()
    decoded = [(i + 1, get_topic(type(e)), e) for i, e in enumerate(events)]
    named = {"inside": inside, "moving_in": moving_in, "later": later, "policy": fanned}
    return decoded, named


HISTORY, NAMED = history()


@pytest.fixture(scope="module")
def server(pg_server_url: str) -> str:
    return pg_server_url


def created(url: str) -> psycopg.Connection[Any]:
    conn = psycopg.connect(url, autocommit=True)
    for statement in (*SCHEMA, *NotificationsView.schema):
        conn.execute(statement)
    return conn


def notifications(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return conn.execute(f"SELECT {COLUMNS} FROM notifications ORDER BY id").fetchall()


def folded(server: str, cuts: Sequence[int], *, empty: bool = False) -> list[tuple[Any, ...]]:
    """The notifications after folding the history in batches cut before `cuts`, each in one
    transaction as the live runner does (`empty`: into empty tables, as a rebuild and a cold
    catch-up do, all at once)."""
    view = NotificationsView(None)  # type: ignore[arg-type]
    with fresh_database(server) as url, created(url) as conn:
        after = 0
        for end in [*cuts, len(HISTORY)]:
            with conn.transaction(), conn.cursor() as cur:
                rows = Rows(conn, view.tables, empty=empty)
                fold_events(view, rows, [e for e in HISTORY if e[0] <= end], after)
                rows.flush(cur)
            after = end
        return notifications(conn)


def test_the_fan_out_is_the_same_in_every_way_of_folding(server: str) -> None:
    policy_at = next(p for p, _, e in HISTORY if isinstance(e, Policy.Published))
    ways = {
        "one by one": list(range(1, len(HISTORY))),
        "one batch": [],
        "registered earlier, moved in the policy's batch": [5],
        "everything before the policy earlier": [policy_at - 1],
    }
    results = {name: folded(server, cuts) for name, cuts in ways.items()}
    results["empty tables"] = folded(server, [], empty=True)
    expected = results.pop("one by one")
    told = {row[1] for row in expected if row[2] == "policy_published"}
    assert told == {NAMED[n].id for n in ("inside", "moving_in", "later")}
    assert [row[3] for row in expected if row[2] == "policy_published"].count(policy_at) == 2
    for name, found in results.items():
        assert found == expected, name
