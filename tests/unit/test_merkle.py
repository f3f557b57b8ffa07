"""RFC 6962 Merkle hashing, proofs and proof verification (marketplace.audit.verify.merkle)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.audit.verify.merkle import (
    EMPTY_ROOT,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from marketplace.audit.verify.parallel import subtree_levels
from marketplace.audit.verify.tree import MemoryTree, completed_nodes

# ../shared beside the project root, when present (the embedded copy below is what is tested).
SHARED_VECTORS = (
    Path(__file__).resolve().parents[3] / "shared" / "testdata" / "rfc6962_vectors.json"
)

# A copy of the known answers in SHARED_VECTORS (google/certificate-transparency and
# transparency-dev/merkle), so the suite does not depend on a path outside the repository.
VECTORS: dict[str, Any] = {
    "leaf_inputs_hex": [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ],
    "roots_by_tree_size": {
        "0": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "1": "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "2": "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "3": "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "4": "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "5": "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "6": "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "7": "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "8": "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    },
    "hash_leaf_known_answers": [
        {
            "input_ascii": "",
            "hash": "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        },
        {
            "input_ascii": "L123456",
            "hash": "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
        },
    ],
    "hash_children_known_answers": [
        {
            "left_ascii": "N123",
            "right_ascii": "N456",
            "hash": "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb",
        },
    ],
    "inclusion_proofs": [
        {
            "leaf_index": 0,
            "tree_size": 8,
            "audit_path": [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        },
        {
            "leaf_index": 5,
            "tree_size": 8,
            "audit_path": [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        },
        {
            "leaf_index": 2,
            "tree_size": 3,
            "audit_path": [
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            ],
        },
        {
            "leaf_index": 1,
            "tree_size": 5,
            "audit_path": [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        },
        {
            "leaf_index": 0,
            "tree_size": 1,
            "audit_path": [],
        },
    ],
    "consistency_proofs": [
        {
            "first": 1,
            "second": 1,
            "proof": [],
        },
        {
            "first": 1,
            "second": 8,
            "proof": [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        },
        {
            "first": 6,
            "second": 8,
            "proof": [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        },
        {
            "first": 2,
            "second": 5,
            "proof": [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        },
        {
            "first": 6,
            "second": 7,
            "proof": [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        },
    ],
}


def unhex(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(value) for value in values]


LEAVES = [leaf_hash(bytes.fromhex(data)) for data in VECTORS["leaf_inputs_hex"]]
TREE = MemoryTree(LEAVES)


def reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH straight from the definition, over leaf hashes."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(reference_mth(leaves[:k]), reference_mth(leaves[k:]))


def reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*reference_path(m, leaves[:k]), reference_mth(leaves[k:])]
    return [*reference_path(m - k, leaves[k:]), reference_mth(leaves[:k])]


def reference_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [reference_mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*reference_subproof(m, leaves[:k], whole), reference_mth(leaves[k:])]
    return [*reference_subproof(m - k, leaves[k:], False), reference_mth(leaves[:k])]


class CountingSource:
    def __init__(self, tree: MemoryTree) -> None:
        self.tree, self.calls = tree, 0

    def complete(self, level: int, index: int) -> bytes:
        self.calls += 1
        return self.tree.complete(level, index)


def flip(data: bytes, at: int = 0) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


# --- known answers ---------------------------------------------------------------------


def test_embedded_vectors_match_the_shared_file() -> None:
    if not SHARED_VECTORS.exists():
        pytest.skip("shared test data not present")
    shared = json.loads(SHARED_VECTORS.read_text())
    assert {key: shared[key] for key in VECTORS} == VECTORS


@pytest.mark.parametrize("answer", VECTORS["hash_leaf_known_answers"])
def test_leaf_hash_known_answers(answer: dict[str, str]) -> None:
    assert leaf_hash(answer["input_ascii"].encode()).hex() == answer["hash"]


@pytest.mark.parametrize("answer", VECTORS["hash_children_known_answers"])
def test_node_hash_known_answers(answer: dict[str, str]) -> None:
    left, right = answer["left_ascii"].encode(), answer["right_ascii"].encode()
    assert node_hash(left, right).hex() == answer["hash"]


def test_empty_root_is_the_hash_of_nothing() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert MemoryTree().root() == EMPTY_ROOT


@pytest.mark.parametrize("size", range(9))
def test_roots_by_tree_size(size: int) -> None:
    expected = VECTORS["roots_by_tree_size"][str(size)]
    assert TREE.root(size).hex() == expected
    assert MemoryTree(LEAVES[:size]).root().hex() == expected
    assert root(TREE, size) == reference_mth(LEAVES[:size])


@pytest.mark.parametrize("case", VECTORS["inclusion_proofs"])
def test_inclusion_proof_vectors(case: dict[str, Any]) -> None:
    index, size = case["leaf_index"], case["tree_size"]
    path = inclusion_proof(TREE, index, size)
    assert path == unhex(case["audit_path"])
    assert verify_inclusion(LEAVES[index], index, size, path, TREE.root(size))


@pytest.mark.parametrize("case", VECTORS["consistency_proofs"])
def test_consistency_proof_vectors(case: dict[str, Any]) -> None:
    first, second = case["first"], case["second"]
    proof = consistency_proof(TREE, first, second)
    assert proof == unhex(case["proof"])
    assert verify_consistency(first, second, TREE.root(first), TREE.root(second), proof)


# --- storage of complete subtrees --------------------------------------------------------


def test_completed_nodes_lists_every_subtree_closed_by_a_leaf() -> None:
    tree = MemoryTree(LEAVES[:7])
    nodes = completed_nodes(7, LEAVES[7], tree.complete)
    assert [(level, index) for level, index, _ in nodes] == [(1, 3), (2, 1), (3, 0)]
    assert nodes[-1][2] == reference_mth(LEAVES)
    assert completed_nodes(4, LEAVES[4], tree.complete) == []
    assert completed_nodes(0, LEAVES[0], tree.complete) == []


def test_memory_tree_stores_complete_subtrees_only() -> None:
    tree = MemoryTree(LEAVES[:6])
    assert tree.complete(0, 5) == LEAVES[5]
    assert tree.complete(1, 2) == reference_mth(LEAVES[4:6])
    assert tree.complete(2, 0) == reference_mth(LEAVES[:4])
    for level, index in ((0, 6), (2, 1), (3, 0), (-1, 0)):
        with pytest.raises(LookupError):
            tree.complete(level, index)
    with pytest.raises(ValueError):
        tree.append(b"short")


def test_hashes_cost_logarithmically_many_lookups() -> None:
    source = CountingSource(MemoryTree(LEAVES * 128))  # 1024 leaves
    for size in (1000, 1023, 1024, 777):
        source.calls = 0
        root(source, size)
        assert source.calls == bin(size).count("1")
        source.calls = 0
        inclusion_proof(source, size // 3, size)
        assert source.calls <= 2 * size.bit_length()
        source.calls = 0
        consistency_proof(source, size // 3, size)
        assert source.calls <= 2 * size.bit_length()


def test_generators_refuse_impossible_requests() -> None:
    with pytest.raises(ProofError):
        inclusion_proof(TREE, 8, 8)
    with pytest.raises(ProofError):
        inclusion_proof(TREE, -1, 8)
    with pytest.raises(ProofError):
        consistency_proof(TREE, 5, 4)
    with pytest.raises(ProofError):
        range_hash(TREE, 1, 4)  # not a subtree
    with pytest.raises(LookupError):
        root(TREE, 9)  # more leaves than stored
    assert consistency_proof(TREE, 0, 8) == []


# --- malformed proofs ----------------------------------------------------------------------


def test_malformed_inclusion_proofs_are_rejected() -> None:
    index, size, good_root = 5, 8, TREE.root(8)
    path = inclusion_proof(TREE, index, size)
    leaf = LEAVES[index]
    assert verify_inclusion(leaf, index, size, path, good_root)
    assert not verify_inclusion(leaf, index, size, [*path[:1], path[1][:31], path[2]], good_root)
    assert not verify_inclusion(leaf, index, size, [*path[:2], path[2] + b"\x00"], good_root)
    assert not verify_inclusion(leaf[:31], index, size, path, good_root)
    assert not verify_inclusion(leaf, index, size, path, good_root[:31])
    assert not verify_inclusion(leaf, index, size, [*path, path[0]], good_root)  # extra
    assert not verify_inclusion(leaf, index, size, path[:-1], good_root)  # missing
    assert not verify_inclusion(leaf, index, size, [], good_root)
    # Wrong sizes. (Size 7 would pass: for leaf 5 trees of 7 and 8 leaves have the same path
    # shape, and the RFC 9162 algorithm only checks the shape; the size itself is bound by
    # the signed checkpoint that carries the root.)
    assert not verify_inclusion(leaf, index, size + 1, path, good_root)
    assert not verify_inclusion(leaf, index, size - 2, path, good_root)
    assert not verify_inclusion(leaf, index - 1, size, path, good_root)  # wrong index
    assert not verify_inclusion(leaf, 8, 8, path, good_root)  # index ≥ size
    assert not verify_inclusion(leaf, -1, 8, path, good_root)
    assert not verify_inclusion(leaf, 0, 0, [], EMPTY_ROOT)


def test_malformed_consistency_proofs_are_rejected() -> None:
    first, second = 6, 8
    a, b = TREE.root(first), TREE.root(second)
    proof = consistency_proof(TREE, first, second)
    assert verify_consistency(first, second, a, b, proof)
    assert not verify_consistency(first, second, a, b, [proof[0][:31], *proof[1:]])
    assert not verify_consistency(first, second, a[:31], b, proof)
    assert not verify_consistency(first, second, a, b + b"\x00", proof)
    assert not verify_consistency(first, second, a, b, [*proof, proof[0]])  # extra
    assert not verify_consistency(first, second, a, b, proof[:-1])  # missing
    assert not verify_consistency(first, second, a, b, [])
    assert not verify_consistency(first, second + 1, a, b, proof)  # wrong sizes (see above)
    assert not verify_consistency(first - 1, second, a, b, proof)
    assert not verify_consistency(second, first, b, a, proof)  # first > second
    assert not verify_consistency(first, second, b, a, proof)  # roots swapped
    assert not verify_consistency(-1, second, a, b, proof)


def test_degenerate_consistency_proofs() -> None:
    full = TREE.root(8)
    assert verify_consistency(0, 8, EMPTY_ROOT, full, [])
    assert not verify_consistency(0, 8, EMPTY_ROOT, full, [full])  # first 0, non-empty proof
    assert not verify_consistency(0, 8, full, full, [])  # an empty tree has the empty root
    assert verify_consistency(8, 8, full, full, [])
    assert not verify_consistency(8, 8, full, full, [full])
    assert not verify_consistency(8, 8, full, TREE.root(7), [])


# --- properties --------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(size=st.integers(min_value=1, max_value=200), salt=st.binary(max_size=8))
def test_every_proof_of_a_random_tree_verifies(size: int, salt: bytes) -> None:
    leaves = [leaf_hash(salt + i.to_bytes(4, "big")) for i in range(size)]
    tree = MemoryTree(leaves)
    roots = [tree.root(m) for m in range(size + 1)]
    assert roots[size] == reference_mth(leaves)
    for index in range(size):
        path = inclusion_proof(tree, index, size)
        assert path == reference_path(index, leaves)
        assert verify_inclusion(leaves[index], index, size, path, roots[size])
        if path:
            assert not verify_inclusion(
                leaves[index], index, size, [flip(path[0]), *path[1:]], roots[size]
            )
        assert not verify_inclusion(flip(leaves[index], 31), index, size, path, roots[size])
    for first in range(size + 1):
        proof = consistency_proof(tree, first, size)
        if 0 < first < size:
            assert proof == reference_subproof(first, leaves, True)
        assert verify_consistency(first, size, roots[first], roots[size], proof)
        if first:
            assert not verify_consistency(first, size, flip(roots[first]), roots[size], proof)
        if proof:
            bad = [*proof[:-1], flip(proof[-1], 7)]
            assert not verify_consistency(first, size, roots[first], roots[size], bad)


@pytest.mark.parametrize("chunk", [1, 2, 4, 8])
@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 16, 21])
def test_a_tree_extended_by_chunks_equals_one_built_leaf_by_leaf(chunk: int, size: int) -> None:
    leaves = [leaf_hash(str(i).encode()) for i in range(size)]
    extended = MemoryTree()
    for start in range(0, size, chunk):
        extended.extend(subtree_levels(b"".join(leaves[start : start + chunk])))
    appended = MemoryTree(leaves)
    assert len(extended) == size
    assert all(extended.root(n) == appended.root(n) for n in range(size + 1))
    levels = range(size.bit_length())
    for level in levels:
        for index in range(size >> level):
            assert extended.complete(level, index) == appended.complete(level, index)


def test_a_chunk_off_a_subtree_boundary_is_refused() -> None:
    tree = MemoryTree([leaf_hash(b"a")])
    with pytest.raises(ValueError, match="subtree boundary"):
        tree.extend(subtree_levels(leaf_hash(b"b") + leaf_hash(b"c")))
