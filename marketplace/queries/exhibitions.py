"""Reads of exhibitions (public) and their signups (each enterprise its own; staff all)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from aggregates.errors import NotFoundError
from marketplace.queries.viewer import Viewer
from projections.exhibitions import ExhibitionsView
from projections.pages import Page
from projections.signups import SignupsView

Row = dict[str, Any]


@dataclass(frozen=True)
class ExhibitionQueries:
    exhibitions: ExhibitionsView
    signups: SignupsView
    clock: Callable[[], datetime]

    def list_exhibitions(self, **filters: Any) -> Page:
        """Public: newest scheduled first, with their signup counts."""
        return self.exhibitions.list_exhibitions(**filters, now=self.clock())

    def exhibition(self, exhibition_id: UUID) -> Row:
        row = self.exhibitions.get_exhibition(exhibition_id, self.clock())
        if row is None:
            raise NotFoundError("exhibition not found", "未找到该展会")
        return row

    def list_signups(self, viewer: Viewer, exhibition_id: UUID, **filters: Any) -> Page:
        """In signup order: staff see all, an organization only its own."""
        self.exhibition(exhibition_id)
        own = None if viewer.is_staff else viewer.id
        return self.signups.list_signups(exhibition_id, own, **filters)
