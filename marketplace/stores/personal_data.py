"""Contact data of people, encrypted per organization (crypto-shredding).

Events keep only the ciphertext. Deleting an organization's key forgets the contact data
for good, while the events, and so the audit chain over them, stay unchanged.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg.sql import SQL, Composable

from marketplace.stores.database import Database
from marketplace.stores.recorder import SideEffect

SCHEMA = [
    SQL(
        "CREATE TABLE IF NOT EXISTS personal_data_keys ("
        " organization_id uuid PRIMARY KEY,"
        " key bytea NOT NULL)"
    ),
]


class ContactVault:
    """Seals and opens contact data with a key per organization."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def seal(
        organization_id: UUID, contact: dict[str, Any], *, replace: bool = False
    ) -> tuple[str, SideEffect]:
        """Ciphertext for the event, and the statement that stores the new key with it
        (`replace`: over the organization's old key, whose contact data is then forgotten)."""
        key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        plain = json.dumps(contact, ensure_ascii=False).encode()
        sealed = nonce + AESGCM(key).encrypt(nonce, plain, organization_id.bytes)
        insert: Composable = SQL(
            "INSERT INTO personal_data_keys (organization_id, key) VALUES (%s, %s)"
        )
        if replace:
            insert = insert + SQL(" ON CONFLICT (organization_id) DO UPDATE SET key = EXCLUDED.key")
        store_key = (insert, (organization_id, key))
        return base64.b64encode(sealed).decode(), store_key

    def open(self, organization_id: UUID, sealed: str | None) -> dict[str, Any] | None:
        """The contact data, or None once it has been forgotten."""
        if not sealed:
            return None
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT key FROM personal_data_keys WHERE organization_id = %s",
                (organization_id,),
            ).fetchone()
        if row is None:
            return None
        raw = base64.b64decode(sealed)
        try:
            plain = AESGCM(bytes(row["key"])).decrypt(raw[:12], raw[12:], organization_id.bytes)
        except InvalidTag:
            return None
        contact: dict[str, Any] = json.loads(plain)
        return contact

    @staticmethod
    def forget_statement(organization_id: UUID) -> SideEffect:
        """The statement that erases the key, run in the transaction of the event saying so."""
        return (
            SQL("DELETE FROM personal_data_keys WHERE organization_id = %s"),
            (organization_id,),
        )

    def forget(self, organization_id: UUID) -> bool:
        """Erase the key: the sealed contact data can never be read again."""
        with self.db.connection() as conn:
            cur = conn.execute(
                "DELETE FROM personal_data_keys WHERE organization_id = %s", (organization_id,)
            )
        return cur.rowcount > 0
