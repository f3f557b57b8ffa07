"""Sample files of each accepted type (and some that are refused), made here, for the tests of
documents."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

from openpyxl import Workbook

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88"


def png(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "营业收入"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCUMENT_XML = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>合同附件</w:t></w:r></w:p></w:body></w:document>"
)


def zip_of(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def docx() -> bytes:
    return zip_of({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": DOCUMENT_XML})


def plain_zip() -> bytes:
    return zip_of({"readme.txt": "not an office file"})


def docx_without_main_part() -> bytes:
    return zip_of({"[Content_Types].xml": DOCX_TYPES})


def unique_pdf_bytes(label: str) -> bytes:
    """A PDF whose bytes no other test's has (its hash is new)."""
    return PDF + f"% {label} {os.urandom(8).hex()}\n".encode()
