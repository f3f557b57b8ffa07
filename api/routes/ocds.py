"""Sale contracts as an OCDS 1.1 release package, for operators and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import SettingsDep, StaffOnly, StatsQueriesDep, fresh
from api.schemas.ocds import ReleasePackage
from marketplace.ocds import dumps, release_package
from projections.stats import StatsView

# Releases name both parties and the agreed amount, which only they and staff may read.
router = APIRouter(prefix="/ocds", tags=["audit"], dependencies=[StaffOnly, fresh(StatsView)])


@router.get(
    "/releases",
    response_class=Response,
    responses={200: {"model": ReleasePackage, "content": {"application/json": {}}}},
)
def read_ocds_releases(
    request: Request,
    stats: StatsQueriesDep,
    settings: SettingsDep,
    after: Annotated[int, Query(ge=0, description="position to start after")] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """Sale contracts changed after position `after`, one OCDS release per contract state."""
    rows = stats.sale_contracts_after(after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = int(rows[-1]["position"]) if more else None
    next_uri = None
    if next_after is not None:
        next_uri = str(request.url.include_query_params(after=next_after))
    package = release_package(
        rows,
        uri=str(request.url),
        publisher=settings.ocds_publisher,
        ocid_prefix=settings.ocds_prefix,
        now=stats.clock(),
        next_after=next_after,
        next_uri=next_uri,
    )
    return Response(dumps(package), media_type="application/json")
