"""What the contract document prints, gathered from the contract's row, its parties'
organizations and the audit log's leaves of its signature events."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from aggregates.members import first_admin_id
from aggregates.organization import Organization
from marketplace.audit.results import AuditEvent

SIGNED_TYPE = "Contract.Signed"  # the end of the signature event's topic


@dataclass(frozen=True)
class Signature:
    signed_at: datetime
    signer: str  # the member's name, with the login a member signs in with
    leaf_index: int | None  # None: the event has no leaf (the log was altered)
    leaf_hash: str | None
    position: int


@dataclass(frozen=True)
class PartyFacts:
    organization_id: str
    role: str
    name: str
    credit_code: str
    signature: Signature | None  # None: not signed


@dataclass(frozen=True)
class ContractFacts:
    id: str
    kind: str
    status: str
    parties: list[PartyFacts]
    terms: dict[str, Any]
    amount: Decimal
    currency: str
    digest: str
    drafted_at: datetime


def contract_facts(
    row: dict[str, Any],
    load_organization: Callable[[UUID], Organization],
    history: Iterable[AuditEvent],
) -> ContractFacts:
    """The contract as its document shows it. Names and credit codes are the organizations'
    current ones; a party's signature is its last `Contract.Signed` event in the log."""
    signatures = {}
    for item in history:
        if item.type.endswith(SIGNED_TYPE) and item.data is not None:
            signatures[str(item.data["organization_id"])] = item
    parties = []
    for party in row["parties"]:
        org_id = party["organization_id"]
        organization = load_organization(UUID(org_id))
        event = signatures.get(org_id)
        parties.append(
            PartyFacts(
                organization_id=org_id,
                role=party["role"],
                name=organization.name,
                credit_code=organization.credit_code,
                signature=None if event is None else _signature(event, organization),
            )
        )
    return ContractFacts(
        id=str(row["id"]),
        kind=row["kind"],
        status=row["status"],
        parties=parties,
        terms=row["terms"],
        amount=Decimal(row["amount"]),
        currency=row["currency"],
        digest=row["digest"],
        drafted_at=row["drafted_at"],
    )


def _signature(event: AuditEvent, organization: Organization) -> Signature:
    data = event.data or {}
    actor = data.get("actor")
    member = organization.members.get(UUID(actor) if actor else first_admin_id(organization.id))
    if member is None:
        signer = str(actor or "")
    elif member.login:
        signer = f"{member.name} ({member.login})"
    else:
        signer = member.name
    return Signature(
        signed_at=datetime.fromisoformat(str(data["signed_at"])),
        signer=signer,
        leaf_index=event.leaf_index,
        leaf_hash=event.leaf_hash,
        position=event.position,
    )
