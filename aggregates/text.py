"""Text that PostgreSQL and every reader can hold: no NUL or other C0 control characters.

Tab, line feed and carriage return are allowed; every other character below U+0020 is
refused at the door (API.md, "Conventions, tightened") and removed by the views from text
that entered the log before that rule (so such an event never stops a view).
"""

from __future__ import annotations

import re

from aggregates.errors import InvalidValueError

MAX_REASON_LENGTH = 500
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def without_control_characters(text: str) -> str:
    """The text with NUL and the other C0 controls (but tab, LF, CR) removed."""
    return CONTROL_CHARACTERS.sub("", text)


def check_text(text: str, field: str) -> str:
    """The text itself, or InvalidValueError if it holds control characters."""
    if has_control_characters(text):
        raise ControlCharactersError(field)
    return text


class ControlCharactersError(InvalidValueError):
    """Text holding NUL or another C0 control character (tab, LF and CR are fine)."""

    code = "control_characters"

    def __init__(self, field: str) -> None:
        super().__init__(
            f"{field} must not contain control characters (NUL, escape …)",
            f"{field} 不能包含控制字符（如 NUL、ESC）",
            field=field,
        )


def moderation_reason(reason: str | None, en: str, zh: str) -> str:
    """A decision's reason, 1 to 500 characters once stripped; 422 naming `reason` if not."""
    text = (reason or "").strip()
    if not 1 <= len(text) <= MAX_REASON_LENGTH:
        raise InvalidValueError(
            f"{en} needs a reason of 1 to 500 characters",
            f"{zh}须说明理由（1 至 500 个字符）",
            field="reason",
        )
    return text
