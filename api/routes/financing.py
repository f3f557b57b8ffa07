"""Financing needs: posted by enterprises, read by verified banks and staff, matched, disbursed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from aggregates.errors import ForbiddenError, NotFoundError
from aggregates.financing_need import FinancingNeed
from api.deps import Enterprise, IfMatch, Principal, ServicesDep, SignedIn, fresh
from api.problems import ApiProblem
from api.reauth import confirm_password
from api.routes.bank_products import Bank, product_fields
from api.schemas.common import ListOf, Party, RegionPrefixIn
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
from marketplace.bootstrap import Services
from marketplace.commands import Outcome
from projections.bank_products import BankProductsView
from projections.financing import FinancingBoardView
from projections.financing_matching import Need
from projections.financing_queries import is_overdue
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/financing-needs", tags=["financing"])


def need_reader(principal: SignedIn) -> Principal:
    """Enterprises (their own needs), verified banks and staff; unverified banks read nothing."""
    if principal.kind == "bank" and not principal.verified:
        raise ApiProblem(
            403,
            "the bank has not been verified by an operator yet",
            "该银行尚未通过平台认证",
            code="forbidden",
        )
    return principal


NeedReader = Annotated[Principal, Depends(need_reader)]


def need_from_row(row: dict[str, Any], caller: Principal) -> NeedPublic:
    # The amount paid out nearly tells the accepted offer's terms: other banks do not see it.
    sealed = caller.kind == "bank" and row["matched_bank_id"] != caller.id
    return NeedPublic(
        id=str(row["id"]),
        owner=Party(id=str(row["owner_id"]), name=row.get("owner_name")),
        amount=row["amount"],
        currency=row["currency"],
        term_months=row["term_months"],
        purpose=row["purpose"],
        product_type=row["product_type"],
        region=row["region"],
        respond_by=row["respond_by"],
        status=row["status"],
        offer_count=row["offer_count"],
        first_offer_at=row["first_offer_at"],
        overdue=row["overdue"],
        published_at=row["posted_at"],
        matched_offer_id=_str(row["matched_offer_id"]),
        contract_id=_str(row["contract_id"]),
        amount_disbursed=None if sealed else row["amount_disbursed"],
        disbursed_at=row["disbursed_at"],
        version=row["version"],
    )


def need_written(
    outcome: Outcome[FinancingNeed], services: Services, owner_name: str | None
) -> NeedWritten:
    need: FinancingNeed = outcome.aggregate
    if owner_name is None:
        owner_name = services.app.get_organization(need.owner_id).name
    return NeedWritten(
        id=str(need.id),
        owner=Party(id=str(need.owner_id), name=owner_name),
        amount=need.amount,
        currency=need.currency,
        term_months=need.term_months,
        purpose=need.purpose,
        product_type=need.product_type,
        region=need.region,
        respond_by=need.respond_by,
        status=need.status,
        offer_count=sum(1 for o in need.offers.values() if o.status != "withdrawn"),
        first_offer_at=need.first_offer_at,
        overdue=is_overdue(
            need.status,
            need.created_on,
            need.first_offer_at,
            services.app.clock(),
            services.settings.financing_response_days,
        ),
        published_at=need.created_on,
        matched_offer_id=_str(need.matched_offer_id),
        contract_id=_str(need.contract_id),
        amount_disbursed=need.amount_disbursed,
        disbursed_at=need.disbursed_at,
        version=outcome.version,
        position=outcome.position,
    )


def _str(value: object) -> str | None:
    return None if value is None else str(value)


@router.post("", status_code=201)
def create_need(body: NeedCreate, owner: Enterprise, services: ServicesDep) -> NeedWritten:
    """Post a financing need for verified banks to answer."""
    outcome = services.app.post_financing_need(owner.id, **body.model_dump())
    return need_written(outcome, services, owner.name)


@router.get("", dependencies=[fresh(FinancingBoardView, OrganizationsView)])
def read_needs(
    caller: NeedReader,
    services: ServicesDep,
    product_type: ProductTypeName | None = None,
    region: Annotated[RegionPrefixIn | None, Query(description="prefix: 33 = Zhejiang")] = None,
    status: NeedStatusName | None = None,
    amount_min: Annotated[Decimal | None, Query(ge=0, max_digits=18)] = None,
    amount_max: Annotated[Decimal | None, Query(ge=0, max_digits=18)] = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[NeedPublic]:
    """Needs, newest first: every need for verified banks and staff, its own for an enterprise."""
    page = services.views.financing_needs.list_needs(
        now=services.app.clock(),
        response_days=services.settings.financing_response_days,
        owner=caller.id if caller.kind == "enterprise" else None,
        product_type=product_type,
        region=region,
        status=status,
        amount_min=amount_min,
        amount_max=amount_max,
        overdue=overdue,
        limit=limit,
        cursor=cursor,
    )
    return ListOf[NeedPublic](
        items=[need_from_row(r, caller) for r in page.items], next_cursor=page.next_cursor
    )


@router.get("/{need_id}", dependencies=[fresh(FinancingBoardView, OrganizationsView)])
def read_need(need_id: UUID, caller: NeedReader, services: ServicesDep) -> NeedPublic:
    """One need with its offer count and first offer time (never the offers' terms)."""
    row = services.views.financing_needs.get_need(
        need_id,
        now=services.app.clock(),
        response_days=services.settings.financing_response_days,
    )
    if row is None:
        raise NotFoundError("financing need not found", "未找到该融资需求")
    if caller.kind == "enterprise" and row["owner_id"] != caller.id:
        raise ForbiddenError(
            "enterprises see only their own financing needs", "企业只能查看自己的融资需求"
        )
    return need_from_row(row, caller)


@router.post("/{need_id}/withdraw")
def withdraw_need(
    need_id: UUID, owner: Enterprise, services: ServicesDep, expected_version: IfMatch
) -> NeedWritten:
    """Withdraw an open financing need."""
    outcome = services.app.withdraw_financing_need(need_id, owner.id, expected_version)
    return need_written(outcome, services, owner.name)


@router.post("/{need_id}/disburse")
def disburse(
    need_id: UUID, body: Disbursement, bank: Bank, services: ServicesDep, request: Request
) -> NeedWritten:
    """The matched bank records the payout, once the loan contract is signed: at most the
    accepted offer's amount."""
    confirm_password(request, services, bank, body.password)
    outcome = services.app.disburse_loan(need_id, bank.id, body.amount)
    return need_written(outcome, services, None)


@router.get("/{need_id}/matches", dependencies=[fresh(BankProductsView, OrganizationsView)])
def read_matches(
    need_id: UUID,
    owner: Enterprise,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ListOf[ProductMatch]:
    """Bank products that fit the need, best first, each with its score and the reasons."""
    need = services.app.get_financing_need(need_id)
    if need.owner_id != owner.id:
        raise ForbiddenError(
            "only the enterprise that posted the need sees its matches",
            "只有需求发布方可以查看匹配",
        )
    terms = Need(need.product_type, need.amount, need.term_months, need.region)
    matches = services.views.bank_products.matching_products(terms, limit)
    items = [
        ProductMatch(
            **product_fields(m.product),
            score=m.score,
            reasons=[MatchReason(**vars(r)) for r in m.reasons],
        )
        for m in matches
    ]
    return ListOf[ProductMatch](items=items)
