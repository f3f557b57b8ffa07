"""Where documents' bytes are kept, by their SHA-256: files under the data directory, or an
S3-compatible bucket (`MARKET_DOCUMENTS_URL=s3://bucket/prefix`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlsplit

CHUNK = 64 * 1024


class Blobs(Protocol):
    def put(self, sha256: str, file: BinaryIO) -> None:
        """Store the file's bytes (read from its start) under their hash."""

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The stored bytes, in chunks; FileNotFoundError when there are none."""

    def delete(self, sha256: str) -> None:
        """Remove the bytes (nothing happens when there are none)."""


class LocalBlobs:
    """`<root>/ab/cd/abcd…`: written to a temporary file beside it, then renamed into place,
    so a reader never sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, sha256: str, file: BinaryIO) -> None:
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        file.seek(0)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(file, out, CHUNK)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def chunks(self, sha256: str) -> Iterator[bytes]:
        with self.path(sha256).open("rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)


class S3Blobs:
    """Objects `<prefix>/<sha256>` in one bucket, through boto3 (endpoint and credentials from
    the standard AWS settings, or `MARKET_S3_ENDPOINT_URL`)."""

    def __init__(self, url: str, endpoint_url: str | None = None) -> None:
        import boto3  # only when S3 is configured

        parts = urlsplit(url)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url)

    def key(self, sha256: str) -> str:
        return f"{self.prefix}/{sha256}" if self.prefix else sha256

    def put(self, sha256: str, file: BinaryIO) -> None:
        file.seek(0)
        self.client.upload_fileobj(file, self.bucket, self.key(sha256))

    def chunks(self, sha256: str) -> Iterator[bytes]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except self.client.exceptions.NoSuchKey as error:
            raise FileNotFoundError(sha256) from error
        body = answer["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))


def open_blobs(data_dir: Path, documents_url: str | None, endpoint_url: str | None) -> Blobs:
    if documents_url:
        return S3Blobs(documents_url, endpoint_url)
    return LocalBlobs(data_dir / "documents")
