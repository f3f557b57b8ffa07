"""Uploading a document and reading it back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, BinaryIO
from uuid import UUID, uuid4

from aggregates.errors import InvalidValueError, TooLargeError, UnsupportedMediaTypeError
from marketplace.documents import sniff
from marketplace.documents.blobs import CHUNK, Blobs
from marketplace.documents.names import clean_filename
from marketplace.documents.store import DocumentStore

KINDS = ("business_licence", "product", "financial_statement", "invoice", "other")

Row = dict[str, Any]


@dataclass(frozen=True)
class Documents:
    store: DocumentStore
    blobs: Blobs
    max_bytes: int
    orphan_after: timedelta = timedelta(hours=24)

    def upload(self, by: UUID, file: BinaryIO, filename: str | None, kind: str | None) -> Row:
        """Check the upload (size, then type by content), keep its bytes by hash and record it."""
        if kind is not None and kind not in KINDS:
            raise InvalidValueError(
                "kind must be one of " + ", ".join(KINDS),
                "类型须为 " + "、".join(KINDS) + " 之一",
                field="kind",
            )
        sha256, size = self._measure(file)
        media_type = sniff.media_type(file)
        if media_type is None:
            raise UnsupportedMediaTypeError(
                "only PDF, PNG, JPEG, WebP, XLSX and DOCX files are accepted (judged by content)",
                "仅接受 PDF、PNG、JPEG、WebP、XLSX 和 DOCX 文件（按文件内容判断）",
            )
        record = {
            "id": uuid4(),
            "organization_id": by,
            "sha256": sha256,
            "size": size,
            "media_type": media_type,
            "filename": clean_filename(filename),
            "kind": kind or "other",
        }
        record["uploaded_at"] = self.store.add(record, lambda: self.blobs.put(sha256, file))
        return record

    def _measure(self, file: BinaryIO) -> tuple[str, int]:
        file.seek(0)
        digest, size = hashlib.sha256(), 0
        while chunk := file.read(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise too_large(self.max_bytes)
            digest.update(chunk)
        if size == 0:
            raise InvalidValueError("the file is empty", "文件为空", field="file")
        return digest.hexdigest(), size

    def record(self, document_id: UUID) -> Row | None:
        return self.store.get(document_id)

    def chunks(self, sha256: str) -> Iterator[bytes]:
        return self.blobs.chunks(sha256)

    def purge(self) -> int:
        """Delete uploads attached to nothing for `orphan_after`; how many."""
        return self.store.purge(self.orphan_after, self.blobs.delete)


def too_large(limit: int) -> TooLargeError:
    mib = f"{limit / 1024 / 1024:g} MiB"
    return TooLargeError(f"a document may be at most {mib}", f"文件不能超过 {mib}")
