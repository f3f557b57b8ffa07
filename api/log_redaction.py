"""No log line ever contains a session token.

`RedactTokens` is a logging filter that rewrites a record's message, its string arguments and
its traceback text: `token=<value>` in query strings (also `access_token=` and the like,
and percent-encoded spellings such as `%74oken=`, which Starlette decodes to `token`)
becomes `token=[redacted]`; a `bearer.<token>` subprotocol becomes `bearer.[redacted]` and an
`Authorization: Bearer <token>` value `Bearer [redacted]`. String arguments are rewritten one
by one, so uvicorn's access formatter, which unpacks `record.args`, still works.

`install()` puts it on uvicorn's loggers (access, error: the websockets handshake is logged
there) and on the root logger's handlers. A filter on a logger survives uvicorn's logging
set-up (`dictConfig` replaces handlers, not logger filters), and `create_app` calls it, so it
is in place in every worker process of `market serve --workers N` too.
"""

from __future__ import annotations

import logging
import re
from typing import Any


def _letter(c: str) -> str:
    """`c` as written in a query name: itself or percent-encoded, either case."""
    codes = sorted({f"{ord(c.lower()):02x}", f"{ord(c.upper()):02x}"})
    return f"(?:{c}|%(?:{'|'.join(codes)}))"


# `token=` (or `…_token=`) up to the next separator of a query string or a log line. Starlette
# decodes the name, so `%74oken=` is `token=` too: any letter of the name may be
# percent-encoded (either case of letter and hex digits), and so may the characters before it.
_NAME = r"(?:[\w-]|%[0-9a-f]{2})*" + "".join(_letter(c) for c in "token") + "="
_QUERY = re.compile(rf"(?i)({_NAME})[^&\s\"'#;,]+")
# The `bearer.<token>` subprotocol (any value), or `Bearer <token>` as in an Authorization
# header (long values only, so that prose such as "Bearer realm" stays readable).
_SUBPROTOCOL = re.compile(r"(?i)\b(bearer\.)[^\s,;\"']+")
_HEADER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9_~+/=.-]{16,}")
REDACTED = "[redacted]"

LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi", "websockets.server")


def redact(text: str) -> str:
    """`text` with every token value replaced by `[redacted]`."""
    lowered = text.lower()
    if "token" not in lowered and "bearer" not in lowered and "%" not in text:
        return text  # the common case, cheaply
    text = _QUERY.sub(rf"\1{REDACTED}", text)
    text = _SUBPROTOCOL.sub(rf"\1{REDACTED}", text)
    return _HEADER.sub(rf"\1{REDACTED}", text)


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bytes):
        return redact(value.decode("utf-8", "replace"))
    return value


class RedactTokens(logging.Filter):
    """Rewrites records in place; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactTokens()


def install() -> RedactTokens:
    """Adds the filter to uvicorn's loggers and the root handlers (idempotent)."""
    for name in LOGGERS:
        logging.getLogger(name).addFilter(_FILTER)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_FILTER)
    return _FILTER
