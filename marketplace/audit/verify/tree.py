"""The Merkle tree kept as it grows: the subtrees a new leaf completes, and `MemoryTree`, every
complete subtree hash in memory (the hashing and proofs themselves: `merkle`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from marketplace.audit.verify.merkle import HASH_SIZE, is_hash, node_hash, root


def completed_nodes(
    index: int, leaf: bytes, get: Callable[[int, int], bytes]
) -> list[tuple[int, int, bytes]]:
    """The (level, index, hash) of every interior subtree (level ≥ 1) completed by appending
    leaf number `index` with hash `leaf`, lowest level first. Left siblings are read through
    `get(level, index)`, which must also answer level 0 (leaf hashes). The leaf itself (level
    0) is not in the result: the caller stores it."""
    nodes: list[tuple[int, int, bytes]] = []
    current, level = leaf, 0
    while (index >> level) & 1:
        current = node_hash(get(level, (index >> level) - 1), current)
        level += 1
        nodes.append((level, index >> level, current))
    return nodes


class MemoryTree:
    """A `NodeSource` in memory: every complete subtree hash, 32 bytes each, packed per level
    (about 64 bytes per leaf in all)."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        for leaf in leaves:
            self.append(leaf)

    def __len__(self) -> int:
        return len(self._levels[0]) // HASH_SIZE

    @property
    def size(self) -> int:
        return len(self)

    def append(self, leaf: bytes) -> int:
        """Add a leaf hash; returns its leaf index."""
        if not is_hash(leaf):
            raise ValueError("a leaf hash is 32 bytes")
        index = len(self)
        self._levels[0] += leaf
        for level, _, digest in completed_nodes(index, bytes(leaf), self.complete):
            if level == len(self._levels):
                self._levels.append(bytearray())
            self._levels[level] += digest
        return index

    def extend(self, levels: Sequence[bytes]) -> None:
        """Append a chunk of leaves given with the subtrees complete inside it (`levels[k]`:
        its level-k hashes, see `parallel.subtree_levels`); the chunk must start on a subtree
        boundary as big as its own top level. The subtrees above it that it completes are
        hashed here."""
        start = len(self)
        if start % (1 << (len(levels) - 1)):
            raise ValueError("a chunk must start on a subtree boundary")
        for level, hashes in enumerate(levels):
            if level == len(self._levels):
                self._levels.append(bytearray())
            self._levels[level] += hashes
        level = len(levels) - 1
        while level + 1 < len(self._levels) or len(self._levels[level]) >= 2 * HASH_SIZE:
            have, upper = len(self._levels[level]) // HASH_SIZE, level + 1
            if upper == len(self._levels):
                self._levels.append(bytearray())
            while len(self._levels[upper]) // HASH_SIZE < have // 2:
                index = len(self._levels[upper]) // HASH_SIZE
                pair = self._levels[level][2 * index * HASH_SIZE : (2 * index + 2) * HASH_SIZE]
                self._levels[upper] += node_hash(bytes(pair[:HASH_SIZE]), bytes(pair[HASH_SIZE:]))
            level = upper
            if not self._levels[level]:
                self._levels.pop()
                break

    def level(self, level: int) -> bytes:
        """Every complete subtree hash of a level, in index order, concatenated."""
        return bytes(self._levels[level]) if 0 <= level < len(self._levels) else b""

    def complete(self, level: int, index: int) -> bytes:
        if level < 0 or index < 0 or level >= len(self._levels):
            raise LookupError(f"no complete subtree at level {level}, index {index}")
        offset = index * HASH_SIZE
        digest = bytes(self._levels[level][offset : offset + HASH_SIZE])
        if len(digest) != HASH_SIZE:
            raise LookupError(f"no complete subtree at level {level}, index {index}")
        return digest

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first `size` leaves (default: all of them)."""
        return root(self, len(self) if size is None else size)
