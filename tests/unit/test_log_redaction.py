"""No log line contains a session token: real log records through the redaction filter."""

from __future__ import annotations

import logging
import sys

import pytest

from api.log_redaction import RedactTokens, install, redact

TOKEN = "Zx9_kQ-3vT0aL8mNpR2sUwYb4cDeFgHiJkLmNoPqRsT"


def record(msg: str, *args: object, name: str = "uvicorn.access") -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def formatted(item: logging.LogRecord) -> str:
    assert RedactTokens().filter(item) is True  # rewritten, never dropped
    return logging.Formatter("%(message)s").format(item)


def test_the_access_log_line_of_a_stream_url_keeps_everything_but_the_token() -> None:
    path = f"/api/v1/stream?after=0&token={TOKEN}&x=1"
    item = record('%s - "%s %s HTTP/%s" %d', "10.0.0.1:5000", "GET", path, "1.1", 101)
    line = formatted(item)
    assert TOKEN not in line
    assert line == '10.0.0.1:5000 - "GET /api/v1/stream?after=0&token=[redacted]&x=1 HTTP/1.1" 101'
    assert item.args is not None and item.args[4] == 101  # uvicorn's formatter unpacks args


def test_websocket_handshake_lines_and_subprotocols_are_redacted() -> None:
    accepted = record(
        '%s - "WebSocket %s" [accepted]', "1.2.3.4:1", f"/api/v1/stream?token={TOKEN}"
    )
    header = record("< %s: %s", "Sec-WebSocket-Protocol", f"bearer.{TOKEN}", name="uvicorn.error")
    auth = record(f"Authorization: Bearer {TOKEN}", name="uvicorn.error")
    for item in (accepted, header, auth):
        line = formatted(item)
        assert TOKEN not in line, line
        assert "[redacted]" in line
    assert formatted(header) == "< Sec-WebSocket-Protocol: bearer.[redacted]"


def test_tracebacks_are_redacted() -> None:
    try:
        raise ValueError(f"bad url /api/v1/stream?token={TOKEN}")
    except ValueError:
        item = logging.LogRecord(
            "uvicorn.error", logging.ERROR, __file__, 1, "boom", None, sys.exc_info()
        )
    line = formatted(item)
    assert TOKEN not in line and "token=[redacted]" in line


def test_ordinary_text_is_left_alone() -> None:
    text = 'GET /api/v1/postings?q=token+ring&limit=5 "Bearer realm"'
    assert redact("nothing to see here") == "nothing to see here"
    assert redact(text) == text


class Lines(logging.Handler):
    """Collects formatted lines straight from a logger (not through propagation to the root,
    which uvicorn's own logging config turns off once any test has started a server)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_installed_on_uvicorns_loggers() -> None:
    install()
    install()  # idempotent
    access, error = logging.getLogger("uvicorn.access"), logging.getLogger("uvicorn.error")
    assert sum(isinstance(f, RedactTokens) for f in access.filters) == 1
    lines = Lines()
    saved = [(logger, logger.level, logger.disabled) for logger in (access, error)]
    for logger, _, _ in saved:
        logger.addHandler(lines)
        logger.setLevel(logging.INFO)
        logger.disabled = False
    try:
        access.info('%s - "%s %s HTTP/%s" %d', "c", "GET", f"/x?token={TOKEN}", "1.1", 200)
        error.info('"WebSocket %s"', f"/api/v1/stream?token={TOKEN}")
    finally:
        for logger, level, disabled in saved:
            logger.removeHandler(lines)
            logger.setLevel(level)
            logger.disabled = disabled
    assert len(lines.lines) == 2 and not any(TOKEN in line for line in lines.lines)
    assert all("token=[redacted]" in line for line in lines.lines)


@pytest.mark.parametrize(
    "name",
    ["%74oken", "%54OKEN", "t%6Fk%65n", "%74%6f%6b%65%6e", "%54%4F%4b%65%6E", "access%5Ftoken"],
)
def test_percent_encoded_parameter_names_are_redacted(name: str) -> None:
    """Starlette decodes `%74oken` to `token`, so the log must not show its value either."""
    path = f"/api/v1/stream?after=0&{name}={TOKEN}&x=1"
    item = record('%s - "%s %s HTTP/%s" %d', "10.0.0.1:5000", "GET", path, "1.1", 101)
    line = formatted(item)
    assert TOKEN not in line
    assert line == (
        f'10.0.0.1:5000 - "GET /api/v1/stream?after=0&{name}=[redacted]&x=1 HTTP/1.1" 101'
    )


def test_percent_encoded_lines_without_a_token_are_left_alone() -> None:
    for text in (
        "GET /api/v1/postings?q=%E4%B8%AD%E6%96%87&title=a%20b 200",
        "/api/v1/postings?%74itle=x&tok=1&oken=2",
        "%s - %d",
    ):
        assert redact(text) == text
