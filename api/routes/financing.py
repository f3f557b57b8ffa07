"""Financing needs: posted by enterprises, read by verified banks and staff, matched, disbursed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from aggregates.errors import ForbiddenError
from aggregates.financing_need import FinancingNeed
from api.deps import (
    DocumentQueriesDep,
    Enterprise,
    FinancingQueriesDep,
    IfMatch,
    MarketplaceDep,
    OrganizationQueriesDep,
    Principal,
    SignedIn,
    fresh,
)
from api.exports import EXPORTABLE, FormatQuery, every_page, export
from api.reauth import PasswordCheckDep
from api.routes.bank_products import Bank
from api.schemas.common import ListOf, RegionPrefixIn
from api.schemas.financing import (
    Disbursement,
    MatchReason,
    NeedCreate,
    NeedPublic,
    NeedStatusName,
    NeedWritten,
    ProductMatch,
    ProductTypeName,
)
from api.schemas.mapping import answer, party, written
from marketplace.commands import Outcome
from marketplace.queries.financing import FinancingQueries, may_read_needs, sees_disbursed_amount
from projections.bank_products import BankProductsView
from projections.financing import FinancingBoardView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/financing-needs", tags=["financing"])


async def need_reader(principal: SignedIn) -> Principal:
    """Enterprises (their own needs), verified banks and staff; nobody else."""
    if may_read_needs(principal):
        return principal
    if principal.kind == "bank":
        raise ForbiddenError(
            "the bank has not been verified by an operator yet", "该银行尚未通过平台认证"
        )
    raise ForbiddenError(
        "only enterprises, verified banks, operators and auditors read financing needs",
        "只有企业、已认证银行、平台运营方和审计方可以查看融资需求",
    )


NeedReader = Annotated[Principal, Depends(need_reader)]


def need_public(row: dict[str, Any], caller: Principal) -> NeedPublic:
    shown = sees_disbursed_amount(caller, row["matched_bank_id"])
    return answer(
        NeedPublic,
        row,
        published_at=row["posted_at"],
        amount_disbursed=row["amount_disbursed"] if shown else None,
    )


def need_written(
    outcome: Outcome[FinancingNeed], financing: FinancingQueries, owner_name: str | None
) -> NeedWritten:
    need: FinancingNeed = outcome.aggregate
    return written(
        NeedWritten,
        outcome,
        owner=party(need.owner_id, owner_name),
        offer_count=sum(1 for o in need.offers.values() if o.status != "withdrawn"),
        overdue=financing.overdue(need),
        published_at=need.created_on,
    )


@router.post("", status_code=201)
def create_need(
    body: NeedCreate, owner: Enterprise, app: MarketplaceDep, financing: FinancingQueriesDep
) -> NeedWritten:
    """Post a financing need for verified banks to answer."""
    outcome = app.post_financing_need(owner.id, **body.model_dump())
    return need_written(outcome, financing, owner.name)


@router.get(
    "",
    dependencies=[fresh(FinancingBoardView, OrganizationsView)],
    response_model=ListOf[NeedPublic],
    responses=EXPORTABLE,
)
def read_needs(
    caller: NeedReader,
    financing: FinancingQueriesDep,
    documents: DocumentQueriesDep,
    product_type: ProductTypeName | None = None,
    region: Annotated[RegionPrefixIn | None, Query(description="prefix: 33 = Zhejiang")] = None,
    status: NeedStatusName | None = None,
    amount_min: Annotated[Decimal | None, Query(ge=0, max_digits=18)] = None,
    amount_max: Annotated[Decimal | None, Query(ge=0, max_digits=18)] = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    fmt: FormatQuery = None,
) -> ListOf[NeedPublic] | Response:
    """Needs, newest first: every need for verified banks and staff, its own for an enterprise.
    *Exportable*."""

    def read(cursor: str | None, limit: int = limit) -> ListOf[NeedPublic]:
        page = financing.list_needs(
            caller,
            product_type=product_type,
            region=region,
            status=status,
            amount_min=amount_min,
            amount_max=amount_max,
            overdue=overdue,
            limit=limit,
            cursor=cursor,
        )
        rows = documents.with_documents(page.items)
        return ListOf[NeedPublic](
            items=[need_public(r, caller) for r in rows], next_cursor=page.next_cursor
        )

    if fmt is not None:
        items = every_page(read, cursor)
        return export(fmt, "financing-needs", NeedPublic, items)
    return read(cursor)


@router.get("/{need_id}", dependencies=[fresh(FinancingBoardView, OrganizationsView)])
def read_need(
    need_id: UUID,
    caller: NeedReader,
    financing: FinancingQueriesDep,
    documents: DocumentQueriesDep,
) -> NeedPublic:
    """One need with its offer count, first offer time (never the offers' terms) and
    documents."""
    row = financing.need(caller, need_id)
    return need_public(documents.with_documents([row])[0], caller)


@router.post("/{need_id}/withdraw")
def withdraw_need(
    need_id: UUID,
    owner: Enterprise,
    app: MarketplaceDep,
    financing: FinancingQueriesDep,
    expected_version: IfMatch,
) -> NeedWritten:
    """Withdraw an open financing need."""
    outcome = app.withdraw_financing_need(need_id, owner.id, expected_version)
    return need_written(outcome, financing, owner.name)


@router.post("/{need_id}/disburse")
def disburse(
    need_id: UUID,
    body: Disbursement,
    bank: Bank,
    app: MarketplaceDep,
    financing: FinancingQueriesDep,
    organizations: OrganizationQueriesDep,
    confirm_password: PasswordCheckDep,
) -> NeedWritten:
    """The matched bank records the payout, once the loan contract is signed: at most the
    accepted offer's amount."""
    confirm_password(bank, body.password)
    outcome = app.disburse_loan(need_id, bank.id, body.amount)
    owner_name = organizations.name_of(outcome.aggregate.owner_id)
    return need_written(outcome, financing, owner_name)


@router.get(
    "/{need_id}/matches",
    dependencies=[fresh(FinancingBoardView, BankProductsView, OrganizationsView)],
)
def read_matches(
    need_id: UUID,
    owner: Enterprise,
    financing: FinancingQueriesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ListOf[ProductMatch]:
    """Bank products that fit the need, best first, each with its score and the reasons."""
    items = [
        answer(
            ProductMatch,
            m.product,
            regions=list(m.product["regions"]),
            score=m.score,
            reasons=[MatchReason(**vars(r)) for r in m.reasons],
        )
        for m in financing.matches(owner, need_id, limit)
    ]
    return ListOf[ProductMatch](items=items)
