"""What a document is, recognised from its content: never from its name or the client's type.

Six types are accepted. Four have a fixed signature at the start of the file (PDF, PNG,
JPEG, WebP); XLSX and DOCX are both ZIP archives (Office Open XML), told apart by the content
type their `[Content_Types].xml` declares for the package's main part, which must exist. A
handful of signatures and the standard library's `zipfile` do this exactly; a general
"magic" library would add a dependency and still guess at ZIP-based formats.
"""

from __future__ import annotations

import re
import zipfile
from typing import BinaryIO

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ACCEPTED = (PDF, PNG, JPEG, WEBP, XLSX, DOCX)
IMAGES = frozenset({PNG, JPEG, WEBP})

# The content type of each OOXML package's main part ([Content_Types].xml, ECMA-376 part 2).
MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
}
CONTENT_TYPES = "[Content_Types].xml"
MAX_CONTENT_TYPES_BYTES = 1024 * 1024  # a real one is a few kilobytes
OVERRIDE = re.compile(rb"<Override\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(rb'\b(PartName|ContentType)\s*=\s*"([^"]*)"')


def media_type(file: BinaryIO) -> str | None:
    """The media type of the file's content, or None when it is none of the accepted ones.
    Reads from the start; leaves the position anywhere."""
    file.seek(0)
    head = file.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _office(file)
    return None


def _office(file: BinaryIO) -> str | None:
    """XLSX or DOCX by the main part its package declares and holds; anything else None."""
    try:
        with zipfile.ZipFile(file) as archive:
            info = archive.getinfo(CONTENT_TYPES)
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            declared = archive.read(info)
            names = set(archive.namelist())
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, ValueError):
        return None  # not a readable ZIP, encrypted, or no [Content_Types].xml
    for override in OVERRIDE.findall(declared):
        attributes = {k.lower(): v for k, v in ATTRIBUTE.findall(override)}
        found = MAIN_PARTS.get(attributes.get(b"contenttype", b"").decode("ascii", "replace"))
        part = attributes.get(b"partname", b"").decode("utf-8", "replace").lstrip("/")
        if found is not None and part in names:
            return found
    return None
