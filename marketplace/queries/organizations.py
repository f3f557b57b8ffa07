"""Reads of organizations: who a session token speaks for, names, profiles and the
operators' list.

Who signed in and the names of parties come from the organizations view (one row by key),
not from replaying the Organization aggregate. The view is read only at the positions a read
waits for, so a registration it has not folded yet (a token used in the instant after
signing up) is answered from the aggregate instead; `verified` may lag a verification by as
much as the view lags, which only delays reads: every command checks the aggregate itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from aggregates.errors import NotFoundError
from aggregates.members import Member, first_admin_id
from aggregates.organization import Organization
from marketplace.queries.viewer import Viewer
from marketplace.stores.personal_data import ContactVault
from marketplace.stores.security import SecurityStore
from projections.organizations import OrganizationsView
from projections.pages import Page


@dataclass(frozen=True)
class Profile:
    """An organization as its reader may see it: contact data and the last rejection's reason
    only in the full profile (for itself and staff)."""

    organization: Organization
    full: bool
    contact: dict[str, Any] | None = None

    @property
    def registered_at(self) -> datetime:
        return self.organization.created_on


@dataclass(frozen=True)
class OrganizationQueries:
    organizations: OrganizationsView
    security: SecurityStore
    vault: ContactVault
    load: Callable[[UUID], Organization]  # the aggregate, for profiles and unfolded rows

    def signed_in(self, token: str, *, writing: bool = False) -> Viewer | None:
        """The organization a live session token speaks for; None when the token is not.
        `writing`: from the aggregate, so that a suspension recorded a moment ago counts."""
        found = self.security.resolve_member(token)
        if found is None:
            return None
        org_id, member_id = found
        viewer = self._current(org_id) if writing else self.viewer(org_id)
        if viewer is None:
            return None
        return replace(viewer, member_id=member_id or first_admin_id(org_id))

    def viewer(self, org_id: UUID) -> Viewer | None:
        row = self.organizations.get_organization(org_id)
        if row is not None:
            return Viewer(row["id"], row["kind"], row["name"], row["verified"], row["suspended"])
        return self._current(org_id)

    def _current(self, org_id: UUID) -> Viewer | None:
        try:
            org = self.load(org_id)
        except NotFoundError:
            return None
        return Viewer(org.id, org.kind, org.name, org.verified, org.suspended)

    def name_of(self, org_id: UUID) -> str | None:
        viewer = self.viewer(org_id)
        return None if viewer is None else viewer.name

    def list_organizations(self, **filters: Any) -> Page:
        """For staff (the route refuses others): profiles, newest registered first."""
        return self.organizations.list_organizations(**filters)

    def profile(self, viewer: Viewer, org_id: UUID) -> Profile:
        """The public profile; the full one (contact, null once erased; rejection reason) for
        staff. Read from the aggregate: it holds the sealed contact, and a profile is always
        current."""
        return self._profile(self.load(org_id), full=viewer.is_staff)

    def own_profile(self, viewer: Viewer) -> Profile:
        """The signed-in organization's full profile."""
        assert viewer.id is not None
        return self._profile(self.load(viewer.id), full=True)

    def members(self, viewer: Viewer) -> list[Member]:
        """The signed-in organization's members, the first admin first (from the aggregate)."""
        assert viewer.id is not None
        return list(self.load(viewer.id).members.values())

    def member(self, org_id: UUID, member_id: UUID | None) -> Member:
        """A member of the organization (None: its first admin)."""
        return self.load(org_id).members[member_id or first_admin_id(org_id)]

    def _profile(self, org: Organization, *, full: bool) -> Profile:
        if not full:
            return Profile(org, full=False)
        contact = None if org.contact_erased else self.vault.open(org.id, org.sealed_contact)
        return Profile(org, full=True, contact=contact)
