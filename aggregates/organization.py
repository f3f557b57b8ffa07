"""Organizations: enterprises, banks, service providers, operators and auditors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.attachments import Attachable
from aggregates.errors import ConflictError, InvalidValueError, require_change
from aggregates.members import (
    Member,
    MemberRole,
    active_member,
    check_role,
    first_admin_id,
    require_another_admin,
)
from aggregates.organization_terms import (
    CHECKED_KINDS,
    ORGANIZATION_NAMESPACE,
    NotVerifiedError,
    OrganizationKind,
    SuspendedError,
    check_service_categories,
    organization_id,
    starts_verified,
)
from aggregates.text import moderation_reason

__all__ = [  # the kinds, key and errors live in organization_terms.py; imported from here too
    "CHECKED_KINDS",
    "ORGANIZATION_NAMESPACE",
    "NotVerifiedError",
    "Organization",
    "OrganizationKind",
    "SuspendedError",
    "check_service_categories",
    "organization_id",
    "starts_verified",
]


class Organization(Attachable):
    """A registered organization. Contact data is stored sealed (encrypted per organization)."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Registered(Aggregate.Created):
        class_version = 3
        kind: str
        name: str
        credit_code: str
        region: str
        industry: str | None
        sealed_contact: str | None
        verified: bool | None  # None: the default of its kind (only banks start unverified)
        service_categories: list[str]  # a provider's; empty for other kinds

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Before enterprise verification could be required, only banks started unverified."""
            state["verified"] = state["kind"] != OrganizationKind.BANK

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Before providers existed, no organization had service categories."""
            state["service_categories"] = []

        @property
        def starts_verified(self) -> bool:
            return starts_verified(self.kind, self.verified)

    class Verified(Aggregate.Event):
        pass

    class VerificationRejected(Aggregate.Event):
        reason: str

    class ContactErased(Aggregate.Event):
        """The contact data's key was deleted; the event itself holds no personal data."""

    class Suspended(Aggregate.Event):
        reason: str

    class Reinstated(Aggregate.Event):
        reason: str

    class MemberAdded(Aggregate.Event):
        member_id: UUID
        name: str
        login: str
        role: str

    class MemberRoleChanged(Aggregate.Event):
        member_id: UUID
        role: str

    class MemberDisabled(Aggregate.Event):
        member_id: UUID

    class ProfileChanged(Aggregate.Event):
        """Some of name, region, industry, service categories, sealed contact; `unverified`:
        the new name sends the organization back to verification."""

        changes: dict[str, Any]
        unverified: bool

    @staticmethod
    def create_id(credit_code: str) -> UUID:
        return organization_id(credit_code)

    @event(Registered)
    def __init__(
        self,
        kind: str,
        name: str,
        credit_code: str,
        region: str,
        industry: str | None,
        sealed_contact: str | None,
        verified: bool | None = None,
        service_categories: Sequence[str] = (),
    ) -> None:
        if kind not in set(OrganizationKind):
            raise InvalidValueError(
                f"unknown organization kind {kind!r}", f"未知的机构类型 {kind!r}", field="kind"
            )
        self.service_categories = check_service_categories(kind, service_categories)
        self.kind = kind
        self.name = name
        self.credit_code = credit_code
        self.region = region
        self.industry = industry
        self.sealed_contact = sealed_contact
        self.verified = starts_verified(kind, verified)
        self.rejection_reason: str | None = None
        self.contact_erased = False
        self.suspended = False
        self.suspension_reason: str | None = None
        first = first_admin_id(self.id)
        self.members = {first: Member(first, name, None, MemberRole.ADMIN)}

    def offers(self, category: str) -> bool:
        """Whether this is a provider that serves the category."""
        return self.kind == OrganizationKind.PROVIDER and category in self.service_categories

    def verify(self) -> None:
        """An operator confirms the organization's identity."""
        self._refuse_if_verified()
        self._verified()

    @event(Verified)
    def _verified(self) -> None:
        self.verified = True
        self.rejection_reason = None

    def reject_verification(self, reason: str | None) -> None:
        """An operator turns the verification down, saying why; it stays unverified."""
        text = moderation_reason(reason, "a rejection", "驳回认证")
        self._refuse_if_verified()
        self._verification_rejected(text)

    @event(VerificationRejected)
    def _verification_rejected(self, reason: str) -> None:
        self.rejection_reason = reason

    def _refuse_if_verified(self) -> None:
        if self.verified:
            raise ConflictError("organization is already verified", "该机构已通过认证")

    def erase_contact(self) -> None:
        """Record that the contact data was forgotten (its key is deleted with this event)."""
        if self.contact_erased:
            raise ConflictError("contact data is already erased", "联系人信息已删除")
        self._contact_erased()

    @event(ContactErased)
    def _contact_erased(self) -> None:
        self.contact_erased = True
        self.sealed_contact = None

    def suspend(self, reason: str | None) -> None:
        """An operator suspends the organization: it may still sign in and read."""
        text = moderation_reason(reason, "a suspension", "暂停账户")
        if self.kind in (OrganizationKind.OPERATOR, OrganizationKind.AUDITOR):
            raise ConflictError(
                "operators and auditors cannot be suspended", "平台运营方和审计方不能被暂停"
            )
        if self.suspended:
            raise ConflictError("organization is already suspended", "该机构已被暂停")
        self._suspended(text)

    @event(Suspended)
    def _suspended(self, reason: str) -> None:
        self.suspended = True
        self.suspension_reason = reason

    def reinstate(self, reason: str | None) -> None:
        """An operator lifts a suspension."""
        text = moderation_reason(reason, "a reinstatement", "恢复账户")
        if not self.suspended:
            raise ConflictError("organization is not suspended", "该机构未被暂停")
        self._reinstated(text)

    @event(Reinstated)
    def _reinstated(self, reason: str) -> None:
        self.suspended = False
        self.suspension_reason = None

    def add_member(self, member_id: UUID, name: str, login: str, role: str) -> None:
        check_role(role)
        self._member_added(member_id, name, login, role)

    @event(MemberAdded)
    def _member_added(self, member_id: UUID, name: str, login: str, role: str) -> None:
        self.members[member_id] = Member(member_id, name, login, role)

    def change_member_role(self, member_id: UUID, role: str) -> None:
        check_role(role)
        member = active_member(self.members, member_id)
        if member.role == role:
            return
        if role != MemberRole.ADMIN:
            require_another_admin(self.members, member_id)
        self._member_role_changed(member_id, role)

    @event(MemberRoleChanged)
    def _member_role_changed(self, member_id: UUID, role: str) -> None:
        self.members[member_id].role = role

    def disable_member(self, member_id: UUID) -> None:
        """The member cannot sign in any more; at least one admin remains (409)."""
        active_member(self.members, member_id)
        require_another_admin(self.members, member_id)
        self._member_disabled(member_id)

    @event(MemberDisabled)
    def _member_disabled(self, member_id: UUID) -> None:
        self.members[member_id].disabled = True

    def change_profile(self, changes: dict[str, Any], *, recheck: bool) -> None:
        """The admin's edit: only what differs is recorded (nothing: 409); `recheck`: a kind
        that an operator verifies again after a change of name."""
        if "service_categories" in changes:
            categories = check_service_categories(self.kind, changes["service_categories"])
            changes = {**changes, "service_categories": list(categories)}
        actual = {name: value for name, value in changes.items() if getattr(self, name) != value}
        require_change({}, actual)
        self._profile_changed(actual, recheck and self.verified and "name" in actual)

    @event(ProfileChanged)
    def _profile_changed(self, changes: dict[str, Any], unverified: bool) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        if "sealed_contact" in changes:
            self.contact_erased = False
        if unverified:
            self.verified = False

    def require_verified(self) -> None:
        """Unverified organizations may read but not act (403 `not_verified`)."""
        if not self.verified:
            raise NotVerifiedError(
                "this organization has not been verified by an operator yet; it may read"
                " but not post, bid, ask for financing or sign up",
                "该机构尚未通过平台认证：可以浏览，但不能发布、报价、申请融资或报名",
            )
