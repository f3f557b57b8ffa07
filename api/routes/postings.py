"""Supply and demand postings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from aggregates.bid import BidStatus
from aggregates.posting import Posting
from api.deps import (
    DocumentQueriesDep,
    Enterprise,
    IfMatch,
    MarketplaceDep,
    MaybeSignedIn,
    Operator,
    PostingQueriesDep,
    fresh,
)
from api.schemas.common import CategoryIn, ListOf, Moderation, RegionPrefixIn
from api.schemas.mapping import answer, party, written
from api.schemas.postings import PostingCreate, PostingPublic, PostingUpdate, PostingWritten
from marketplace.commands import Outcome
from marketplace.queries.viewer import ANONYMOUS
from projections.contracts import ContractsView
from projections.listings import ListingsView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/postings", tags=["postings"])


def posting_written(outcome: Outcome[Posting], owner_name: str | None) -> PostingWritten:
    posting: Posting = outcome.aggregate
    return written(
        PostingWritten,
        outcome,
        owner=party(posting.owner_id, owner_name),
        bid_count=sum(1 for b in posting.bids.values() if b.status != BidStatus.WITHDRAWN),
        published_at=posting.created_on,
    )


@router.post("", status_code=201)
def create_posting(body: PostingCreate, owner: Enterprise, app: MarketplaceDep) -> PostingWritten:
    """Publish a supply or demand posting."""
    outcome = app.publish_posting(owner.id, **body.model_dump())
    return posting_written(outcome, owner.name)


@router.get("", dependencies=[fresh(ListingsView, OrganizationsView, ContractsView)])
def read_postings(
    postings: PostingQueriesDep,
    documents: DocumentQueriesDep,
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
    sort: Annotated[
        Literal["newest", "relevance"],
        Query(description="with q: newest first (default) or best match first"),
    ] = "newest",
) -> ListOf[PostingPublic]:
    """Postings, newest first, with filters and full-text search (best match first with
    `sort=relevance`); a word of `q` that names a province or city (`浙江`, `杭州市`,
    `Zhejiang`) filters by its region unless `region` is given; the parties of a posting's
    sale contract see its `contract_id`."""
    page = postings.list_postings(
        caller or ANONYMOUS,
        side=side,
        category=category,
        region=region,
        q=q,
        owner=owner,
        status=status,
        price_max=price_max,
        limit=limit,
        cursor=cursor,
        sort=sort,
    )
    rows = documents.with_documents(page.items)
    return ListOf[PostingPublic](
        items=[answer(PostingPublic, r) for r in rows], next_cursor=page.next_cursor
    )


@router.get("/{posting_id}", dependencies=[fresh(ListingsView, OrganizationsView, ContractsView)])
def read_posting(
    posting_id: UUID,
    postings: PostingQueriesDep,
    documents: DocumentQueriesDep,
    caller: MaybeSignedIn,
) -> PostingPublic:
    """One posting; everyone may see it and its bid count, never the bids' prices; the parties
    of its sale contract see the contract's id. A removed posting only its owner, its bidders
    and staff, with the reason."""
    row = postings.posting_for(caller or ANONYMOUS, posting_id)
    return answer(PostingPublic, documents.with_documents([row])[0])


@router.patch("/{posting_id}")
def update_posting(
    posting_id: UUID,
    body: PostingUpdate,
    owner: Enterprise,
    app: MarketplaceDep,
    expected_version: IfMatch,
) -> PostingWritten:
    """Revise a posting's terms while it has no active bid."""
    changes = body.model_dump(exclude_unset=True)
    documents = changes.pop("documents", None)
    outcome = app.revise_posting(posting_id, owner.id, changes, expected_version, documents)
    return posting_written(outcome, owner.name)


@router.post("/{posting_id}/withdraw")
def withdraw_posting(
    posting_id: UUID, owner: Enterprise, app: MarketplaceDep, expected_version: IfMatch
) -> PostingWritten:
    """Withdraw an open posting."""
    outcome = app.withdraw_posting(posting_id, owner.id, expected_version)
    return posting_written(outcome, owner.name)


@router.post("/{posting_id}/remove")
def remove_posting(
    posting_id: UUID, body: Moderation, operator: Operator, app: MarketplaceDep
) -> PostingWritten:
    """Operators take a posting down (status `removed`): it leaves the lists and takes no
    more bids; its owner and bidders see the reason."""
    outcome = app.remove_posting(posting_id, body.reason)
    return posting_written(outcome, None)
