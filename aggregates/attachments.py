"""Documents attached to an aggregate, as events on the subject's own stream.

The bytes live outside the log, addressed by their SHA-256; the events carry
`{document_id, sha256, filename, size, media_type, kind}` for each document, so the audit log
proves which exact file was attached to what. Each aggregate that takes documents inherits
`Attachable`; eventsourcing gives every subclass its own event classes
(`Posting.DocumentsAttached`, `Contract.DocumentsAttached`, …), so their stored topics name the
subject.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from aggregates.errors import ConflictError, InvalidValueError

MAX_DOCUMENTS = 10  # per subject (a posting, a need, a request, …)

Document = dict[str, Any]  # {document_id, sha256, filename, size, media_type, kind}


class Attachable(Aggregate):
    """An aggregate that documents can be attached to (and, where the use case allows,
    detached from)."""

    class DocumentsAttached(Aggregate.Event):
        documents: list[Document]

        def apply(self, aggregate: Any) -> None:
            aggregate._attached = [*aggregate.documents, *self.documents]
            aggregate.documents_changed()

    class DocumentsDetached(Aggregate.Event):
        document_ids: list[str]

        def apply(self, aggregate: Any) -> None:
            gone = set(self.document_ids)
            aggregate._attached = [d for d in aggregate.documents if d["document_id"] not in gone]
            aggregate.documents_changed()

    @property
    def documents(self) -> list[Document]:
        """The documents attached now, in the order they were attached."""
        return list(getattr(self, "_attached", []))

    def documents_changed(self) -> None:
        """Called after each attachment or detachment (a contract's terms follow them)."""

    def attach_documents(self, documents: list[Document], **extra: Any) -> None:
        """Attach documents not attached yet; `extra` goes into each one's entry (the note
        they came with)."""
        known = {d["document_id"] for d in self.documents}
        new = [{**d, **extra} for d in documents if d["document_id"] not in known]
        if not new and documents:
            raise ConflictError("the document is already attached", "该文件已添加")
        _check_count(len(known) + len(new))
        if new:
            self.trigger_event(type(self).DocumentsAttached, documents=new)

    def replace_documents(self, documents: list[Document]) -> None:
        """Make the attached documents exactly these: detach the others, attach the new."""
        wanted = {d["document_id"] for d in documents}
        _check_count(len(wanted))
        gone = [d["document_id"] for d in self.documents if d["document_id"] not in wanted]
        if gone:
            self.trigger_event(type(self).DocumentsDetached, document_ids=gone)
        known = {d["document_id"] for d in self.documents}
        new = [d for d in documents if d["document_id"] not in known]
        if new:
            self.trigger_event(type(self).DocumentsAttached, documents=new)


def _check_count(count: int) -> None:
    if count > MAX_DOCUMENTS:
        raise InvalidValueError(
            f"at most {MAX_DOCUMENTS} documents may be attached",
            f"最多可添加 {MAX_DOCUMENTS} 个文件",
            field="documents",
        )
