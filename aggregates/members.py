"""The people of an organization: admins and members, and the rule that one admin remains.

Every organization has a first admin from its registration on (its password is the one
registered, it signs in with the credit code); admins add members who sign in by login.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID, uuid5

from aggregates.errors import ConflictError, InvalidValueError, NotFoundError


class MemberRole(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


@dataclass
class Member:
    id: UUID
    name: str
    login: str | None  # None: the first admin, who signs in with the credit code
    role: str
    disabled: bool = False


def first_admin_id(organization_id: UUID) -> UUID:
    """The first admin's id, derived: organizations registered before members had one too."""
    return uuid5(organization_id, "first-admin")


def check_role(role: str) -> None:
    if role not in set(MemberRole):
        raise InvalidValueError(f"unknown role {role!r}", f"未知的角色 {role!r}", field="role")


def active_member(members: dict[UUID, Member], member_id: UUID) -> Member:
    member = members.get(member_id)
    if member is None:
        raise NotFoundError("member not found", "未找到该成员")
    if member.disabled:
        raise ConflictError("member is disabled", "该成员已停用")
    return member


def require_another_admin(members: dict[UUID, Member], member_id: UUID) -> None:
    """At least one active admin remains once `member_id` stops being one (409)."""
    others = [
        m
        for m in members.values()
        if m.id != member_id and m.role == MemberRole.ADMIN and not m.disabled
    ]
    if not others:
        raise ConflictError("an organization keeps at least one admin", "机构至少须保留一名管理员")
