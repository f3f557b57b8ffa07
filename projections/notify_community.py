"""Notifications of organizations, exhibitions and activities, and policies: a verification
decided, a signup promoted from the waitlist, an exhibition cancelled, a policy published to
every enterprise it targets (those registered then, and those registering while it lasts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aggregates.exhibition import Exhibition
from aggregates.financing import CHINA_STANDARD_TIME
from aggregates.organization import Organization
from aggregates.policy import Policy
from projections.inbox import Inbox
from projections.rows import Row

EXHIBITION, ORGANIZATION, POLICY = "exhibition", "organization", "policy"


def _registered(inbox: Inbox, e: Organization.Registered) -> None:
    inbox.remember(e.originator_id, e.kind, title=e.name, region=e.region, industry=e.industry)
    if e.kind == "enterprise":
        enterprise = inbox.subject(e.originator_id)
        assert enterprise is not None
        for policy in inbox.all_of(POLICY):
            if _concerns(policy, enterprise, _today(e), started=True):
                inbox.notify(e.originator_id, "policy_published", (POLICY, policy["id"]),
                             policy["title"])  # fmt: skip


def _profile(inbox: Inbox, e: Organization.ProfileChanged) -> None:
    names = {"name": "title", "region": "region", "industry": "industry"}
    changes = {names[k]: v for k, v in e.changes.items() if k in names}
    if changes:
        inbox.retitle(e.originator_id, **changes)


def _decided(approved: bool) -> Callable[[Inbox, Any], None]:
    def fold(inbox: Inbox, e: Any) -> None:
        org = inbox.subject(e.originator_id)
        name = "" if org is None else org["title"]
        zh, en = ("已通过", "approved") if approved else ("未通过", "rejected")
        inbox.notify(e.originator_id, "verification_decided", (ORGANIZATION, e.originator_id),
                     (f"{zh}（{name}）", f"{en} ({name})"))  # fmt: skip

    return fold


def _scheduled(inbox: Inbox, e: Exhibition.Scheduled) -> None:
    inbox.remember(e.originator_id, EXHIBITION, owner_id=e.organizer_id, title=e.name, data=[])


def _signups(inbox: Inbox, e: Any) -> tuple[Row | None, list[str]]:
    exhibition = inbox.subject(e.originator_id)
    return exhibition, [] if exhibition is None else list(exhibition["data"] or [])


def _signed_up(inbox: Inbox, e: Exhibition.SignedUp) -> None:
    exhibition, signups = _signups(inbox, e)
    if exhibition is not None:
        inbox.retitle(e.originator_id, data=[*signups, str(e.organization_id)])


def _signup_cancelled(inbox: Inbox, e: Exhibition.SignupCancelled) -> None:
    exhibition, signups = _signups(inbox, e)
    if exhibition is None:
        return
    left = [org for org in signups if org != str(e.organization_id)]
    inbox.retitle(e.originator_id, data=left)
    for promoted in e.promoted_ids:
        inbox.notify(promoted, "signup_promoted", (EXHIBITION, e.originator_id),
                     exhibition["title"])  # fmt: skip


def _exhibition_cancelled(inbox: Inbox, e: Exhibition.Cancelled) -> None:
    exhibition, signups = _signups(inbox, e)
    if exhibition is None:
        return
    for org in signups:
        inbox.notify(org, "exhibition_cancelled", (EXHIBITION, e.originator_id),
                     exhibition["title"])  # fmt: skip


def _today(e: Any) -> str:
    """The event's calendar date in China Standard Time (policies' dates are such dates)."""
    return str(e.timestamp.astimezone(CHINA_STANDARD_TIME).date())


def _targeting(e: Any) -> dict[str, Any]:
    return {
        "regions": list(e.regions),
        "industries": list(e.industries),
        "from": e.effective_from and str(e.effective_from),
        "until": e.effective_until and str(e.effective_until),
        "withdrawn": False,
    }


def _concerns(policy: Row, enterprise: Row, today: str, *, started: bool) -> bool:
    """The policy targets the enterprise and has not ended (`started`: and has begun)."""
    t = policy["data"] or {}
    if t.get("withdrawn") or (t.get("until") and t["until"] < today):
        return False
    if started and t.get("from") and t["from"] > today:
        return False
    region, industry = enterprise["region"] or "", enterprise["industry"]
    if t["regions"] and not any(region.startswith(r) for r in t["regions"]):
        return False
    return not t["industries"] or industry in t["industries"]


def _published(inbox: Inbox, e: Policy.Published) -> None:
    inbox.remember(e.originator_id, POLICY, title=e.title, data=_targeting(e))
    policy = inbox.subject(e.originator_id)
    assert policy is not None
    today = _today(e)
    targeted = (
        enterprise["id"]
        for enterprise in inbox.each("enterprise")
        if _concerns(policy, enterprise, today, started=False)
    )
    inbox.broadcast(targeted, "policy_published", (POLICY, e.originator_id), e.title)


def _revised(inbox: Inbox, e: Policy.Revised) -> None:
    inbox.retitle(e.originator_id, title=e.title, data=_targeting(e))


def _withdrawn(inbox: Inbox, e: Policy.Withdrawn) -> None:
    policy = inbox.subject(e.originator_id)
    if policy is not None:
        inbox.retitle(e.originator_id, data={**(policy["data"] or {}), "withdrawn": True})


COMMUNITY: dict[type, Callable[[Inbox, Any], None]] = {
    Organization.Registered: _registered,
    Organization.ProfileChanged: _profile,
    Organization.Verified: _decided(True),
    Organization.VerificationRejected: _decided(False),
    Exhibition.Scheduled: _scheduled,
    Exhibition.SignedUp: _signed_up,
    Exhibition.SignupCancelled: _signup_cancelled,
    Exhibition.Cancelled: _exhibition_cancelled,
    Policy.Published: _published,
    Policy.Revised: _revised,
    Policy.Withdrawn: _withdrawn,
}
