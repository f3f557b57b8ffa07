"""RFC 6962 / RFC 9162 §2.1 Merkle tree hashing, proofs and proof verification.

Hashes are computed from stored *complete subtrees* (a `NodeSource`), so the same code serves
the in-memory tree of the offline verifier and the database-backed tree of the server: a
subtree hash, an inclusion proof or a consistency proof costs O(log n) `complete()` reads.

Error convention:

- the proof *generators* (`range_hash`, `root`, `inclusion_proof`, `consistency_proof`) raise
  `ProofError` (a `ValueError`) when asked for something that cannot exist (index ≥ size,
  first > second, a range that is not a subtree); a `NodeSource` raises `LookupError` when a
  requested subtree is not complete in its store;
- the *verifiers* (`verify_inclusion`, `verify_consistency`) never raise on bad input: a
  malformed proof (a hash that is not 32 bytes, index ≥ size, first > second, negative sizes,
  extra or missing elements) is simply a proof that does not verify, so they return False.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof or subtree hash was requested for sizes or indices that cannot exist."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ data): the hash of one leaf."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right): the hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class NodeSource(Protocol):
    def complete(self, level: int, index: int) -> bytes:
        """Hash of the complete subtree of 2**level leaves [index·2^level, (index+1)·2^level)."""
        ...


def _split(size: int) -> int:
    """The largest power of two strictly smaller than `size` (size ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def range_hash(source: NodeSource, start: int, end: int) -> bytes:
    """MTH of leaves [start, end), which must be a subtree: start == 0 or end - start ≤ the
    largest power of two dividing start. Reads one complete subtree per set bit of the size."""
    size = end - start
    if start < 0 or size < 0:
        raise ProofError(f"invalid range [{start}, {end})")
    if size == 0:
        return EMPTY_ROOT
    if start and size > start & -start:
        raise ProofError(f"range [{start}, {end}) is not a subtree")
    chunks: list[bytes] = []
    while size:
        level = size.bit_length() - 1
        chunks.append(source.complete(level, start >> level))
        start += 1 << level
        size -= 1 << level
    result = chunks.pop()
    while chunks:
        result = node_hash(chunks.pop(), result)
    return result


def root(source: NodeSource, size: int) -> bytes:
    """MTH of the first `size` leaves (EMPTY_ROOT for size 0)."""
    return range_hash(source, 0, size)


def inclusion_proof(source: NodeSource, index: int, size: int) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(index, D[0:size]), leaf-side sibling first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + _split(end - start)
        if index < mid:
            path.append(range_hash(source, mid, end))
            end = mid
        else:
            path.append(range_hash(source, start, mid))
            start = mid
    path.reverse()
    return path


def consistency_proof(source: NodeSource, first: int, second: int) -> list[bytes]:
    """RFC 6962 §2.1.2 PROOF(first, D[0:second]); empty when first is 0 or equals second."""
    if not 0 <= first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, second, first, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(range_hash(source, start + k, end))
            end = start + k
        else:
            proof.append(range_hash(source, start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(range_hash(source, start, end))
    proof.reverse()
    return proof


def is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does `path` prove leaf hash `leaf` is leaf `index` of the tree of
    `size` leaves whose root is `root_hash`? Malformed input yields False."""
    if not (is_hash(leaf) and is_hash(root_hash) and all(is_hash(p) for p in path)):
        return False
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, bytes(leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does `proof` show the tree of `second` leaves (root `second_root`)
    extends the tree of `first` leaves (root `first_root`)? Size 0 is consistent with any
    tree through an empty proof, provided `first_root` is EMPTY_ROOT. Malformed input: False."""
    hashes = [first_root, second_root, *proof]
    if not all(is_hash(h) for h in hashes) or not 0 <= first <= second:
        return False
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, bytes(first_root))
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = bytes(path[0])
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root
