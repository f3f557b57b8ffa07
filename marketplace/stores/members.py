"""Members' passwords (the first admin's is the organization's, in `credentials`), the
statements that end a disabled member's sessions, run with the member's event, and a
person's change of its own password (no event: passwords are never in the log)."""

from __future__ import annotations

from typing import LiteralString
from uuid import UUID

from argon2 import PasswordHasher
from psycopg.sql import SQL, Composable, Identifier

from aggregates.members import first_admin_id
from marketplace.stores.database import Database
from marketplace.stores.password_work import PASSWORD_WORK
from marketplace.stores.recorder import SideEffect

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS member_credentials ("
        " login text PRIMARY KEY,"
        " organization_id uuid NOT NULL,"
        " member_id uuid NOT NULL UNIQUE,"
        " password_hash text NOT NULL)"
    ),
]
_hasher = PasswordHasher()


def store_member(organization_id: UUID, member_id: UUID, login: str, password: str) -> SideEffect:
    """The statement that stores a member's password (a taken login fails the transaction)."""
    query: Composable = SQL(
        "INSERT INTO member_credentials (login, organization_id, member_id, password_hash)"
        " VALUES (%s, %s, %s, %s)"
    )
    with PASSWORD_WORK.slot(patient=True):
        password_hash = _hasher.hash(password)
    return query, (login, organization_id, member_id, password_hash)


def _sessions_of(first_admin: bool) -> LiteralString:
    """Whose sessions: the member's, and for the first admin those from before members."""
    if first_admin:
        return "member_id = %s OR (organization_id = %s AND member_id IS NULL)"
    return "member_id = %s"


def session_digests(
    db: Database, organization_id: UUID, member_id: UUID, first_admin: bool
) -> list[bytes]:
    """The token digests of a member's live sessions (to close their sockets)."""
    params = (member_id, organization_id) if first_admin else (member_id,)
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT token_sha256 FROM sessions WHERE " + _sessions_of(first_admin),
            params,
        ).fetchall()
    return [bytes(row["token_sha256"]) for row in rows]


def disable_statements(
    organization_id: UUID, member_id: UUID, first_admin: bool
) -> list[SideEffect]:
    """Forget the member's password and end its sessions, with `MemberDisabled`."""
    if first_admin:
        forget: SideEffect = (
            SQL("DELETE FROM credentials WHERE organization_id = %s"),
            (organization_id,),
        )
        params: tuple[UUID, ...] = (member_id, organization_id)
    else:
        forget = (SQL("DELETE FROM member_credentials WHERE member_id = %s"), (member_id,))
        params = (member_id,)
    end = SQL("DELETE FROM sessions WHERE " + _sessions_of(first_admin))
    return [forget, (end, params)]


def change_password(
    db: Database, organization_id: UUID, member_id: UUID, password: str, keep: bytes
) -> list[bytes]:
    """Store a person's new password and end its sessions but the one whose digest is `keep`,
    in one transaction; the token digests of the sessions ended (to close their sockets)."""
    first_admin = member_id == first_admin_id(organization_id)
    if first_admin:
        table, key, owner = "credentials", "organization_id", organization_id
    else:
        table, key, owner = "member_credentials", "member_id", member_id
    with PASSWORD_WORK.slot(patient=True):
        password_hash = _hasher.hash(password)
    update = SQL("UPDATE {} SET password_hash = %s WHERE {} = %s").format(
        Identifier(table), Identifier(key)
    )
    params = (member_id, organization_id) if first_admin else (member_id,)
    end = SQL(
        "DELETE FROM sessions WHERE (" + _sessions_of(first_admin) + ") AND token_sha256 <> %s"
        " RETURNING token_sha256"
    )
    with db.connection() as conn, conn.transaction():
        conn.execute(update, (password_hash, owner))
        rows = conn.execute(end, (*params, keep)).fetchall()
    return [bytes(row["token_sha256"]) for row in rows]
