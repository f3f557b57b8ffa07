"""The text of a PDF as a reader extracts it (pypdf), for tests of the PDF documents."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

PDF = "application/pdf"


def pdf_text(content: bytes) -> str:
    """Every page's text, pages joined by newlines."""
    assert content.startswith(b"%PDF-"), content[:20]
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeezed(text: str) -> str:
    """The text without any white space: a long value (a digest) may wrap across lines."""
    return re.sub(r"\s+", "", text)
