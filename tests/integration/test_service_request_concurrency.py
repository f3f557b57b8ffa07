"""Service request steps called at once, on a real PostgreSQL: the dispatched provider's
accept, return and resolve, and the operator's re-dispatch, decided by one aggregate version.

As in `test_financing_concurrency`, each scenario runs with every thread on one `Marketplace`
and with the threads split over two `Marketplace` objects on one database (two API workers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest

from aggregates.errors import ConflictError, ForbiddenError
from aggregates.service_request import RequestStatus
from marketplace.application import Marketplace
from marketplace.commands import Outcome
from tests.concurrency import (
    App,
    app_fixtures,
    at_once,
    cheap_password_hashes,
    settings,
    stored,
    tracebacks,
)
from tests.support import new_credit_code

ROUNDS = 5
TOPIC = "aggregates.service_request:ServiceRequest."


@pytest.fixture(scope="module", autouse=True)
def cheap_hashes() -> Iterator[None]:
    with cheap_password_hashes():
        yield


first, second, apps = app_fixtures(settings)


def register(app: Marketplace, kind: str, **extra: Any) -> UUID:
    outcome = app.register_organization(
        kind=kind,
        name=f"并发测试{kind}",
        credit_code=new_credit_code(),
        region="330106",
        industry="C39" if kind == "enterprise" else None,
        contact=None,
        password="correct horse battery",
        **extra,
    )
    if kind == "provider":
        app.verify_organization(outcome.aggregate.id)
    org_id: UUID = outcome.aggregate.id
    return org_id


@pytest.fixture(scope="module")
def parties(first: App) -> dict[str, UUID]:
    app = first.app
    return {
        "enterprise": register(app, "enterprise"),
        "operator": register(app, "operator"),
        "provider": register(app, "provider", service_categories=["legal"]),
        "other": register(app, "provider", service_categories=["legal"]),
    }


def dispatched(app: Marketplace, parties: dict[str, UUID], *, accept: bool = False) -> UUID:
    outcome = app.submit_service_request(
        parties["enterprise"],
        product_id=None,
        category="legal",
        title="并发测试诉求",
        description="两个进程同时处理同一诉求",
        urgency="urgent",
        region=None,
    )
    request_id: UUID = outcome.aggregate.id
    app.dispatch_service_request(request_id, parties["operator"], parties["provider"], None)
    if accept:
        app.accept_service_request(request_id, parties["provider"])
    return request_id


def race(apps: list[App], calls: list[Callable[[Marketplace], Any]]) -> tuple[list[Any], list[Any]]:
    """Each call on its app (thread i on apps[i % 2]), all at once: the winners and the losers,
    which must all be refusals (409 or 403), never errors."""
    results = at_once([lambda i=i, c=c: c(apps[i % len(apps)].app) for i, c in enumerate(calls)])
    won = [r for r in results if isinstance(r, Outcome)]
    lost = [r for r in results if not isinstance(r, Outcome)]
    unexpected = [r for r in lost if not isinstance(r, ConflictError | ForbiddenError)]
    assert not unexpected, tracebacks(unexpected)
    return won, lost


def test_the_same_step_taken_at_once_is_taken_once(
    apps: list[App], parties: dict[str, UUID], database_url: str
) -> None:
    app, provider, enterprise = apps[0].app, parties["provider"], parties["enterprise"]
    for _ in range(ROUNDS):
        rid = dispatched(app, parties)
        won, lost = race(apps, [lambda a, r=rid: a.accept_service_request(r, provider)] * 4)
        assert len(won) == 1 and len(lost) == 3, lost
        won, lost = race(
            apps, [lambda a, r=rid: a.resolve_service_request(r, provider, "办结")] * 4
        )
        assert len(won) == 1 and len(lost) == 3, lost
        won, lost = race(
            apps,
            [lambda a, r=rid: a.give_service_feedback(r, enterprise, 5, True, None)] * 4,
        )
        assert len(won) == 1 and len(lost) == 3, lost
        assert app.get_service_request(rid).status == RequestStatus.CLOSED
        for event, count in (("Accepted", 1), ("Resolved", 1), ("FeedbackGiven", 1), ("Closed", 1)):
            assert stored(database_url, app, TOPIC + event, [rid]) == count


def test_accept_return_and_resolve_at_once_one_wins(
    apps: list[App], parties: dict[str, UUID]
) -> None:
    """Signing for it (签收), handing it back (退单) and resolving it (办结), all at once on a
    dispatched request: one step wins (accept or return; resolve needs an accepted request)."""
    app, provider = apps[0].app, parties["provider"]
    outcomes = set()
    for _ in range(ROUNDS):
        rid = dispatched(app, parties)
        won, lost = race(
            apps,
            [
                lambda a, r=rid: a.accept_service_request(r, provider),
                lambda a, r=rid: a.return_service_request(r, provider, "无法承接"),
                lambda a, r=rid: a.resolve_service_request(r, provider, "办结"),
            ],
        )
        request = app.get_service_request(rid)
        assert len(won) == 1 and len(lost) == 2, (request.status, lost)
        assert request.status in (RequestStatus.ACCEPTED, RequestStatus.SUBMITTED)
        assert (request.provider_id is None) == (request.status == RequestStatus.SUBMITTED)
        outcomes.add(request.status)
    assert outcomes  # which one won is the race's; the count of winners is not


def test_accept_racing_a_redispatch_leaves_one_provider(
    apps: list[App], parties: dict[str, UUID]
) -> None:
    app, provider, other = apps[0].app, parties["provider"], parties["other"]
    for _ in range(ROUNDS):
        rid = dispatched(app, parties)
        won, lost = race(
            apps,
            [
                lambda a, r=rid: a.accept_service_request(r, provider),
                lambda a, r=rid: a.dispatch_service_request(r, parties["operator"], other, None),
            ],
        )
        assert len(won) == 1 and len(lost) == 1, lost
        request = app.get_service_request(rid)
        if request.status == RequestStatus.ACCEPTED:
            assert request.provider_id == provider and isinstance(lost[0], ConflictError)
        else:
            assert (request.status, request.provider_id) == (RequestStatus.DISPATCHED, other)
            assert isinstance(lost[0], ForbiddenError)


def test_accept_and_return_at_once_one_wins(apps: list[App], parties: dict[str, UUID]) -> None:
    """Returning is refused once the request is signed for, and accepting once it is handed
    back: exactly one of the two steps is taken, and the request is in its state."""
    app, provider = apps[0].app, parties["provider"]
    for _ in range(ROUNDS):
        rid = dispatched(app, parties)
        won, lost = race(
            apps,
            [
                lambda a, r=rid: a.accept_service_request(r, provider),
                lambda a, r=rid: a.return_service_request(r, provider, "无法承接"),
            ],
        )
        assert len(won) == 1 and len(lost) == 1, lost
        request = app.get_service_request(rid)
        if request.status == RequestStatus.ACCEPTED:
            assert request.provider_id == provider and isinstance(lost[0], ConflictError)
        else:
            assert (request.status, request.provider_id) == (RequestStatus.SUBMITTED, None)
            assert isinstance(lost[0], ForbiddenError)  # no longer its provider
