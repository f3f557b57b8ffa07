"""Who is asking: one caller model for every read rule, over HTTP and on the live stream."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

STAFF = frozenset({"operator", "auditor"})  # they read everything, sealed terms included


@dataclass(frozen=True)
class Viewer:
    """An anonymous caller (`id` None) or a signed-in organization, as the organizations
    view knows it."""

    id: UUID | None = None
    kind: str | None = None
    name: str | None = None
    verified: bool = False
    suspended: bool = False  # reads, but every write is refused (403 `suspended`)
    member_id: UUID | None = None  # the person signed in (the first admin's derived id)

    @property
    def is_staff(self) -> bool:
        return self.kind in STAFF

    @property
    def is_verified_bank(self) -> bool:
        return self.kind == "bank" and self.verified

    def sees_as_party(self, parties: Iterable[UUID | None]) -> bool:
        """Staff, or one of `parties`: the rule behind every sealed thing (a bid's terms, an
        offer, a contract, a signup)."""
        return self.is_staff or (self.id is not None and self.id in set(parties))


ANONYMOUS = Viewer()
