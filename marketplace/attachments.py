"""Attaching uploaded documents to postings, needs, requests, organizations and contracts.

Only the uploader attaches its own document. What each subject's events carry about a
document comes from its upload record (`marketplace.documents.store`), and the links that
let its readers download it are written in the same transaction as those events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol
from uuid import UUID

from aggregates.attachments import Attachable, Document
from aggregates.errors import InvalidValueError
from aggregates.organization import Organization
from marketplace.commands import MarketplaceBase, Outcome
from marketplace.documents.store import link_statements
from marketplace.stores.side_effects import SideEffect


class DocumentCatalog(Protocol):
    def find(self, document_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]: ...


def entry(row: dict[str, Any]) -> Document:
    """What an event records of a document."""
    return {
        "document_id": str(row["id"]),
        "sha256": row["sha256"],
        "filename": row["filename"],
        "size": int(row["size"]),
        "media_type": row["media_type"],
        "kind": row["kind"],
    }


def linked(subject_type: str) -> Callable[[Attachable], list[SideEffect]]:
    """The side effects that make a subject's link rows match its attached documents."""

    def statements(subject: Attachable) -> list[SideEffect]:
        ids = [d["document_id"] for d in subject.documents]
        return link_statements(subject_type, subject.id, ids)

    return statements


class AttachmentGate(MarketplaceBase):
    """The check every attaching use case shares: the caller's own uploads, by id."""

    document_catalog: DocumentCatalog | None = None  # set by the wiring (bootstrap)

    def own_documents(
        self, by: UUID, document_ids: Sequence[UUID] | None, field: str = "documents"
    ) -> list[Document]:
        if not document_ids:
            return []
        if len(set(document_ids)) != len(document_ids):
            raise InvalidValueError("a document is named twice", "同一文件重复出现", field=field)
        found = self.document_catalog.find(document_ids) if self.document_catalog else {}
        for document_id in document_ids:
            row = found.get(document_id)
            if row is None or row["organization_id"] != by:
                raise InvalidValueError(
                    f"no document {document_id} uploaded by you: upload it first (POST /documents)",
                    f"未找到您上传的文件 {document_id}，请先上传（POST /documents）",
                    field=field,
                )
        return [entry(found[i]) for i in document_ids]


class OrganizationDocumentUseCases(AttachmentGate):
    def attach_organization_document(
        self, org_id: UUID, document_id: UUID
    ) -> Outcome[Organization]:
        """An organization files one of its documents (a business licence for verification)."""
        documents = self.own_documents(org_id, [document_id], "document_id")
        return self.change(
            Organization,
            org_id,
            ("organization", "机构"),
            lambda org: org.attach_documents(documents),
            side_effects=linked("organization"),
        )
