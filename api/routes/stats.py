"""Statistics (API.md, "Statistics", and "Service requests" for the service figures):
figures, deal totals, financing totals and service figures.

Every answer is read at one position of the statistics view; the grouped ones name it in the
`Market-Position` header (their body is a bare list), `GET /stats` in its `position` field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from aggregates.errors import InvalidValueError
from api.deps import MaybeSignedIn, StatsQueriesDep, fresh
from api.exports import EXPORTABLE, ExportFormat, FormatQuery, export
from api.problems import ApiProblem
from api.schemas.common import DateIn
from api.schemas.stats import (
    ActivitiesHeld,
    ActivityTotals,
    ContractTotals,
    DealGroup,
    ExhibitionTotals,
    FinancingGroup,
    FinancingTotals,
    KindTotals,
    OrganizationCounts,
    PostingCounts,
    ServiceGroup,
    ServiceTotals,
    StatsPublic,
)
from marketplace.queries.viewer import ANONYMOUS
from projections.stats import StatsView
from projections.stats_queries import DealKey, FinancingKey, Period, ServiceKey

router = APIRouter(prefix="/stats", tags=["statistics"], dependencies=[fresh(StatsView)])
POSITION_HEADER = "Market-Position"

From = Annotated[DateIn | None, Query(alias="from", description="first signing date, inclusive")]
To = Annotated[DateIn | None, Query(alias="to", description="last date, inclusive")]
# Also read by `fresh` (and documented there): the position the views were waited for.
MinPosition = Annotated[int | None, Query(ge=0, include_in_schema=False)]


def _amounts(by_currency: dict[str, str]) -> dict[str, Decimal]:
    return {currency: Decimal(total) for currency, total in sorted(by_currency.items())}


def stats_from_row(row: dict[str, Any]) -> StatsPublic:
    return StatsPublic(
        organizations=OrganizationCounts(enterprise=row["enterprises"], bank=row["banks"]),
        postings=PostingCounts(open=row["open_postings"], total=row["postings"]),
        bids=row["bids"],
        contracts=ContractTotals(
            signed=row["contracts"],
            amount=row["contract_amount"],
            amount_by_currency=_amounts(row["contract_amounts"]),
            sale=KindTotals(signed=row["sale_contracts"], amount=row["sale_amount"]),
            loan=KindTotals(signed=row["loan_contracts"], amount=row["loan_amount"]),
        ),
        financing=FinancingTotals(
            needs=row["needs"],
            matched=row["matched"],
            amount_matched=row["amount_matched"],
            amount_disbursed=row["amount_disbursed"],
            overdue=row["overdue"],
        ),
        exhibitions=ExhibitionTotals(
            held=row["held"], signups=row["signups"], checked_in=row["checked_in"]
        ),
        activities=ActivityTotals(
            held=ActivitiesHeld(**{k: row[f"held_{k}"] for k in ActivitiesHeld.model_fields}),
            participants=row["participants"],
            trained=row["trained"],
        ),
        services=ServiceTotals(
            providers=row["providers"],
            products=row["products"],
            requests=row["service_requests"],
            closed=row["service_closed"],
            response_rate=row["response_rate"],
            resolution_rate=row["resolution_rate"],
            satisfaction_rate=row["satisfaction_rate"],
        ),
        position=row["position"],
    )


def _export(
    fmt: ExportFormat, name: str, model: type[BaseModel], items: list[Any], position: str
) -> Response:
    """The same rows as the JSON answer, as a download; the position in the same header."""
    return export(fmt, name, model, items, {POSITION_HEADER: position})


def answered_at(stored: int, min_position: int | None) -> int:
    """The view stores its position with every batch holding events it folds, so the events
    past it change no figure: the answer is also the fold up to the position waited for."""
    return max(stored, min_position or 0)


def period(start: date | None, end: date | None) -> Period:
    if start is not None and end is not None and start > end:
        raise InvalidValueError(
            "from must not be after to", "起始日期不能晚于截止日期", field="from"
        )
    return Period(start, end)


@router.get("", response_model=StatsPublic, responses=EXPORTABLE)
def read_stats(
    stats: StatsQueriesDep, min_position: MinPosition = None, fmt: FormatQuery = None
) -> StatsPublic | Response:
    """The platform's figures: organizations, postings, bids, contracts, financing,
    exhibitions, services. *Exportable*: one row, nested figures flattened with dots."""
    row = stats.totals()
    row["position"] = answered_at(row["position"], min_position)
    figures = stats_from_row(row)
    if fmt is not None:
        return _export(fmt, "stats", StatsPublic, [figures], str(figures.position))
    return figures


@router.get("/deals", response_model=list[DealGroup], responses=EXPORTABLE)
def read_deal_stats(
    stats: StatsQueriesDep,
    response: Response,
    group_by: DealKey,
    start: From = None,
    end: To = None,
    min_position: MinPosition = None,
    fmt: FormatQuery = None,
) -> list[DealGroup] | Response:
    """Signed and completed sale contracts by month, region, category or exhibition."""
    groups, position = stats.deal_groups(group_by, period(start, end))
    response.headers[POSITION_HEADER] = str(answered_at(position, min_position))
    items = [
        DealGroup(
            key=row["key"],
            contracts=row["contracts"],
            amount=row["amount"],
            amount_by_currency=_amounts(row["amount_by_currency"]),
        )
        for row in groups
    ]
    if fmt is not None:
        name = f"stats-deals-by-{group_by}"
        return _export(fmt, name, DealGroup, items, response.headers[POSITION_HEADER])
    return items


@router.get("/financing", response_model=list[FinancingGroup], responses=EXPORTABLE)
def read_financing_stats(
    stats: StatsQueriesDep,
    response: Response,
    caller: MaybeSignedIn,
    group_by: FinancingKey,
    start: Annotated[DateIn | None, Query(alias="from", description="first posting date")] = None,
    end: To = None,
    min_position: MinPosition = None,
    fmt: FormatQuery = None,
) -> list[FinancingGroup] | Response:
    """Financing needs by the month they were posted, matched bank, product type or region."""
    if group_by == "bank" and caller is None:
        raise ApiProblem(
            401,
            "sign in first",
            "请先登录",
            code="unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )
    groups, position = stats.financing_groups(caller or ANONYMOUS, group_by, period(start, end))
    response.headers[POSITION_HEADER] = str(answered_at(position, min_position))
    items = [FinancingGroup.model_validate(row) for row in groups]
    if fmt is not None:
        name = f"stats-financing-by-{group_by}"
        return _export(fmt, name, FinancingGroup, items, response.headers[POSITION_HEADER])
    return items


@router.get("/services", response_model=list[ServiceGroup], responses=EXPORTABLE)
def read_service_stats(
    stats: StatsQueriesDep,
    response: Response,
    group_by: ServiceKey,
    start: Annotated[
        DateIn | None, Query(alias="from", description="first submission date")
    ] = None,
    end: To = None,
    min_position: MinPosition = None,
    fmt: FormatQuery = None,
) -> list[ServiceGroup] | Response:
    """Service requests by provider, category, month or region submitted: counts, the three
    rates (响应率, 按时办结率, 满意率) and the median hours to accept and to resolve."""
    groups, position = stats.service_groups(group_by, period(start, end))
    response.headers[POSITION_HEADER] = str(answered_at(position, min_position))
    items = [ServiceGroup.model_validate(row) for row in groups]
    if fmt is not None:
        name = f"stats-services-by-{group_by}"
        return _export(fmt, name, ServiceGroup, items, response.headers[POSITION_HEADER])
    return items
