"""What auditors read online: the log with its leaves, one aggregate's history and past state,
the signed tree head, and Merkle proofs, all read from the event store itself (no projection).

`payload_sha256` of an item is computed from the state bytes as they are in the event table
*now*, and `leaf_hash`/`recorded_at` come from the leaf, so anyone can recompute
`leaf_record(...)` from an item and see whether the event still matches its leaf.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed, Identifier

from aggregates.errors import ConflictError, InvalidValueError, NotFoundError
from marketplace.audit.jsonable import aggregate_state, jsonable
from marketplace.audit.results import (
    AuditEvent,
    ConsistencyProof,
    EventPage,
    InclusionProof,
    SignedHead,
    StreamHistory,
)
from marketplace.audit.signing import StoredCheckpoint, latest_checkpoint, sign_checkpoint
from marketplace.audit.store import DatabaseTree
from marketplace.audit.verify.checkpoint import Signer
from marketplace.audit.verify.merkle import consistency_proof, inclusion_proof
from marketplace.audit.verify.notes import split_note
from marketplace.audit.verify.records import payload_sha256
from marketplace.bootstrap import EVENTS_TABLE
from marketplace.stores.database import Conn, Database

_SELECT_EVENTS = SQL(
    "SELECT e.notification_id AS position, l.leaf_index, e.originator_id AS stream_id,"
    " e.originator_version AS stream_version, e.topic, e.state, l.recorded_at, l.leaf_hash"
    " FROM {events} e LEFT JOIN audit_leaves l ON l.position = e.notification_id"
).format(events=Identifier(EVENTS_TABLE))
_HIDDEN = frozenset({"originator_id", "originator_version"})  # already stream_id, stream_version


class AuditLog:
    """Read-only audit queries (plus signing the first tree head when none exists yet)."""

    def __init__(self, db: Database, app: Application[UUID], signer: Signer, origin: str) -> None:
        self.db, self.app, self.signer, self.origin = db, app, signer, origin

    def list_events(self, after: int, limit: int) -> EventPage:
        """Events after position `after` in log order; `next_after` is None on the last page."""
        query = _SELECT_EVENTS + SQL(
            " WHERE e.notification_id > %s ORDER BY e.notification_id LIMIT %s"
        )
        rows = self._rows(query, (after, limit + 1))
        items = [self._item(row)[0] for row in rows[:limit]]
        return EventPage(items, items[-1].position if len(rows) > limit else None)

    def stream_history(
        self, stream_id: UUID, version: int | None = None, at: datetime | None = None
    ) -> StreamHistory:
        """Every event of one aggregate, and its state at `version` or at time `at` if given."""
        if version is not None and at is not None:
            raise InvalidValueError(
                "give version or at, not both", "version 与 at 只能给一个", field="at"
            )
        query = _SELECT_EVENTS + SQL(" WHERE e.originator_id = %s ORDER BY e.originator_version")
        decoded = [self._item(row) for row in self._rows(query, (stream_id,))]
        if not decoded:
            raise NotFoundError("no events for this id", "没有该编号的事件")
        if at is not None:
            version = _version_at(decoded, at)
        state = None if version is None else self._state(stream_id, version, decoded[-1][0])
        return StreamHistory(str(stream_id), [item for item, _ in decoded], state)

    def signed_head(self) -> SignedHead:
        """The latest signed checkpoint; the first one is signed now if there is none yet."""
        with self.db.connection() as conn:
            stored = (
                latest_checkpoint(conn)
                or sign_checkpoint(conn, self.signer, self.origin)
                or latest_checkpoint(conn)  # another process signed it meanwhile
            )
        if stored is None:
            raise NotFoundError(
                "the log is empty: no checkpoint has been signed yet", "日志为空，尚无签名检查点"
            )
        return self._head(stored)

    def inclusion(self, leaf_index: int, tree_size: int) -> InclusionProof:
        """RFC 6962 audit path of leaf `leaf_index` in the tree of the first `tree_size` leaves."""
        with self.db.connection() as conn:
            tree = DatabaseTree(conn)
            _check_size(tree_size, tree.size(), "tree_size")
            if leaf_index >= tree_size:
                raise InvalidValueError(
                    f"leaf_index must be below tree_size ({tree_size})",
                    f"leaf_index 须小于 tree_size（{tree_size}）",
                    field="leaf_index",
                )
            path = inclusion_proof(tree, leaf_index, tree_size)
            leaf = tree.complete(0, leaf_index)
        return InclusionProof(leaf_index, tree_size, leaf.hex(), [p.hex() for p in path])

    def consistency(self, first: int, second: int) -> ConsistencyProof:
        """RFC 6962 proof that the tree of `second` leaves extends the tree of `first`."""
        with self.db.connection() as conn:
            tree = DatabaseTree(conn)
            _check_size(second, tree.size(), "second")
            if first > second:
                raise InvalidValueError(
                    "first must not exceed second", "first 不能大于 second", field="first"
                )
            proof = consistency_proof(tree, first, second)
        return ConsistencyProof(first, second, [p.hex() for p in proof])

    # --- helpers ----------------------------------------------------------------------------

    def _rows(self, query: Composed, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        conn: Conn
        with self.db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(query, params).fetchall()

    def _item(self, row: dict[str, Any]) -> tuple[AuditEvent, Any]:
        """The item of one joined row, and its decoded domain event (None if it won't decode)."""
        state = bytes(row["state"] or b"")
        event = self._decode(row, state)
        data = None
        if event is not None:
            data = jsonable({k: v for k, v in vars(event).items() if k not in _HIDDEN})
        leaf = row["leaf_hash"]
        item = AuditEvent(
            position=row["position"],
            leaf_index=row["leaf_index"],
            stream_id=str(row["stream_id"]),
            stream_version=row["stream_version"],
            type=row["topic"] or "",
            recorded_at=row["recorded_at"],
            data=data,
            payload_sha256=payload_sha256(state),
            leaf_hash=None if leaf is None else bytes(leaf).hex(),
            payload_b64=base64.b64encode(state).decode("ascii"),
        )
        return item, event

    def _decode(self, row: dict[str, Any], state: bytes) -> Any:
        stored = StoredEvent(row["stream_id"], row["stream_version"], row["topic"] or "", state)
        try:
            return self.app.mapper.to_domain_event(stored)
        except Exception:  # an auditor must still see a row that no longer decodes
            return None

    def _state(self, stream_id: UUID, version: int, last: AuditEvent) -> dict[str, Any]:
        if version > last.stream_version:
            raise NotFoundError(
                f"the aggregate's last version is {last.stream_version}",
                f"该聚合的最新版本为 {last.stream_version}",
            )
        try:
            aggregate: Aggregate = self.app.repository.get(stream_id, version=version)
        except Exception as error:
            raise ConflictError(
                f"the aggregate cannot be rebuilt from its stored events: {error}",
                "无法由存储的事件重建该聚合（事件可能已被改动）",
            ) from None
        return aggregate_state(aggregate)

    def _head(self, stored: StoredCheckpoint) -> SignedHead:
        _, signatures = split_note(stored.note)
        mine = [s for s in signatures if s[:2] == (self.signer.name, self.signer.verifier.key_id)]
        _, key_id, signature = (mine or signatures)[0]
        return SignedHead(
            origin=stored.note.split("\n", 1)[0],
            tree_size=stored.tree_size,
            root_hash=stored.root.hex(),
            signed_at=stored.signed_at,
            signature=base64.b64encode(key_id + signature).decode(),
            public_key=self.signer.vkey,
            note=stored.note,
        )


def _check_size(size: int, current: int, field: str) -> None:
    if size > current:
        raise InvalidValueError(
            f"{field} must not exceed the current tree size ({current})",
            f"{field} 不能超过当前树大小（{current}）",
            field=field,
        )


def _version_at(decoded: list[tuple[AuditEvent, Any]], at: datetime) -> int:
    """The last version whose event happened at or before `at` (404 if none did)."""
    versions = [
        item.stream_version
        for item, event in decoded
        if event is not None and event.timestamp <= at
    ]
    if not versions:
        raise NotFoundError("the aggregate did not exist yet at that time", "该时间点聚合尚不存在")
    return max(versions)
