"""`match` messages: when a posting is published, tell the owners of its best counterparts.

Best effort, off the hub's thread so that matching never delays delivery: the hub hands each
`Posting.Published` to a bounded queue (dropped when full, or when nobody signed in listens),
and this thread ranks the listings view's open postings of the other side and sends
`{"type": "match", "position", "posting_id", "match_id", "score"}` to every socket of each
owner of the best `stream_match_count` matches scoring at least `stream_match_min_score`.
A match message carries the position of the `Published` event; it is not part of the
resumable event sequence (a resume does not replay it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
from collections.abc import Sequence
from typing import Any

from marketplace.bootstrap import Services
from marketplace.stream.delivery import Delivery
from marketplace.stream.hub import StreamHub
from marketplace.workers import Worker
from projections.posting_matching import Terms, matching_postings

log = logging.getLogger(__name__)


class MatchNotifier(Worker):
    def __init__(self, services: Services, hub: StreamHub) -> None:
        super().__init__("stream-matches", backoff=0.5)
        self.services = services
        self.hub = hub
        self.pending: queue.Queue[Delivery | None] = queue.Queue(maxsize=1000)

    def __call__(self, batch: Sequence[Delivery]) -> None:
        """The hub's listener, on the hub's thread: queue new postings, never block."""
        settings = self.services.settings
        if settings.stream_match_count == 0 or not self.hub.has_signed_in():
            return
        for delivery in batch:
            if delivery.posting is not None:
                try:
                    self.pending.put_nowait(delivery)
                except queue.Full:
                    log.warning("match notifications dropped: the queue is full")

    def stop(self) -> None:
        super().stop()
        with contextlib.suppress(queue.Full):  # then the thread is not waiting in `get`
            self.pending.put_nowait(None)

    def session(self) -> None:
        """One queued posting: its matches are sent, or the failure is logged (best effort)."""
        delivery = self.pending.get()
        if delivery is None:
            return
        try:
            self._notify(delivery)
        except Exception:
            log.exception("cannot compute matches at position %s", delivery.position)

    def _notify(self, delivery: Delivery) -> None:
        settings = self.services.settings
        posting: Any = delivery.posting
        terms = Terms.of(posting)
        now = self.services.app.clock()
        pool = self.services.views.listings.pool
        matches = matching_postings(pool, terms, now, settings.stream_match_count)
        for match in matches:
            if match.score < settings.stream_match_min_score:
                continue
            text = json.dumps(
                {
                    "type": "match",
                    "position": delivery.position,
                    "posting_id": str(posting.originator_id),
                    "match_id": str(match.posting["id"]),
                    "score": match.score,
                }
            )
            self.hub.send_to(match.posting["owner_id"], delivery.position, text)
