"""Deletes uploaded documents that have been attached to nothing for a day (the setting
`MARKET_DOCUMENT_ORPHAN_HOURS`), in the projection process beside the deadline scheduler."""

from __future__ import annotations

from marketplace.documents.uploads import Documents
from marketplace.workers import Worker

PURGE_EVERY = 60.0  # seconds


class DocumentPurger(Worker):
    def __init__(self, documents: Documents, interval: float = PURGE_EVERY) -> None:
        super().__init__("document-purge", backoff=interval, period=interval)
        self.documents = documents

    def session(self) -> None:
        self.tick()

    def tick(self) -> int:
        """One pass; the number of uploads deleted."""
        purged = self.documents.purge()
        if purged:
            self.log.info("deleted %d unattached upload(s)", purged)
        return purged
