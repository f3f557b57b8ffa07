"""Supply and demand postings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from aggregates.bid import BidStatus
from aggregates.errors import NotFoundError
from aggregates.posting import Posting
from aggregates.regions import region_in_query
from api.deps import Enterprise, IfMatch, MaybeSignedIn, Principal, ServicesDep, fresh
from api.schemas.common import CategoryIn, ListOf, Party, RegionPrefixIn
from api.schemas.postings import PostingCreate, PostingPublic, PostingUpdate, PostingWritten
from marketplace.bootstrap import Services
from marketplace.commands import Outcome
from projections.contracts import ContractsView
from projections.listings import ListingsView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/postings", tags=["postings"])


def posting_from_row(row: dict[str, Any], contract_id: str | None = None) -> PostingPublic:
    return PostingPublic(
        id=str(row["id"]),
        side=row["side"],
        title=row["title"],
        description=row["description"],
        category=row["category"],
        quantity=row["quantity"],
        unit=row["unit"],
        price_min=row["price_min"],
        price_max=row["price_max"],
        currency=row["currency"],
        region=row["region"],
        expires_at=row["expires_at"],
        status=row["status"],
        owner=Party(id=str(row["owner_id"]), name=row.get("owner_name")),
        bid_count=row["bid_count"],
        published_at=row["published_at"],
        version=row["version"],
        contract_id=contract_id,
    )


def with_contracts(
    rows: list[dict[str, Any]], caller: Principal | None, services: Services
) -> list[PostingPublic]:
    """The postings, each with its sale contract's id when the caller is a party of it."""
    ids = [str(row["id"]) for row in rows]
    contracts = services.views.contracts.sale_contracts_of(caller.id, ids) if caller else {}
    return [posting_from_row(row, contracts.get(str(row["id"]))) for row in rows]


def posting_written(outcome: Outcome[Posting], owner_name: str | None) -> PostingWritten:
    posting: Posting = outcome.aggregate
    return PostingWritten(
        id=str(posting.id),
        side=posting.side,
        title=posting.title,
        description=posting.description,
        category=posting.category,
        quantity=posting.quantity,
        unit=posting.unit,
        price_min=posting.price_min,
        price_max=posting.price_max,
        currency=posting.currency,
        region=posting.region,
        expires_at=posting.expires_at,
        status=posting.status,
        owner=Party(id=str(posting.owner_id), name=owner_name),
        bid_count=sum(1 for b in posting.bids.values() if b.status != BidStatus.WITHDRAWN),
        published_at=posting.created_on,
        version=outcome.version,
        position=outcome.position,
    )


@router.post("", status_code=201)
def create_posting(body: PostingCreate, owner: Enterprise, services: ServicesDep) -> PostingWritten:
    """Publish a supply or demand posting."""
    outcome = services.app.publish_posting(owner.id, **body.model_dump())
    return posting_written(outcome, owner.name)


@router.get("", dependencies=[fresh(ListingsView, OrganizationsView, ContractsView)])
def read_postings(
    services: ServicesDep,
    caller: MaybeSignedIn,
    side: Literal["supply", "demand"] | None = None,
    category: Annotated[CategoryIn | None, Query()] = None,
    region: Annotated[RegionPrefixIn | None, Query(description="prefix: 33 = Zhejiang")] = None,
    q: Annotated[str | None, Query(max_length=200, description="full text, zh or en")] = None,
    owner: UUID | None = None,
    status: Literal["open", "awarded", "withdrawn", "expired", "all"] = "open",
    price_max: Annotated[Decimal | None, Query(ge=0, max_digits=18)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[PostingPublic]:
    """Postings, newest first, with filters and full-text search; a word of `q` that names a
    province or city (`浙江`, `杭州市`, `Zhejiang`) filters by its region unless `region` is
    given."""
    if q and region is None:
        region, q = region_in_query(q)
    page = services.views.listings.list_postings(
        side=side,
        category=category,
        region=region,
        q=q or None,
        owner=owner,
        status=status,
        price_max=price_max,
        limit=limit,
        cursor=cursor,
        now=services.app.clock(),
    )
    return ListOf[PostingPublic](
        items=with_contracts(page.items, caller, services), next_cursor=page.next_cursor
    )


@router.get("/{posting_id}", dependencies=[fresh(ListingsView, OrganizationsView, ContractsView)])
def read_posting(posting_id: UUID, services: ServicesDep, caller: MaybeSignedIn) -> PostingPublic:
    """One posting; everyone may see it and its bid count, never the bids' prices; the parties
    of its sale contract see the contract's id."""
    row = services.views.listings.get_posting(posting_id)
    if row is None:
        raise NotFoundError("posting not found", "未找到该供需信息")
    return with_contracts([row], caller, services)[0]


@router.patch("/{posting_id}")
def update_posting(
    posting_id: UUID,
    body: PostingUpdate,
    owner: Enterprise,
    services: ServicesDep,
    expected_version: IfMatch,
) -> PostingWritten:
    """Revise a posting's terms while it has no active bid."""
    changes = body.model_dump(exclude_unset=True)
    outcome = services.app.revise_posting(posting_id, owner.id, changes, expected_version)
    return posting_written(outcome, owner.name)


@router.post("/{posting_id}/withdraw")
def withdraw_posting(
    posting_id: UUID, owner: Enterprise, services: ServicesDep, expected_version: IfMatch
) -> PostingWritten:
    """Withdraw an open posting."""
    outcome = services.app.withdraw_posting(posting_id, owner.id, expected_version)
    return posting_written(outcome, owner.name)
