"""The verifier's exit codes and the error every failed check raises (re-exported by
bundle.py, where they were first defined)."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """The verifier's exit codes, one per kind of failure (documented in verifier.py)."""

    OK = 0
    USAGE = 2
    MALFORMED = 3
    SIGNATURE = 4
    SEQUENCE = 5
    EVENT_MISMATCH = 6
    LEAF_HASH = 7
    ROOT = 8
    CONSISTENCY = 9


class BundleError(Exception):
    """A failed check: its exit code, and the first offending leaf and position if known."""

    def __init__(
        self, exit: Exit, message: str, leaf_index: int | None = None, position: int | None = None
    ) -> None:
        super().__init__(message)
        self.exit, self.leaf_index, self.position = exit, leaf_index, position
