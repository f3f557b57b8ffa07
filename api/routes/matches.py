"""Supply–demand matching: a posting's best counterparts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from aggregates.errors import ForbiddenError, NotFoundError
from api.deps import ServicesDep, SignedIn, fresh
from api.routes.postings import posting_from_row
from api.schemas.common import ListOf
from api.schemas.financing import MatchReason
from api.schemas.matches import PostingMatch
from projections.listings import ListingsView
from projections.organizations import OrganizationsView
from projections.posting_matching import Terms, matching_postings

router = APIRouter(prefix="/postings", tags=["postings"])


@router.get("/{posting_id}/matches", dependencies=[fresh(ListingsView, OrganizationsView)])
def read_posting_matches(
    posting_id: UUID,
    principal: SignedIn,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> ListOf[PostingMatch]:
    """Open postings of the other side that fit this one, best first, with score and reasons."""
    row = services.views.listings.get_posting(posting_id)
    if row is None:
        raise NotFoundError("posting not found", "未找到该供需信息")
    if row["owner_id"] != principal.id:
        raise ForbiddenError("only the posting's owner sees its matches", "只有发布方可以查看匹配")
    pool = services.views.listings.pool
    matches = matching_postings(pool, Terms.of(row), services.app.clock(), limit)
    items = [
        PostingMatch(
            **posting_from_row(m.posting).model_dump(),
            score=m.score,
            reasons=[MatchReason(**vars(r)) for r in m.reasons],
        )
        for m in matches
    ]
    return ListOf[PostingMatch](items=items)
