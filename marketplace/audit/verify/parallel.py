"""Checking a log in chunks, in worker processes, in order: what makes a 1M-event bundle (and
the online check) take seconds instead of a minute.

A chunk is `CHUNK` consecutive rows (a power of two, so each chunk starts on a subtree
boundary): a worker checks its rows and hashes every complete subtree inside it
(`subtree_levels`), and the caller appends those levels to its tree (`MemoryTree.extend`), so
the only per-leaf work left in the caller is reading lines. Results come back in chunk order
and at most two chunks per worker are in flight, so memory stays bounded and the first failing
chunk is the first failure of the log, as in a sequential scan.

Standard library only: the offline verifier must run with nothing but `rfc8785` and
`cryptography` besides.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from marketplace.audit.verify.merkle import HASH_SIZE, node_hash

if TYPE_CHECKING:
    from concurrent.futures import Future

CHUNK = 1 << 14  # rows per chunk

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """One worker process per CPU this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def ordered_map(function: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """`map(function, items)` in `workers` processes (in this one if 1), results in order,
    with at most two items per worker submitted ahead. `function` must be module-level."""
    if workers <= 1:
        yield from map(function, items)
        return
    from concurrent.futures import ProcessPoolExecutor  # only when used: it is heavy

    pool = ProcessPoolExecutor(workers)
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def subtree_levels(leaves: bytes) -> list[bytes]:
    """The complete subtrees of a chunk of leaf hashes (32 bytes each, concatenated) that
    starts on a subtree boundary: level 0 the leaves, level k+1 the hashes of level k's pairs,
    up to the highest level with a node."""
    levels = [leaves]
    while len(levels[-1]) >= 2 * HASH_SIZE:
        below = levels[-1]
        nodes = [below[i : i + HASH_SIZE] for i in range(0, len(below), HASH_SIZE)]
        levels.append(b"".join(map(node_hash, nodes[0:-1:2], nodes[1::2])))
    return levels
