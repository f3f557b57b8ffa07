"""The ServiceRequest aggregate: submit, dispatch, accept, return, resolve, feedback, deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from aggregates.errors import ConflictError, ForbiddenError, InvalidValueError
from aggregates.service_request import RequestStatus, ServiceRequest

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
ENTERPRISE, PROVIDER, OTHER, OPERATOR = uuid4(), uuid4(), uuid4(), uuid4()


def submit(**overrides: Any) -> ServiceRequest:
    terms: dict[str, Any] = {
        "category": "legal",
        "title": "劳动合同审查",
        "description": "请审查新版劳动合同模板",
        "urgency": "timely",
        "region": "330106",
        "product_id": None,
    }
    terms.update(overrides)
    return ServiceRequest.submit(ENTERPRISE, NOW, **terms)


def dispatched(provider: UUID = PROVIDER) -> ServiceRequest:
    request = submit()
    request.dispatch(provider, NOW + 24 * HOUR, "请尽快联系", OPERATOR, NOW)
    return request


def accepted() -> ServiceRequest:
    request = dispatched()
    request.accept(PROVIDER, NOW + 73 * HOUR, NOW + HOUR)
    return request


def resolved() -> ServiceRequest:
    request = accepted()
    request.resolve(PROVIDER, "已审查并出具意见", NOW + 10 * HOUR)
    return request


def last(request: ServiceRequest) -> Aggregate.Event:
    return request.collect_events()[-1]


def replayed(request: ServiceRequest) -> ServiceRequest:
    copy: Any = None
    for recorded in request.collect_events():
        copy = recorded.mutate(copy)
    assert isinstance(copy, ServiceRequest)
    return copy


def test_a_submitted_request_carries_what_statistics_need() -> None:
    request = submit(product_id=None)
    (created,) = request.collect_events()
    assert isinstance(created, ServiceRequest.Submitted)
    assert (created.enterprise_id, created.category, created.urgency) == (
        ENTERPRISE,
        "legal",
        "timely",
    )
    assert (created.region, created.submitted_at) == ("330106", NOW)
    assert request.status == RequestStatus.SUBMITTED and request.provider_id is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"category": "cooking"}, "category"), ({"urgency": "asap"}, "urgency")],
)
def test_an_unknown_category_or_urgency_is_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        submit(**overrides)
    assert refused.value.field == field


def test_dispatch_accept_resolve_and_satisfied_feedback_close_it() -> None:
    request = resolved()
    request.give_feedback(ENTERPRISE, 5, True, "很专业", NOW + 300 * HOUR, NOW + 20 * HOUR)
    events = request.collect_events()
    names = [type(e).__name__ for e in events]
    assert names == [
        "Submitted",
        "Dispatched",
        "Accepted",
        "Resolved",
        "FeedbackGiven",
        "Closed",
    ]
    dispatch, accept, resolve, feedback, closed = events[1:]
    assert isinstance(dispatch, ServiceRequest.Dispatched)
    assert (dispatch.operator_id, dispatch.previous_provider_id) == (OPERATOR, None)
    assert isinstance(accept, ServiceRequest.Accepted)
    assert (accept.accept_by, accept.dispatched_at) == (NOW + 24 * HOUR, NOW)
    assert isinstance(resolve, ServiceRequest.Resolved)
    assert (resolve.resolve_by, resolve.started_at) == (NOW + 73 * HOUR, NOW + HOUR)
    assert isinstance(feedback, ServiceRequest.FeedbackGiven) and not feedback.reopened
    assert feedback.resolve_by is None
    assert isinstance(closed, ServiceRequest.Closed)
    assert (closed.satisfaction, closed.automatic, closed.provider_id) == (5, False, PROVIDER)
    assert request.status == RequestStatus.CLOSED and request.closed_at == NOW + 20 * HOUR


@pytest.mark.parametrize(("satisfaction", "resolved_flag"), [(2, True), (5, False), (1, False)])
def test_unsatisfied_or_unresolved_feedback_reopens_with_a_new_deadline(
    satisfaction: int, resolved_flag: bool
) -> None:
    request = resolved()
    new_deadline = NOW + 100 * HOUR
    request.give_feedback(
        ENTERPRISE, satisfaction, resolved_flag, None, new_deadline, NOW + 28 * HOUR
    )
    feedback = last(request)
    assert isinstance(feedback, ServiceRequest.FeedbackGiven)
    assert feedback.reopened and feedback.resolve_by == new_deadline
    assert request.status == RequestStatus.REOPENED and request.resolve_by == new_deadline
    request.resolve(PROVIDER, "补充办理完毕", NOW + 30 * HOUR)
    again = last(request)
    assert isinstance(again, ServiceRequest.Resolved)
    assert (again.started_at, again.resolve_by) == (NOW + 28 * HOUR, new_deadline)


def test_feedback_is_given_once_per_resolution() -> None:
    request = resolved()
    request.give_feedback(ENTERPRISE, 4, True, None, NOW, NOW + 20 * HOUR)
    with pytest.raises(ConflictError):
        request.give_feedback(ENTERPRISE, 4, True, None, NOW, NOW + 21 * HOUR)


def test_satisfaction_is_one_to_five() -> None:
    with pytest.raises(InvalidValueError) as refused:
        resolved().give_feedback(ENTERPRISE, 6, True, None, NOW, NOW)
    assert refused.value.field == "satisfaction"


def test_only_the_dispatched_provider_and_the_enterprise_act() -> None:
    request = dispatched()
    with pytest.raises(ForbiddenError):
        request.accept(OTHER, NOW, NOW)
    with pytest.raises(ForbiddenError):
        request.withdraw(OTHER, None, NOW)
    with pytest.raises(ForbiddenError):
        submit().accept(PROVIDER, NOW, NOW)  # dispatched to nobody


def test_wrong_states_are_conflicts() -> None:
    with pytest.raises(ConflictError):
        dispatched().resolve(PROVIDER, "x", NOW)
    with pytest.raises(ConflictError):
        accepted().accept(PROVIDER, NOW, NOW)
    with pytest.raises(ConflictError):
        accepted().give_feedback(ENTERPRISE, 5, True, None, NOW, NOW)
    with pytest.raises(ConflictError):
        resolved().withdraw(ENTERPRISE, None, NOW)
    with pytest.raises(ConflictError):
        resolved().return_(PROVIDER, "x", NOW)
    with pytest.raises(ConflictError):  # signed for: no longer returned (dispatched only)
        accepted().return_(PROVIDER, "x", NOW)
    with pytest.raises(ConflictError):
        resolved().dispatch(OTHER, NOW, None, OPERATOR, NOW + 999 * HOUR)


def test_a_returned_request_goes_back_to_the_operator() -> None:
    request = dispatched()
    request.return_(PROVIDER, "超出本所业务范围", NOW + 2 * HOUR)
    returned = last(request)
    assert isinstance(returned, ServiceRequest.Returned) and returned.provider_id == PROVIDER
    assert request.status == RequestStatus.SUBMITTED and request.provider_id is None
    with pytest.raises(ForbiddenError):
        request.accept(PROVIDER, NOW, NOW)
    request.dispatch(OTHER, NOW + 30 * HOUR, None, OPERATOR, NOW + 3 * HOUR)
    assert request.status == RequestStatus.DISPATCHED and request.provider_id == OTHER


def test_a_dispatched_request_is_redispatched_at_any_time() -> None:
    request = dispatched()
    request.dispatch(OTHER, NOW + 30 * HOUR, None, OPERATOR, NOW + HOUR)
    redispatch = last(request)
    assert isinstance(redispatch, ServiceRequest.Dispatched)
    assert redispatch.previous_provider_id == PROVIDER
    with pytest.raises(ForbiddenError):
        request.accept(PROVIDER, NOW, NOW)
    with pytest.raises(ConflictError):
        request.dispatch(OTHER, NOW, None, OPERATOR, NOW)  # already its provider


def test_an_accepted_request_is_redispatched_only_once_overdue() -> None:
    request = accepted()  # resolve_by NOW + 73 h
    with pytest.raises(ConflictError):
        request.dispatch(OTHER, NOW, None, OPERATOR, NOW + 72 * HOUR)
    request.dispatch(OTHER, NOW + 99 * HOUR, None, OPERATOR, NOW + 73 * HOUR)
    assert request.status == RequestStatus.DISPATCHED and request.resolve_by is None


def test_withdrawn_before_resolution() -> None:
    for request in (submit(), dispatched(), accepted()):
        request.withdraw(ENTERPRISE, "已自行解决", NOW + HOUR)
        assert request.status == RequestStatus.WITHDRAWN
        with pytest.raises(ConflictError):
            request.add_note(ENTERPRISE, "x", NOW + 2 * HOUR)


def test_overdue_is_marked_once_per_deadline_value() -> None:
    request = dispatched()  # accept_by NOW + 24 h
    with pytest.raises(ConflictError):
        request.mark_overdue("accept", NOW + 23 * HOUR)
    with pytest.raises(ConflictError):
        request.mark_overdue("resolve", NOW + 99 * HOUR)  # not accepted
    request.mark_overdue("accept", NOW + 24 * HOUR)
    mark = last(request)
    assert isinstance(mark, ServiceRequest.Overdue)
    assert (mark.deadline, mark.due, mark.provider_id) == ("accept", NOW + 24 * HOUR, PROVIDER)
    with pytest.raises(ConflictError):
        request.mark_overdue("accept", NOW + 25 * HOUR)
    request.accept(PROVIDER, NOW + 26 * HOUR, NOW + 25 * HOUR)
    request.mark_overdue("resolve", NOW + 26 * HOUR)
    assert request.overdue == {"accept": True, "resolve": True}


def test_a_reopened_request_is_marked_overdue_again_for_its_new_deadline() -> None:
    request = resolved()
    request.give_feedback(ENTERPRISE, 1, False, None, NOW + 40 * HOUR, NOW + 20 * HOUR)
    request.mark_overdue("resolve", NOW + 40 * HOUR)
    assert request.overdue["resolve"]


def test_closed_without_feedback_only_after_the_feedback_days() -> None:
    request = resolved()
    due = NOW + 10 * HOUR + timedelta(days=7)
    with pytest.raises(ConflictError):
        request.close_without_feedback(due, due - HOUR)
    request.close_without_feedback(due, due)
    closed = last(request)
    assert isinstance(closed, ServiceRequest.Closed)
    assert (closed.satisfaction, closed.automatic) == (None, True)
    with pytest.raises(ConflictError):
        request.give_feedback(ENTERPRISE, 5, True, None, NOW, due)


def test_notes_are_events_of_the_request() -> None:
    request = accepted()
    request.add_note(PROVIDER, "已电话联系企业", NOW + 2 * HOUR)
    note = last(request)
    assert isinstance(note, ServiceRequest.NoteAdded)
    assert (note.author_id, note.text, note.at) == (PROVIDER, "已电话联系企业", NOW + 2 * HOUR)


def test_replaying_the_events_gives_the_same_state() -> None:
    request = resolved()
    request.give_feedback(ENTERPRISE, 2, True, None, NOW + 50 * HOUR, NOW + 20 * HOUR)
    status, resolve_by = request.status, request.resolve_by
    copy = replayed(request)
    assert (copy.status, copy.resolve_by, copy.provider_id) == (status, resolve_by, PROVIDER)
    assert copy.satisfaction == 2 and copy.started_at == NOW + 20 * HOUR
