"""Use cases of members: admins add people who sign in by login, change their roles and
disable them (their password and sessions go in the event's transaction)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from aggregates.errors import ConflictError, ForbiddenError
from aggregates.members import Member, MemberRole, first_admin_id
from aggregates.organization import Organization
from marketplace.commands import MarketplaceBase, Outcome
from marketplace.organizations import ORGANIZATION
from marketplace.stores.members import disable_statements, store_member
from marketplace.stores.recorder import SideEffect


@dataclass(frozen=True, kw_only=True)
class MemberOutcome(Outcome[Organization]):
    member: Member


def require_admin(org: Organization, by: UUID) -> None:
    member = org.members.get(by)
    if member is None or member.disabled or member.role != MemberRole.ADMIN:
        raise ForbiddenError("only an admin may manage members", "只有管理员可以管理成员")


class MemberUseCases(MarketplaceBase):
    def add_member(
        self, org_id: UUID, by: UUID, *, name: str, login: str, password: str, role: str
    ) -> MemberOutcome:
        """An admin adds a member; a login taken anywhere is 409."""
        member_id = uuid4()
        stored: list[SideEffect] = []  # hashed once, after the admin and the member are checked

        def add(org: Organization) -> list[SideEffect]:
            org.add_member(member_id, name, login, role)
            if not stored:
                stored.append(store_member(org_id, member_id, login, password))
            return stored

        return self._member_change(org_id, by, member_id, add, taken=True)

    def change_member_role(
        self, org_id: UUID, by: UUID, member_id: UUID, role: str
    ) -> MemberOutcome:
        """An admin makes a member an admin or a member (at least one admin remains: 409)."""

        def change(org: Organization) -> list[SideEffect]:
            org.change_member_role(member_id, role)
            return []

        return self._member_change(org_id, by, member_id, change)

    def disable_member(self, org_id: UUID, by: UUID, member_id: UUID) -> MemberOutcome:
        """An admin disables a member: its password and sessions end with the event."""
        first = member_id == first_admin_id(org_id)

        def disable(org: Organization) -> list[SideEffect]:
            org.disable_member(member_id)
            return disable_statements(org_id, member_id, first)

        return self._member_change(org_id, by, member_id, disable)

    def _member_change(
        self,
        org_id: UUID,
        by: UUID,
        member_id: UUID,
        command: Callable[[Organization], list[SideEffect]],
        taken: bool = False,
    ) -> MemberOutcome:
        for _ in range(self.command_retries):
            org = self.load(Organization, org_id, ORGANIZATION)
            require_admin(org, by)
            version = org.version
            side_effects = command(org)
            try:
                position = self.record(org, side_effects=side_effects)
            except IntegrityError:
                if taken and self.load(Organization, org_id, ORGANIZATION).version == version:
                    raise ConflictError("this login is taken", "该登录名已被使用") from None
                continue  # someone else changed the organization meanwhile: again
            return MemberOutcome(org, org.version, position, member=org.members[member_id])
        raise ConflictError("too many concurrent changes, please try again", "并发修改过多，请重试")
