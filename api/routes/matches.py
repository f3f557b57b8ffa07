"""Supply–demand matching: a posting's best counterparts."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import PostingQueriesDep, SignedIn, fresh
from api.schemas.common import ListOf
from api.schemas.financing import MatchReason
from api.schemas.mapping import answer
from api.schemas.matches import PostingMatch
from projections.listings import ListingsView
from projections.organizations import OrganizationsView

router = APIRouter(prefix="/postings", tags=["postings"])


@router.get("/{posting_id}/matches", dependencies=[fresh(ListingsView, OrganizationsView)])
def read_posting_matches(
    posting_id: UUID,
    principal: SignedIn,
    postings: PostingQueriesDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> ListOf[PostingMatch]:
    """Open postings of the other side that fit this one, best first, with score and reasons."""
    matches = postings.matches(principal, posting_id, limit)
    items = [
        answer(
            PostingMatch,
            m.posting,
            score=m.score,
            reasons=[MatchReason(**vars(r)) for r in m.reasons],
        )
        for m in matches
    ]
    return ListOf[PostingMatch](items=items)
