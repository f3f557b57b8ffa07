"""Contracts: parties read and sign their own; operators and auditors read all."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response

from aggregates.contract import Contract
from api.deps import (
    AuditLogDep,
    ContractQueriesDep,
    DocumentQueriesDep,
    IfMatch,
    MarketplaceDep,
    OrganizationQueriesDep,
    SignedIn,
    fresh,
)
from api.exports import (
    EXPORTABLE,
    PDF_ANSWER,
    PDF_TYPE,
    FormatQuery,
    attachment,
    every_page,
    export,
)
from api.reauth import PasswordCheckDep
from api.schemas.common import ListOf
from api.schemas.contracts import (
    ContractCancel,
    ContractParty,
    ContractPublic,
    ContractSign,
    ContractWritten,
)
from api.schemas.documents import DocumentAttach
from api.schemas.mapping import answer, written
from marketplace.application import Marketplace
from marketplace.commands import Outcome
from marketplace.pdf.contract_facts import contract_facts
from marketplace.pdf.contract_pdf import contract_pdf
from projections.contracts import ContractsView

router = APIRouter(prefix="/contracts", tags=["contracts"])


def _parties(
    parties: list[dict[str, str]], signatures: dict[str, Any], signers: dict[str, Any]
) -> list[ContractParty]:
    def signed_at(org: str) -> datetime | None:
        value = signatures.get(org)
        return datetime.fromisoformat(value) if isinstance(value, str) else value

    return [
        ContractParty(
            organization_id=p["organization_id"],
            role=p["role"],
            signed_at=signed_at(p["organization_id"]),
            actor=signers.get(p["organization_id"]),
        )
        for p in parties
    ]


def contract_public(row: dict[str, Any]) -> ContractPublic:
    parties = _parties(row["parties"], row["signatures"], row["signers"])
    return answer(ContractPublic, row, parties=parties)


def contract_written(outcome: Outcome[Contract], app: Marketplace) -> ContractWritten:
    contract: Contract = outcome.aggregate
    signers = app.contract_signers(contract.id) if contract.signatures else {}
    return written(
        ContractWritten,
        outcome,
        parties=_parties(contract.parties, contract.signatures, signers),
        drafted_at=contract.created_on,
    )


@router.get(
    "",
    dependencies=[fresh(ContractsView)],
    response_model=ListOf[ContractPublic],
    responses=EXPORTABLE,
)
def read_contracts(
    caller: SignedIn,
    contracts: ContractQueriesDep,
    documents: DocumentQueriesDep,
    kind: Literal["sale", "loan"] | None = None,
    status: Literal["drafted", "signed", "completed", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    fmt: FormatQuery = None,
) -> ListOf[ContractPublic] | Response:
    """A party's own contracts, newest first; operators and auditors see all. *Exportable*."""

    def read(cursor: str | None, limit: int = limit) -> ListOf[ContractPublic]:
        page = contracts.list_contracts(
            caller, kind=kind, status=status, limit=limit, cursor=cursor
        )
        rows = documents.with_documents(page.items)
        return ListOf[ContractPublic](
            items=[contract_public(r) for r in rows], next_cursor=page.next_cursor
        )

    if fmt is not None:
        items = every_page(read, cursor)
        return export(fmt, "contracts", ContractPublic, items)
    return read(cursor)


@router.get("/{contract_id}", dependencies=[fresh(ContractsView)])
def read_contract(
    contract_id: UUID,
    caller: SignedIn,
    contracts: ContractQueriesDep,
    documents: DocumentQueriesDep,
) -> ContractPublic:
    """One contract with its documents, for its parties, operators and auditors."""
    row = contracts.contract(caller, contract_id)
    return contract_public(documents.with_documents([row])[0])


@router.get(
    "/{contract_id}/document",
    dependencies=[fresh(ContractsView)],
    response_class=Response,
    responses=PDF_ANSWER,
)
def read_contract_document(
    contract_id: UUID,
    caller: SignedIn,
    contracts: ContractQueriesDep,
    organizations: OrganizationQueriesDep,
    audit: AuditLogDep,
) -> Response:
    """The contract as PDF, for its parties, operators and auditors: parties, terms, the
    amount in figures and in Chinese capitals, the digest, each signature and its audit leaf."""
    row = contracts.contract(caller, contract_id)
    history = audit.stream_history(contract_id).items
    facts = contract_facts(row, organizations.load, history)
    return Response(
        contract_pdf(facts),
        media_type=PDF_TYPE,
        headers=attachment(f"contract-{contract_id}.pdf"),
    )


@router.post("/{contract_id}/sign")
def sign_contract(
    contract_id: UUID,
    body: ContractSign,
    caller: SignedIn,
    app: MarketplaceDep,
    expected_version: IfMatch,
    confirm_password: PasswordCheckDep,
) -> ContractWritten:
    """Sign the contract whose content has this digest; all parties signed → `signed`."""
    confirm_password(caller, body.password)
    outcome = app.sign_contract(contract_id, caller.id, body.digest, expected_version)
    return contract_written(outcome, app)


@router.post("/{contract_id}/cancel")
def cancel_contract(
    contract_id: UUID,
    body: ContractCancel,
    caller: SignedIn,
    app: MarketplaceDep,
    expected_version: IfMatch,
) -> ContractWritten:
    """A party cancels a contract that is not signed yet."""
    outcome = app.cancel_contract(contract_id, caller.id, body.reason, expected_version)
    return contract_written(outcome, app)


@router.post("/{contract_id}/complete")
def complete_contract(
    contract_id: UUID, caller: SignedIn, app: MarketplaceDep, expected_version: IfMatch
) -> ContractWritten:
    """The buyer or lender confirms a signed contract was carried out."""
    outcome = app.complete_contract(contract_id, caller.id, expected_version)
    return contract_written(outcome, app)


@router.post("/{contract_id}/documents")
def attach_contract_document(
    contract_id: UUID,
    body: DocumentAttach,
    caller: SignedIn,
    app: MarketplaceDep,
    expected_version: IfMatch,
) -> ContractWritten:
    """A party attaches one of its uploads while the contract is drafted: its hash and name
    join `terms.documents`, so the digest changes and earlier signatures are void."""
    outcome = app.attach_contract_document(
        contract_id, caller.id, body.document_id, expected_version
    )
    return contract_written(outcome, app)
