"""Counterpart postings ranked for a posting."""

from __future__ import annotations

from pydantic import Field

from api.schemas.financing import MatchReason
from api.schemas.postings import PostingPublic


class PostingMatch(PostingPublic):
    score: float = Field(ge=0, le=1, description="the sum of the reasons' contributions")
    reasons: list[MatchReason]
