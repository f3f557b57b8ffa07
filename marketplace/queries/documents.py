"""Who may download a document, and the documents attached to what a caller reads.

A document is readable by its uploader and by whoever may read a subject it is attached to,
by the same rules as that subject's own route (the query objects of its context decide); an
organization's own documents (a business licence) by that organization and staff only.
Anyone else gets `404`, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aggregates.errors import DomainError, NotFoundError
from marketplace.documents.uploads import Documents
from marketplace.queries.contracts import ContractQueries
from marketplace.queries.financing import FinancingQueries, may_read_needs
from marketplace.queries.postings import PostingQueries
from marketplace.queries.service_requests import ServiceRequestQueries
from marketplace.queries.viewer import Viewer

Row = dict[str, Any]
PUBLIC_FIELDS = ("id", "sha256", "filename", "size", "media_type", "kind")


@dataclass(frozen=True)
class DocumentQueries:
    documents: Documents
    postings: PostingQueries
    financing: FinancingQueries
    service_requests: ServiceRequestQueries
    contracts: ContractQueries

    def readable(self, viewer: Viewer, document_id: UUID) -> Row:
        """The document's record, if `viewer` may download it; else 404."""
        row = self.documents.record(document_id)
        if row is None or not self._may_read(viewer, row):
            raise NotFoundError("document not found", "未找到该文件")
        return row

    def _may_read(self, viewer: Viewer, row: Row) -> bool:
        if viewer.id is not None and viewer.id == row["organization_id"]:
            return True
        subjects = self.documents.store.subjects(row["id"])
        return any(self._may_read_subject(viewer, kind, id_) for kind, id_ in subjects)

    def _may_read_subject(self, viewer: Viewer, kind: str, subject_id: UUID) -> bool:
        if kind == "organization":
            return viewer.sees_as_party({subject_id})
        if kind == "financing_need" and not may_read_needs(viewer):
            return False
        read = self._readers().get(kind)
        if read is None:
            return False
        try:
            read(viewer, subject_id)
        except DomainError:
            return False
        return True

    def _readers(self) -> dict[str, Callable[[Viewer, UUID], object]]:
        return {
            "posting": self.postings.posting_for,
            "financing_need": self.financing.need,
            "service_request": self.service_requests.request,
            "contract": self.contracts.contract,
        }

    def attached(self, subject_ids: Iterable[UUID]) -> dict[UUID, list[Row]]:
        """Each subject's documents (its readers may read them), as reads show them."""
        found = self.documents.store.of_subjects(subject_ids)
        return {
            subject: [{**{k: d[k] for k in PUBLIC_FIELDS}, "id": str(d["id"])} for d in documents]
            for subject, documents in found.items()
        }

    def with_documents(self, rows: list[Row], key: str = "id") -> list[Row]:
        """The rows, each with its `documents` (one query for them all)."""
        found = self.attached(row[key] for row in rows)
        for row in rows:
            row["documents"] = found.get(row[key], [])
        return rows
