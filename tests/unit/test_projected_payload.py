"""The `market_projected` payload: one view, or every view a batch moved past, and a position."""

from __future__ import annotations

from typing import Any

from projections.batches import PROJECTED_CHANNEL, announce_positions, projected_views


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def execute(self, query: str, params: tuple[str, str]) -> Any:
        assert "pg_notify" in query
        self.sent.append(params)


def test_one_notification_names_every_view_and_reads_back() -> None:
    cursor = Recorder()
    announce_positions(cursor, ["listings", "bids", "stats"], 1234)  # type: ignore[arg-type]
    assert cursor.sent == [(PROJECTED_CHANNEL, "listings,bids,stats:1234")]
    assert projected_views(cursor.sent[0][1]) == (["listings", "bids", "stats"], 1234)
    assert projected_views("notifications:7") == (["notifications"], 7)
