"""Request bodies of uploads: written to a temporary file as they arrive (in memory up to
1 MiB, then on disk), never held whole in memory, and refused past their limit."""

from __future__ import annotations

import hashlib
import tempfile
from typing import IO

from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive

IN_MEMORY = 1024 * 1024
CHUNK = 64 * 1024


class Disconnected(Exception):
    """The client went away (or was cut off) before its body was complete."""


class TooLarge(Exception):
    pass


class SpooledBody:
    """A request body kept in a spooled temporary file, with its SHA-256."""

    def __init__(self) -> None:
        # closed by `close()`, which the middleware calls once the request is answered
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115
        self.digest = hashlib.sha256()
        self.size = 0

    @classmethod
    async def read(cls, receive: Receive, limit: int) -> SpooledBody:
        body = cls()
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise Disconnected  # never run a command on a truncated body
                chunk = message.get("body", b"")
                body.size += len(chunk)
                if body.size > limit:
                    raise TooLarge
                body.digest.update(chunk)
                if chunk:
                    await run_in_threadpool(body.file.write, chunk)
                if not message.get("more_body", False):
                    return body
        except BaseException:
            body.close()
            raise

    def receive(self) -> Receive:
        """The body again, in chunks, for the app."""
        self.file.seek(0)
        done = False

        async def receive() -> Message:
            nonlocal done
            if done:
                return {"type": "http.disconnect"}
            chunk = await run_in_threadpool(self.file.read, CHUNK)
            done = len(chunk) < CHUNK
            return {"type": "http.request", "body": chunk, "more_body": not done}

        return receive

    def close(self) -> None:
        self.file.close()
