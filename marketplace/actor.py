"""The member who causes an event (`actor`), added to its stored state by the mapper.

The API names the signed-in member for the request (`acting`, then `ActorBox.member_id`);
every event the application encodes while that request's command runs carries the member's
id as `actor`, so the leaf hash of the audit log covers it. Events caused by no member (the
scheduler, the command line, older events) have none. See docs/design.md, "Audit log".
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent


@dataclass
class ActorBox:
    """Filled by the request's caller dependency; read by the mapper in the route's thread."""

    member_id: UUID | None = None


_ACTOR: ContextVar[ActorBox | None] = ContextVar("market_actor", default=None)


def acting() -> ActorBox:
    """A new, empty box for this request's context (and the threads that copy it)."""
    box = ActorBox()
    _ACTOR.set(box)
    return box


def act_as(member_id: UUID) -> None:
    """Name the request's acting member (once: the first caller resolved is the one)."""
    box = _ACTOR.get()
    if box is not None and box.member_id is None:
        box.member_id = member_id


def current_actor() -> UUID | None:
    box = _ACTOR.get()
    return None if box is None else box.member_id


class ActorMapper(Mapper[UUID]):
    """The stock mapper, plus `actor` in the state of events a member causes."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        actor = current_actor()
        if actor is not None and "actor" not in vars(domain_event):
            object.__setattr__(domain_event, "actor", str(actor))
        return super().to_stored_event(domain_event)
