"""Shared by the audit tamper and bundle tests: a database per test, a small history made with
the use cases, and the SQL a DBA would run to alter the log (and to cover it up)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError
from psycopg.rows import dict_row

from marketplace.audit.signing import sign_checkpoint
from marketplace.audit.verify.merkle import leaf_hash
from marketplace.audit.verify.records import leaf_record, payload_sha256
from marketplace.audit.verify.tree import MemoryTree
from marketplace.bootstrap import Services
from tests import conftest
from tests.services import opened_services
from tests.support import new_credit_code, organization_body, register_body, steel_terms

ORIGIN = "sme-marketplace/test"


def fresh_database(server_url: str) -> AbstractContextManager[str]:
    """A new, empty database, dropped afterwards."""
    return conftest.fresh_database(server_url, prefix="audit_")


def services_on(url: str, data_dir: Path) -> AbstractContextManager[Services]:
    """Services as `market` opens them for this data directory (no background threads)."""
    return opened_services(url, data_dir, audit_origin=ORIGIN)


@dataclass
class History:
    owner: UUID
    bidder: UUID
    postings: list[UUID] = field(default_factory=list)


def register(services: Services, credit_code: str | None = None) -> UUID:
    body = organization_body("enterprise", credit_code=credit_code or new_credit_code())
    outcome = register_body(services.app, body)
    org_id: UUID = outcome.aggregate.id
    return org_id


def publish(services: Services, owner: UUID, title: str = "钢材") -> UUID:
    outcome = services.app.publish_posting(owner, **steel_terms(title=title))
    posting_id: UUID = outcome.aggregate.id
    return posting_id


def build_history(services: Services) -> History:
    """Two enterprises, three postings, two bids, an accepted bid with its contract, and a
    concurrent write that lost (it leaves a gap in the notification ids); a checkpoint is
    signed after the first four events and at the end."""
    history = History(register(services), register(services))
    for title in ("钢材", "铝锭"):
        history.postings.append(publish(services, history.owner, title))
    sign(services)
    first = history.postings[0]
    stale = services.app.get_posting(first)
    services.app.place_bid(first, history.bidder, unit_price=Decimal("12"), quantity=Decimal("5"))
    stale.withdraw()
    with suppress(IntegrityError):  # refused, but it spent a notification id
        services.app.save(stale)
    bid = services.app.place_bid(
        history.postings[1], history.bidder, unit_price=Decimal("7.5"), quantity=Decimal("2")
    )
    services.app.accept_bid(history.postings[1], bid.bid.id, history.owner)
    history.postings.append(publish(services, history.owner, "不锈钢板"))
    sign(services)
    return history


def sign(services: Services) -> None:
    with services.db.connection() as conn:
        sign_checkpoint(conn, services.signer, services.settings.audit_origin)


@contextmanager
def dba(url: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """A superuser's session on the log's database, one transaction."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        yield conn


def events(conn: psycopg.Connection[dict[str, Any]]) -> list[dict[str, Any]]:
    return conn.execute("SELECT * FROM marketplace_events ORDER BY notification_id").fetchall()


def leaf_positions(conn: psycopg.Connection[dict[str, Any]]) -> list[int]:
    rows = conn.execute("SELECT position FROM audit_leaves ORDER BY leaf_index").fetchall()
    return [row["position"] for row in rows]


def rewrite_event(conn: psycopg.Connection[dict[str, Any]], position: int, state: bytes) -> None:
    """Change an event's state and cover it up: its leaf and every subtree hash recomputed."""
    conn.execute(
        "UPDATE marketplace_events SET state = %s WHERE notification_id = %s", (state, position)
    )
    leaf = conn.execute("SELECT * FROM audit_leaves WHERE position = %s", (position,)).fetchone()
    assert leaf is not None
    digest = payload_sha256(state)
    record = leaf_record(
        leaf["leaf_index"],
        position,
        str(leaf["stream_id"]),
        leaf["stream_version"],
        leaf["type"],
        leaf["recorded_at"],
        digest,
    )
    conn.execute(
        "UPDATE audit_leaves SET payload_sha256 = %s, leaf_hash = %s WHERE position = %s",
        (digest, leaf_hash(record), position),
    )
    rebuild_nodes(conn)


def rebuild_nodes(conn: psycopg.Connection[dict[str, Any]]) -> MemoryTree:
    rows = conn.execute("SELECT leaf_hash FROM audit_leaves ORDER BY leaf_index").fetchall()
    tree = MemoryTree(bytes(row["leaf_hash"]) for row in rows)
    size = len(tree)
    nodes = [
        (level, index, tree.complete(level, index))
        for level in range(size.bit_length())
        for index in range(size >> level)
    ]
    conn.execute("DELETE FROM audit_nodes")
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO audit_nodes (level, index, hash) VALUES (%s, %s, %s)", nodes)
    return tree
