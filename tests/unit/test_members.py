"""Members on in-memory persistence: the first admin every organization has (also those
registered before members), roles, and the rule that one active admin remains."""

from __future__ import annotations

from uuid import UUID

import pytest

from aggregates.errors import ConflictError, ForbiddenError, InvalidValueError, NotFoundError
from aggregates.members import first_admin_id
from marketplace import members as members_module
from marketplace.application import Marketplace
from tests.unit.test_moderation_usecases import POPO, register


def add(app: Marketplace, org_id: UUID, by: UUID, login: str, role: str = "member") -> UUID:
    outcome = app.add_member(
        org_id, by, name="李雷", login=login, password="loan officer 2026", role=role
    )
    member_id: UUID = outcome.member.id
    return member_id


def test_an_organization_read_back_has_its_first_admin() -> None:
    app = Marketplace(env=POPO)
    org_id = register(app)
    (first,) = app.get_organization(org_id).members.values()
    assert (first.id, first.role, first.login) == (first_admin_id(org_id), "admin", None)


def test_roles_and_the_last_admin() -> None:
    app = Marketplace(env=POPO)
    org_id = register(app)
    admin = first_admin_id(org_id)
    clerk = add(app, org_id, admin, "clerk.li")
    with pytest.raises(ForbiddenError):
        add(app, org_id, clerk, "clerk.two")
    with pytest.raises(ConflictError):
        app.disable_member(org_id, admin, admin)
    with pytest.raises(ConflictError):
        app.change_member_role(org_id, admin, admin, "member")
    with pytest.raises(InvalidValueError):
        app.change_member_role(org_id, admin, clerk, "owner")
    app.change_member_role(org_id, admin, clerk, "admin")
    app.disable_member(org_id, clerk, admin)
    members = app.get_organization(org_id).members
    assert members[admin].disabled and members[clerk].role == "admin"
    with pytest.raises(ForbiddenError):  # a disabled admin manages nobody
        add(app, org_id, admin, "clerk.three")
    with pytest.raises(NotFoundError):
        app.disable_member(org_id, clerk, UUID(int=1))


def test_a_password_is_hashed_only_for_an_admin_adding_a_valid_member(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """argon2 is costly: a refused request must not spend a password slot on it."""
    app = Marketplace(env=POPO)
    org_id = register(app)
    admin = first_admin_id(org_id)
    clerk = add(app, org_id, admin, "clerk.li")
    hashed: list[str] = []
    real = members_module.store_member
    monkeypatch.setattr(
        members_module, "store_member", lambda *args: hashed.append(args[2]) or real(*args)
    )
    with pytest.raises(ForbiddenError):
        add(app, org_id, clerk, "clerk.two")  # not an admin
    with pytest.raises(InvalidValueError):
        add(app, org_id, admin, "clerk.three", role="boss")  # no such role
    assert hashed == []
    add(app, org_id, admin, "clerk.four")
    assert hashed == ["clerk.four"]
