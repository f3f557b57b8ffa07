"""Platform statistics: the figures, deal, financing and service totals (decimals as strings)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import DecimalOut


class OrganizationCounts(BaseModel):
    enterprise: int
    bank: int


class PostingCounts(BaseModel):
    open: int = Field(description="open and not past expires_at")
    total: int = Field(description="every posting ever published")


class KindTotals(BaseModel):
    signed: int = Field(description="signed and completed contracts of this kind")
    amount: DecimalOut = Field(description="their amount in CNY")


class ContractTotals(BaseModel):
    signed: int = Field(description="signed and completed contracts, sale and loan")
    amount: DecimalOut = Field(
        description="their amount in CNY: sale volume plus loan principal (see sale, loan)"
    )
    amount_by_currency: dict[str, DecimalOut] = Field(
        description="their amounts per currency (sale contracts may be in other currencies)"
    )
    sale: KindTotals = Field(description="sale contracts (supply and demand deals)")
    loan: KindTotals = Field(description="loan contracts (financing)")


class FinancingTotals(BaseModel):
    needs: int = Field(description="every financing need ever posted")
    matched: int = Field(description="needs matched with an offer (disbursed ones included)")
    amount_matched: DecimalOut = Field(description="sum of the accepted offers' amounts")
    amount_disbursed: DecimalOut
    overdue: int = Field(description="open needs still without an offer after the response days")


class ExhibitionTotals(BaseModel):
    held: int = Field(description="activities of every kind not cancelled that have started")
    signups: int = Field(description="confirmed signups of exhibitions not cancelled")
    checked_in: int = Field(description="check-ins at exhibitions not cancelled")


class ActivitiesHeld(BaseModel):
    exhibition: int
    matchmaking: int
    lecture: int
    training: int


class ActivityTotals(BaseModel):
    held: ActivitiesHeld = Field(description="as exhibitions.held, by kind")
    participants: int = Field(
        description="persons checked in at activities not cancelled: one per check-in at "
        "exhibitions and matchmaking, `attended` at lectures and trainings"
    )
    trained: int = Field(description="persons checked in at lectures and trainings")


class ServiceTotals(BaseModel):
    providers: int = Field(description="verified service providers")
    products: int = Field(description="active service products")
    requests: int = Field(description="service requests ever submitted")
    closed: int = Field(description="service requests closed")
    response_rate: DecimalOut | None = Field(
        description="响应率: acceptances on time / dispatches, 4 places; null if none"
    )
    resolution_rate: DecimalOut | None = Field(
        description="按时办结率: resolutions on time / resolutions, 4 places; null if none"
    )
    satisfaction_rate: DecimalOut | None = Field(
        description="满意率: feedback with satisfaction 4 or 5 / feedback, 4 places; null if none"
    )


class StatsPublic(BaseModel):
    organizations: OrganizationCounts
    postings: PostingCounts
    bids: int = Field(description="bids ever placed")
    contracts: ContractTotals
    financing: FinancingTotals
    exhibitions: ExhibitionTotals
    activities: ActivityTotals
    services: ServiceTotals
    position: int = Field(description="the event position these figures are the fold of")


class DealGroup(BaseModel):
    key: str | None = Field(
        description="YYYY-MM (China Standard Time), 6-digit region, GB/T 4754 division, or "
        "exhibition id (null: deals not made at an exhibition)"
    )
    contracts: int
    amount: DecimalOut = Field(description="amount of the group's contracts in CNY")
    amount_by_currency: dict[str, DecimalOut]


class FinancingGroup(BaseModel):
    key: str | None = Field(
        description="YYYY-MM posted (China Standard Time), matched bank id (null: not "
        "matched), product type, or 6-digit region"
    )
    needs: int
    matched: int
    amount_matched: DecimalOut
    amount_disbursed: DecimalOut
    overdue: int
    median_hours_to_first_offer: DecimalOut | None = Field(
        description="over the group's needs that got an offer, rounded to 0.01 h; null if none"
    )


class ServiceGroup(BaseModel):
    key: str | None = Field(
        description="provider id (null: requests never dispatched), service category, "
        "YYYY-MM submitted (China Standard Time), or 6-digit region"
    )
    requests: int = Field(description="requests submitted")
    dispatched: int = Field(description="dispatches (a request dispatched twice counts twice)")
    accepted: int = Field(description="acceptances (签收)")
    accepted_on_time: int = Field(description="acceptances by that dispatch's accept_by")
    resolved: int = Field(
        description="resolutions (办结; a reopened request resolved again counts again)"
    )
    resolved_on_time: int = Field(description="resolutions by the resolve_by in force")
    closed: int = Field(description="requests closed")
    feedback: int = Field(description="feedback given (回访)")
    satisfied: int = Field(description="feedback with satisfaction 4 or 5")
    response_rate: DecimalOut | None = Field(
        description="响应率 = accepted_on_time / dispatched, 4 places half-up; null if 0/0"
    )
    resolution_rate: DecimalOut | None = Field(
        description="按时办结率 = resolved_on_time / resolved, 4 places half-up; null if 0/0"
    )
    satisfaction_rate: DecimalOut | None = Field(
        description="满意率 = satisfied / feedback, 4 places half-up; null if 0/0"
    )
    median_hours_to_accept: DecimalOut | None = Field(
        description="from dispatch to acceptance, rounded to 0.01 h; null if none"
    )
    median_hours_to_resolve: DecimalOut | None = Field(
        description="from acceptance (or reopening) to resolution, 0.01 h; null if none"
    )
