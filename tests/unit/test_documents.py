"""Documents without a database: recognising types by content, cleaning file names, the
Content-Disposition header, and the attachment rules of aggregates."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import unquote
from uuid import UUID

import pytest

from aggregates.attachments import MAX_DOCUMENTS
from aggregates.contract import Contract
from aggregates.errors import ConflictError, InvalidValueError
from marketplace.documents import sniff
from marketplace.documents.names import MAX_FILENAME, clean_filename, content_disposition
from tests.documents_support import (
    DOCX_TYPES,
    JPEG,
    PDF,
    WEBP,
    docx,
    docx_without_main_part,
    plain_zip,
    png,
    xlsx,
    zip_of,
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, sniff.PDF),
        (png(), sniff.PNG),
        (JPEG, sniff.JPEG),
        (WEBP, sniff.WEBP),
        (xlsx(), sniff.XLSX),
        (docx(), sniff.DOCX),
    ],
)
def test_accepted_types_are_recognised_by_their_bytes(content: bytes, expected: str) -> None:
    assert sniff.media_type(io.BytesIO(content)) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"%PD",
        b"GIF89a\x01\x00\x01\x00",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",
        b"PK\x03\x04 truncated zip",
        plain_zip(),
        docx_without_main_part(),
        zip_of({"[Content_Types].xml": DOCX_TYPES.replace("wordprocessingml", "presentationml")}),
    ],
)
def test_anything_else_is_not_recognised(content: bytes) -> None:
    assert sniff.media_type(io.BytesIO(content)) is None


def test_a_docx_renamed_xlsx_is_still_a_docx() -> None:
    # the name never counts; the package's declared main part does
    assert sniff.media_type(io.BytesIO(docx())) == sniff.DOCX


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("营业执照.pdf", "营业执照.pdf"),
        ("C:\\Users\\张三\\Desktop\\报表.xlsx", "报表.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("  .hidden.pdf ", "hidden.pdf"),
        ("bad\x00na\x1bme\u202e.pdf", "badname.pdf"),
        ("", "document"),
        (None, "document"),
        ("/", "document"),
        ("...", "document"),
    ],
)
def test_file_names_are_cleaned(given: str | None, expected: str) -> None:
    assert clean_filename(given) == expected


def test_long_names_keep_their_extension() -> None:
    name = clean_filename("合同" * 200 + ".docx")
    assert len(name) == MAX_FILENAME and name.endswith(".docx")
    assert len(clean_filename("x" * 500)) == MAX_FILENAME


def test_content_disposition_carries_chinese_names_whole() -> None:
    header = content_disposition('质量"标准"\\.pdf')
    assert header.startswith('attachment; filename="')
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == '质量"标准"\\.pdf'
    assert all(c.isascii() and c not in " ;\"'" for c in encoded)


def document(n: int) -> dict[str, object]:
    return {
        "document_id": f"00000000-0000-4000-8000-{n:012d}",
        "sha256": f"{n:064x}",
        "filename": f"{n}.pdf",
        "size": n,
        "media_type": sniff.PDF,
        "kind": "other",
    }


def contract() -> Contract:
    parties = [
        {"organization_id": "00000000-0000-4000-8000-00000000000a", "role": "buyer"},
        {"organization_id": "00000000-0000-4000-8000-00000000000b", "role": "seller"},
    ]
    return Contract(
        kind="sale",
        parties=parties,
        terms={"title": "钢材"},
        amount=Decimal("10.00"),
        currency="CNY",
        source={"posting_id": "p", "bid_id": "b"},
        exhibition_id=None,
    )


def test_a_contract_attachment_changes_the_digest_and_voids_signatures() -> None:
    drafted = contract()
    buyer = UUID(drafted.parties[0]["organization_id"])
    before = drafted.digest
    drafted.sign(buyer, before, datetime.now(UTC))
    drafted.attach_document(buyer, document(1))
    assert drafted.terms["documents"] == [{"sha256": f"{1:064x}", "filename": "1.pdf"}]
    assert drafted.digest != before and drafted.signatures == {}
    with pytest.raises(ConflictError):
        drafted.attach_document(buyer, document(1))  # already attached


def test_at_most_ten_documents() -> None:
    drafted = contract()
    buyer = UUID(drafted.parties[0]["organization_id"])
    for n in range(MAX_DOCUMENTS):
        drafted.attach_document(buyer, document(n + 1))
    with pytest.raises(InvalidValueError):
        drafted.attach_document(buyer, document(99))
    with pytest.raises(InvalidValueError):
        drafted.replace_documents([document(n + 100) for n in range(MAX_DOCUMENTS + 1)])
