"""Contracts: parties read and sign their own; operators and auditors read all."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request

from aggregates.contract import Contract
from aggregates.errors import ForbiddenError, NotFoundError
from api.deps import IfMatch, Principal, ServicesDep, SignedIn, fresh
from api.reauth import confirm_password
from api.schemas.common import ListOf
from api.schemas.contracts import (
    ContractCancel,
    ContractParty,
    ContractPublic,
    ContractSign,
    ContractWritten,
)
from marketplace.commands import Outcome
from projections.contracts import ContractsView

router = APIRouter(prefix="/contracts", tags=["contracts"])
STAFF = frozenset({"operator", "auditor"})


def _parties(parties: list[dict[str, str]], signatures: dict[str, Any]) -> list[ContractParty]:
    def signed_at(org: str) -> datetime | None:
        value = signatures.get(org)
        return datetime.fromisoformat(value) if isinstance(value, str) else value

    return [
        ContractParty(
            organization_id=p["organization_id"],
            role=p["role"],
            signed_at=signed_at(p["organization_id"]),
        )
        for p in parties
    ]


def contract_from_row(row: dict[str, Any]) -> ContractPublic:
    return ContractPublic(
        id=str(row["id"]),
        kind=row["kind"],
        status=row["status"],
        parties=_parties(row["parties"], row["signatures"]),
        terms=row["terms"],
        amount=row["amount"],
        currency=row["currency"],
        digest=row["digest"],
        source=row["source"],
        exhibition_id=str(row["exhibition_id"]) if row["exhibition_id"] else None,
        drafted_at=row["drafted_at"],
        version=row["version"],
    )


def contract_written(outcome: Outcome[Contract]) -> ContractWritten:
    contract: Contract = outcome.aggregate
    return ContractWritten(
        id=str(contract.id),
        kind=contract.kind,
        status=contract.status,
        parties=_parties(contract.parties, contract.signatures),
        terms=contract.terms,
        amount=contract.amount,
        currency=contract.currency,
        digest=contract.digest,
        source=contract.source,
        exhibition_id=str(contract.exhibition_id) if contract.exhibition_id else None,
        drafted_at=contract.created_on,
        version=outcome.version,
        position=outcome.position,
    )


def _may_read(caller: Principal, row: dict[str, Any]) -> bool:
    return caller.kind in STAFF or caller.id in row["party_ids"]


@router.get("", dependencies=[fresh(ContractsView)])
def read_contracts(
    caller: SignedIn,
    services: ServicesDep,
    kind: Literal["sale", "loan"] | None = None,
    status: Literal["drafted", "signed", "completed", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[ContractPublic]:
    """A party's own contracts, newest first; operators and auditors see all."""
    page = services.views.contracts.list_contracts(
        party=None if caller.kind in STAFF else caller.id,
        kind=kind,
        status=status,
        limit=limit,
        cursor=cursor,
    )
    return ListOf[ContractPublic](
        items=[contract_from_row(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.get("/{contract_id}", dependencies=[fresh(ContractsView)])
def read_contract(contract_id: UUID, caller: SignedIn, services: ServicesDep) -> ContractPublic:
    """One contract, for its parties, operators and auditors."""
    row = services.views.contracts.get_contract(contract_id)
    if row is None:
        raise NotFoundError("contract not found", "未找到该合同")
    if not _may_read(caller, row):
        raise ForbiddenError("only the parties may read this contract", "只有合同当事方可以查看")
    return contract_from_row(row)


@router.post("/{contract_id}/sign")
def sign_contract(
    contract_id: UUID,
    body: ContractSign,
    caller: SignedIn,
    services: ServicesDep,
    expected_version: IfMatch,
    request: Request,
) -> ContractWritten:
    """Sign the contract whose content has this digest; all parties signed → `signed`."""
    confirm_password(request, services, caller, body.password)
    outcome = services.app.sign_contract(contract_id, caller.id, body.digest, expected_version)
    return contract_written(outcome)


@router.post("/{contract_id}/cancel")
def cancel_contract(
    contract_id: UUID,
    body: ContractCancel,
    caller: SignedIn,
    services: ServicesDep,
    expected_version: IfMatch,
) -> ContractWritten:
    """A party cancels a contract that is not signed yet."""
    outcome = services.app.cancel_contract(contract_id, caller.id, body.reason, expected_version)
    return contract_written(outcome)


@router.post("/{contract_id}/complete")
def complete_contract(
    contract_id: UUID, caller: SignedIn, services: ServicesDep, expected_version: IfMatch
) -> ContractWritten:
    """The buyer or lender confirms a signed contract was carried out."""
    outcome = services.app.complete_contract(contract_id, caller.id, expected_version)
    return contract_written(outcome)
