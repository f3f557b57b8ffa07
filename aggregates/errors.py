"""Domain errors. Each carries an English and a Chinese message; the API maps them to RFC 9457."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused. Nothing was written."""

    code = "domain_error"

    def __init__(self, en: str, zh: str, *, field: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh
        self.field = field


class InvalidValueError(DomainError):
    """A value does not satisfy its rules (answered 422)."""

    code = "invalid_value"


class NotFoundError(DomainError):
    """No such aggregate, or not visible to the caller (answered 404)."""

    code = "not_found"


class ForbiddenError(DomainError):
    """The caller may not do this (answered 403)."""

    code = "forbidden"


class ConflictError(DomainError):
    """Not allowed in the current state (answered 409)."""

    code = "conflict"


class TooLargeError(DomainError):
    """An upload is larger than allowed (answered 413)."""

    code = "too_large"


class UnsupportedMediaTypeError(DomainError):
    """An upload's content is of a type not accepted (answered 415)."""

    code = "unsupported_media_type"


class VersionMismatchError(DomainError):
    """An If-Match precondition failed (answered 412)."""

    code = "version_mismatch"


def require_change(before: object, after: object) -> None:
    """A revision that would change nothing is refused (409), so it appends no event."""
    if before == after:
        raise ConflictError("nothing would change", "没有任何修改")
