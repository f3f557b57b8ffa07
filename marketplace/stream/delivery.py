"""One stream message per event, classified and encoded once for all sockets of a process."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from marketplace.application import Marketplace
from marketplace.queries.directory import Directory
from marketplace.queries.viewer import Viewer
from marketplace.queries.visibility import Visibility, visibility

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One event, classified and encoded once for all sockets."""

    position: int
    visibility: Visibility | None
    full: str = ""
    shared: str | None = None
    posting: Any = None  # the decoded Posting.Published, for matching

    def text_for(self, viewer: Viewer) -> str | None:
        if self.visibility is None:
            return None
        data = self.visibility.data_for(viewer)
        if data is None:
            return None
        return self.full if data is self.visibility.data else self.shared


def message(position: int, kind: str, topic: str, stream_id: UUID, data: Any) -> str:
    body = {"position": position, "type": kind, "topic": topic, "stream_id": str(stream_id)}
    return json.dumps({**body, "data": data}, ensure_ascii=False, separators=(",", ":"))


def prepare(app: Marketplace, directory: Directory, notification: Notification) -> Delivery:
    """Decode and classify one notification (unknown or undecodable: skipped, position kept)."""
    try:
        event = app.mapper.to_domain_event(notification)
        seen = visibility(event, directory)
    except Exception:
        log.exception("stream: cannot show event at position %s", notification.id)
        return Delivery(notification.id, None)
    kind = notification.topic.partition(":")[2]
    stream_id = UUID(str(notification.originator_id))
    full = message(notification.id, kind, notification.topic, stream_id, seen.data)
    shared = None
    if seen.shared is not None:
        shared = message(notification.id, kind, notification.topic, stream_id, seen.shared)
    posting = event if kind == "Posting.Published" else None
    return Delivery(notification.id, seen, full, shared, posting)
