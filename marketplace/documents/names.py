"""Documents' file names: cleaned on upload, and sent back in `Content-Disposition`."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

MAX_FILENAME = 120  # characters
FALLBACK = "document"


def clean_filename(name: str | None) -> str:
    """The last path part of a client's file name, without control characters, leading dots
    or surrounding blanks, at most `MAX_FILENAME` characters (the extension kept)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = base.strip().lstrip(".").strip()
    if not base:
        return FALLBACK
    if len(base) <= MAX_FILENAME:
        return base
    stem, dot, extension = base.rpartition(".")
    if dot and 0 < len(extension) <= 10 and stem:
        return stem[: MAX_FILENAME - len(extension) - 1].rstrip() + "." + extension
    return base[:MAX_FILENAME]


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact one as RFC 6266 / RFC 8187
    `filename*=UTF-8''…`, so that Chinese names arrive whole."""
    ascii_name = "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
