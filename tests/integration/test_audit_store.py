"""Leaves are written in the event transaction: gap-free, matching the events, O(log n) nodes."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest

from marketplace.audit.signing import sign_checkpoint
from marketplace.audit.store import DatabaseTree
from marketplace.audit.verify.checkpoint import Signer, generate_signer, verify_note
from marketplace.audit.verify.merkle import inclusion_proof, leaf_hash, root, verify_inclusion
from marketplace.audit.verify.notes import CheckpointError
from marketplace.audit.verify.records import leaf_record, payload_sha256
from marketplace.audit.verify.tree import MemoryTree
from marketplace.bootstrap import Services, open_services
from marketplace.settings import Settings
from tests.support import steel_terms


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    settings = Settings(database_url=database_url, data_dir=tmp_path_factory.mktemp("data"))
    opened = open_services(settings, url=database_url)
    try:
        yield opened
    finally:
        opened.close()


def publish(services: Services, owner: object) -> None:
    services.app.publish_posting(owner, **steel_terms())  # type: ignore[arg-type]


def test_every_event_has_its_leaf_and_the_tree_matches(services: Services) -> None:
    owner = uuid4()
    for _ in range(13):
        publish(services, owner)
    with services.db.connection() as conn:
        events = conn.execute(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM marketplace_events ORDER BY notification_id"
        ).fetchall()
        leaves = conn.execute("SELECT * FROM audit_leaves ORDER BY leaf_index").fetchall()
        assert [leaf["leaf_index"] for leaf in leaves] == list(range(len(events)))
        memory = MemoryTree()
        for event, leaf in zip(events, leaves, strict=True):
            assert leaf["position"] == event["notification_id"]
            assert leaf["payload_sha256"] == payload_sha256(bytes(event["state"]))
            record = leaf_record(
                leaf["leaf_index"], leaf["position"], str(leaf["stream_id"]),
                leaf["stream_version"], leaf["type"], leaf["recorded_at"], leaf["payload_sha256"],
            )  # fmt: skip
            assert bytes(leaf["leaf_hash"]) == leaf_hash(record)
            memory.append(leaf_hash(record))
        tree = DatabaseTree(conn)
        assert tree.size() == len(events)
        assert root(tree, len(events)) == memory.root()
        proof = inclusion_proof(tree, 5, len(events))
        assert verify_inclusion(memory.complete(0, 5), 5, len(events), proof, memory.root())


def test_checkpoint_signs_the_current_root_once(services: Services) -> None:
    publish(services, uuid4())
    with services.db.connection() as conn:
        first = sign_checkpoint(conn, services.signer, "test/origin")
        assert first is not None
        assert sign_checkpoint(conn, services.signer, "test/origin") is None  # nothing new
        tree = DatabaseTree(conn)
        checkpoint = verify_note(first.note, services.signer.vkey)
        assert checkpoint.tree_size == tree.size() == first.tree_size
        assert checkpoint.root == root(tree, tree.size()) == first.root
    other_skey, _ = generate_signer("someone-else")
    with pytest.raises(CheckpointError):
        verify_note(Signer(other_skey).sign("test/origin", 1, first.root), services.signer.vkey)
