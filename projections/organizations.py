"""Organizations view: profiles with their verification state, for operators and auditors."""

from __future__ import annotations

import base64
from datetime import datetime
from functools import singledispatchmethod
from typing import Any, LiteralString
from uuid import UUID

from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed

from aggregates.errors import InvalidValueError
from aggregates.organization import Organization
from projections.engine import View
from projections.pages import Page
from projections.rows import Rows
from projections.table import Table

ORGANIZATIONS = Table(
    "organizations",
    (
        "id uuid PRIMARY KEY",
        "kind text NOT NULL",
        "name text NOT NULL",
        "credit_code text NOT NULL",
        "region text NOT NULL",
        "industry text",
        "verified boolean NOT NULL",
        "registered_at timestamptz NOT NULL",
        "rejection_reason text",
        "contact_erased boolean NOT NULL DEFAULT false",
        "service_categories text[] NOT NULL DEFAULT '{}'",
        "suspended boolean NOT NULL DEFAULT false",
        "suspension_reason text",
        "version int NOT NULL",
        "position bigint NOT NULL",
    ),
)


# The columns an admin's profile edit may change (its contact is sealed, not a column).
PROFILE_COLUMNS = frozenset({"name", "region", "industry", "service_categories"})


class OrganizationsView(View):
    name = "organizations"
    version = 4  # 3: providers' service categories; 4: suspensions
    tables = (ORGANIZATIONS,)
    event_classes = (
        Organization.Registered,
        Organization.Verified,
        Organization.VerificationRejected,
        Organization.ContactErased,
        Organization.Suspended,
        Organization.Reinstated,
        Organization.ProfileChanged,
    )
    schema = (
        ORGANIZATIONS.create,
        SQL("CREATE INDEX IF NOT EXISTS organizations_kind_idx ON organizations (kind)"),
        SQL(
            "CREATE INDEX IF NOT EXISTS organizations_registered_idx"
            " ON organizations (registered_at DESC, id DESC)"
        ),
    )

    @singledispatchmethod
    def fold(self, event: Any, rows: Rows, position: int) -> None:
        """Events of other types do not change this view."""

    @fold.register
    def _(self, event: Organization.Registered, rows: Rows, position: int) -> None:
        rows.put(
            "organizations",
            {
                "id": event.originator_id,
                "kind": event.kind,
                "name": event.name,
                "credit_code": event.credit_code,
                "region": event.region,
                "industry": event.industry,
                "verified": event.starts_verified,
                "registered_at": event.timestamp,
                "rejection_reason": None,
                "contact_erased": False,
                "service_categories": list(event.service_categories),
                "suspended": False,
                "suspension_reason": None,
                "version": event.originator_version,
                "position": position,
            },
        )

    @fold.register
    def _(self, event: Organization.Verified, rows: Rows, position: int) -> None:
        rows.update(
            "organizations",
            event.originator_id,
            verified=True,
            rejection_reason=None,
            version=event.originator_version,
            position=position,
        )

    @fold.register
    def _(self, event: Organization.VerificationRejected, rows: Rows, position: int) -> None:
        rows.update(
            "organizations",
            event.originator_id,
            rejection_reason=event.reason,
            version=event.originator_version,
            position=position,
        )

    @fold.register
    def _(self, event: Organization.ContactErased, rows: Rows, position: int) -> None:
        rows.update(
            "organizations",
            event.originator_id,
            contact_erased=True,
            version=event.originator_version,
            position=position,
        )

    @fold.register
    def _(self, event: Organization.Suspended, rows: Rows, position: int) -> None:
        self._suspension(rows, event, position, event.reason)

    @fold.register
    def _(self, event: Organization.Reinstated, rows: Rows, position: int) -> None:
        self._suspension(rows, event, position, None)

    @fold.register
    def _(self, event: Organization.ProfileChanged, rows: Rows, position: int) -> None:
        changed = {k: v for k, v in event.changes.items() if k in PROFILE_COLUMNS}
        if "sealed_contact" in event.changes:
            changed["contact_erased"] = False
        if event.unverified:
            changed |= {"verified": False, "rejection_reason": None}
        rows.update(
            "organizations",
            event.originator_id,
            **changed,
            version=event.originator_version,
            position=position,
        )

    def _suspension(self, rows: Rows, event: Any, position: int, reason: str | None) -> None:
        rows.update(
            "organizations",
            event.originator_id,
            suspended=reason is not None,
            suspension_reason=reason,
            version=event.originator_version,
            position=position,
        )

    def get_organization(self, org_id: UUID) -> dict[str, Any] | None:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute("SELECT * FROM organizations WHERE id = %s", (org_id,))
            row: dict[str, Any] | None = cur.fetchone()
            return row

    def list_organizations(
        self,
        *,
        kind: str | None = None,
        verified: bool | None = None,
        q: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """Newest registered first; `q`: every word in the name (any case) or the credit code
        starting with it. The cursor is the registration time and id of the last row handed
        out: `position` moves when an organization is verified, registration never does."""
        where: list[SQL | Composed] = []
        params: list[Any] = []

        def add(clause: LiteralString, *values: Any) -> None:
            where.append(SQL(clause))
            params.extend(values)

        if kind is not None:
            add("kind = %s", kind)
        if verified is not None:
            add("verified = %s", verified)
        for word in (q or "").split():
            add("(name ILIKE %s OR credit_code LIKE %s)", f"%{_literal(word)}%", word.upper() + "%")
        if cursor is not None:
            add("(registered_at, id) < (%s, %s)", *decode_registration_cursor(cursor))
        query = SQL(
            "SELECT * FROM organizations WHERE {} ORDER BY registered_at DESC, id DESC LIMIT %s"
        ).format(SQL(" AND ").join(where) if where else SQL("true"))
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, [*params, limit + 1])
            rows: list[dict[str, Any]] = cur.fetchall()
        if len(rows) <= limit:
            return Page(rows, None)
        last = rows[limit - 1]
        return Page(rows[:limit], encode_registration_cursor(last["registered_at"], last["id"]))


def encode_registration_cursor(registered_at: datetime, org_id: UUID) -> str:
    text = f"r{registered_at.isoformat()}|{org_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_registration_cursor(cursor: str) -> tuple[datetime, UUID]:
    """The registration time and id a cursor stands for; 422 for anything we did not hand out."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("r"):
            raise ValueError(text)
        when, _, org_id = text[1:].partition("|")
        registered_at = datetime.fromisoformat(when)
        if registered_at.tzinfo is None:
            raise ValueError(when)
        return registered_at, UUID(org_id)
    except ValueError:
        raise InvalidValueError("cursor is not valid", "分页游标无效", field="cursor") from None


def _literal(text: str) -> str:
    """`text` matched as written by LIKE (its wildcards and escape character escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
