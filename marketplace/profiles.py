"""Use case of an organization's profile: its admins edit name, contact, region, industry and
service categories; a new name sends a checked kind back to verification."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from aggregates.errors import ConflictError
from aggregates.organization import Organization
from marketplace.commands import Outcome
from marketplace.members import require_admin
from marketplace.organizations import OrganizationUseCases
from marketplace.stores.personal_data import ContactVault
from marketplace.stores.recorder import SideEffect


class ProfileUseCases(OrganizationUseCases):
    def change_profile(
        self,
        org_id: UUID,
        by: UUID,
        fields: dict[str, Any],
        contact_now: dict[str, Any] | None,
    ) -> Outcome[Organization]:
        """An admin changes some fields (`contact_now`: the contact as it reads today); only
        what differs is recorded, nothing: 409. A bank, a provider or (verification
        `required`) an enterprise that changes its name waits for an operator again."""
        for _ in range(self.command_retries):
            org = self.get_organization(org_id)
            require_admin(org, by)
            changes = {name: value for name, value in fields.items() if name != "contact"}
            side_effects: list[SideEffect] = []
            contact = fields.get("contact")
            if contact is not None and contact != contact_now:
                changes["sealed_contact"], store_key = ContactVault.seal(
                    org_id, contact, replace=True
                )
                side_effects.append(store_key)
            org.change_profile(changes, recheck=self.starts_unverified(org.kind))
            try:
                position = self.record(org, side_effects=side_effects)
            except IntegrityError:
                continue  # someone else changed it meanwhile: again
            return Outcome(org, org.version, position)
        raise ConflictError("too many concurrent changes, please try again", "并发修改过多，请重试")
