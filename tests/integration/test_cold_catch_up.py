"""Cold catch-up (`projections.cold`): views with an empty read side, folded from the whole log in
one pass, hold exactly what a rebuild builds, and go on live from there; a view that cannot fold
an event in that pass falls back to the batches, which record the event and skip it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import psycopg
import pytest

from marketplace.bootstrap import Services, head_position
from projections import cold, engine
from projections.engine import ProjectionRunner
from projections.failures import Retry
from projections.listings import ListingsView
from tests.bench.generate import Generator
from tests.budgets import GENEROUS_BUDGETS
from tests.conftest import fresh_database
from tests.integration.test_projections import (
    assert_same,
    clean_rebuild,
    positions,
    snapshot,
    wait_until,
)
from tests.services import opened_services


@pytest.fixture
def services(pg_server_url: str, tmp_path: Path) -> Iterator[Services]:
    with (
        fresh_database(pg_server_url) as url,
        opened_services(url, tmp_path / "data", **GENEROUS_BUDGETS) as opened,
    ):
        yield opened


def write(services: Services, open_postings: int, seed: int) -> int:
    """A history of every kind of aggregate (the benchmark store's generator, small); its head."""
    aggregates = list(Generator(open_postings, seed=seed).aggregates())
    for start in range(0, len(aggregates), 200):
        services.app.save(*aggregates[start : start + 200])
    return head_position(services.db)


def run(services: Services, views: list[Any], until: int, processes: int = 2) -> ProjectionRunner:
    runner = ProjectionRunner(services.app, services.url, views, cold_after=1,
                              cold_processes=processes, retry=Retry(0, 0.01),
                              reconnect=0.1)  # fmt: skip
    runner.start()
    wait_until(lambda: at(services, views, until), 60, "the catch-up")
    return runner


def at(services: Services, views: list[Any], head: int) -> bool:
    return positions(services.url) == {view.name: head for view in views}


@pytest.mark.parametrize("processes", [1, 2])
def test_cold_catch_up_builds_what_a_rebuild_builds_then_goes_on_live(
    services: Services, processes: int
) -> None:
    """In one process, and with the views split between two forked ones."""
    head = write(services, open_postings=150, seed=3)
    views = services.views.all()
    indexes = index_definitions(services.url)
    assert "listings_search_idx" in indexes
    passes: list[dict[str, int]] = []

    def one_pass(*args: Any, **kwargs: Any) -> dict[str, int]:
        done: dict[str, int] = cold.cold_catch_up(*args, **kwargs)
        passes.append(done)
        return done

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "cold_catch_up", one_pass)
        runner = run(services, views, head, processes)
    try:
        # Every view reached the head in the one pass: none was left to the batches. (The
        # children write their views before the parent sees them end: wait for its answer.)
        wait_until(lambda: bool(passes), 30, "the one pass to return")
        assert passes == [{view.name: head for view in views}], "not in one pass"
        first = snapshot(services.url, views)
        # The secondary indexes, dropped while the rows were COPYed in, are all back as were.
        assert index_definitions(services.url) == indexes
        assert len(first["listings"]) > 150 and len(first["bids"]) > 300
        assert len(first["contracts"]) > 10 and len(first["financing_needs"]) > 40
        head = write(services, open_postings=100, seed=4)  # live, batch by batch now
        wait_until(lambda: at(services, views, head), 60, "the new events")
    finally:
        runner.stop()
        runner.join(10)
    live = snapshot(services.url, views)
    assert len(live["listings"]) > len(first["listings"])
    assert_same(live, clean_rebuild(services))


def index_definitions(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        ).fetchall()
    return dict(rows)


class BrittleListings(ListingsView):
    """Listings that cannot fold the posting whose title ends in `#7`."""

    broken: ClassVar[str] = " #7"

    def fold(self, event: Any, rows: Any, position: int) -> None:
        if str(getattr(event, "title", "")).endswith(self.broken):
            raise ValueError("cannot fold this posting")
        super().fold(event, rows, position)


def test_a_view_that_fails_in_one_pass_goes_on_batch_by_batch(services: Services) -> None:
    head = write(services, open_postings=60, seed=5)
    brittle = BrittleListings(services.db.pool)
    views = [brittle, services.views.bids]
    runner = run(services, views, head)
    runner.stop()
    runner.join(10)
    with psycopg.connect(services.url) as conn:
        failed = conn.execute("SELECT view, topic FROM projection_failures").fetchall()
        listed = conn.execute("SELECT count(*) FROM listings WHERE title LIKE '%% #7'").fetchone()
    assert failed == [("listings", "aggregates.posting:Posting.Published")]
    assert listed == (0,)  # recorded and skipped, every other posting listed
