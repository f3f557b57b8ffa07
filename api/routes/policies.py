"""Policy information (政策信息): operators publish, revise and withdraw; anyone searches;
each enterprise reads the policies that concern it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from aggregates.policy import Policy
from api.deps import (
    Enterprise,
    IfMatch,
    MarketplaceDep,
    MaybeSignedIn,
    Operator,
    OrganizationQueriesDep,
    PolicyQueriesDep,
    fresh,
)
from api.schemas.common import CategoryIn, ListOf, RegionPrefixIn
from api.schemas.mapping import answer, party, written
from api.schemas.policies import (
    PolicyCreate,
    PolicyForMe,
    PolicyPublic,
    PolicyRevise,
    PolicyTargets,
    PolicyWritten,
    Topic,
)
from marketplace.commands import Outcome
from marketplace.queries.organizations import OrganizationQueries
from marketplace.queries.viewer import ANONYMOUS
from projections.organizations import OrganizationsView
from projections.policies import PoliciesView

router = APIRouter(prefix="/policies", tags=["policies"])
Fresh = [fresh(PoliciesView, OrganizationsView)]


def policy_written(outcome: Outcome[Policy], names: OrganizationQueries) -> PolicyWritten:
    policy: Policy = outcome.aggregate
    publisher = policy.publisher_id
    return written(
        PolicyWritten,
        outcome,
        publisher=party(publisher, names.name_of(publisher)),
        published_at=policy.created_on,
    )


@router.post("", status_code=201)
def create_policy(
    body: PolicyCreate,
    operator: Operator,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
) -> PolicyWritten:
    """Publish a policy item with its targeting and validity (operators)."""
    outcome = app.publish_policy(operator.id, **body.model_dump())
    return policy_written(outcome, organizations)


@router.get("", dependencies=Fresh)
def read_policies(
    policies: PolicyQueriesDep,
    q: Annotated[str | None, Query(max_length=200, description="full text, zh or en")] = None,
    topic: Topic | None = None,
    region: Annotated[RegionPrefixIn | None, Query(description="applies there")] = None,
    industry: Annotated[CategoryIn | None, Query()] = None,
    active: Annotated[bool, Query(description="only those in force today")] = True,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[PolicyPublic]:
    """Search policy items, newest first: full text, topic, region, industry, in force."""
    page = policies.list_policies(
        q=q,
        topic=topic,
        region=region,
        industry=industry,
        active=active,
        limit=limit,
        cursor=cursor,
    )
    return ListOf[PolicyPublic](
        items=[answer(PolicyPublic, r) for r in page.items], next_cursor=page.next_cursor
    )


@router.get("/for-me", dependencies=Fresh)
def read_policies_for_me(
    enterprise: Enterprise,
    policies: PolicyQueriesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> ListOf[PolicyForMe]:
    """Policies in force that target the enterprise's region and industry, with read marks."""
    page = policies.for_me(enterprise, limit, cursor)
    return ListOf[PolicyForMe](
        items=[answer(PolicyForMe, r) for r in page.items], next_cursor=page.next_cursor
    )


@router.get("/preview-targets", dependencies=Fresh)
def read_policy_preview(
    operator: Operator,
    policies: PolicyQueriesDep,
    regions: Annotated[list[RegionPrefixIn] | None, Query(max_length=100)] = None,
    industries: Annotated[list[CategoryIn] | None, Query(max_length=100)] = None,
) -> PolicyTargets:
    """How many registered enterprises a policy with this targeting would concern, before it
    is published or revised (operators; repeat `regions` and `industries` for several)."""
    count = policies.preview_targets(list(regions or []), list(industries or []))
    return PolicyTargets(enterprises=count)


@router.get("/{policy_id}", dependencies=Fresh)
def read_policy(policy_id: UUID, policies: PolicyQueriesDep, caller: MaybeSignedIn) -> PolicyPublic:
    """One policy item; an enterprise that reads it has it marked read."""
    return answer(PolicyPublic, policies.policy(caller or ANONYMOUS, policy_id))


@router.patch("/{policy_id}")
def update_policy(
    policy_id: UUID,
    body: PolicyRevise,
    operator: Operator,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
    expected: IfMatch,
) -> PolicyWritten:
    """Change some fields of a published policy item (operators)."""
    outcome = app.revise_policy(policy_id, operator.id, body.changes(), expected)
    return policy_written(outcome, organizations)


@router.post("/{policy_id}/withdraw")
def withdraw_policy(
    policy_id: UUID,
    operator: Operator,
    app: MarketplaceDep,
    organizations: OrganizationQueriesDep,
    expected: IfMatch,
) -> PolicyWritten:
    """Withdraw a policy item: it is in force nowhere from now on (operators)."""
    outcome = app.withdraw_policy(policy_id, operator.id, expected)
    return policy_written(outcome, organizations)
