"""Notifications of service requests: dispatched to a provider (to accept), progress for the
enterprise, resolved (feedback wanted), and overdue (the provider and every operator)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aggregates.service_request import ServiceRequest as R
from projections.inbox import Inbox

REQUEST = "service_request"


def _accept(e: Any) -> str:
    return f"request:{e.originator_id}:accept"


def _feedback(e: Any) -> str:
    return f"request:{e.originator_id}:feedback"


def _submitted(inbox: Inbox, e: R.Submitted) -> None:
    inbox.remember(e.originator_id, REQUEST, owner_id=e.enterprise_id, title=e.title)


def _notify(inbox: Inbox, e: Any, to: Any, kind: str, **action: Any) -> None:
    request = inbox.subject(e.originator_id)
    if request is not None:
        recipient = request["owner_id"] if to is None else to
        inbox.notify(recipient, kind, (REQUEST, e.originator_id), request["title"], **action)


def _dispatched(inbox: Inbox, e: R.Dispatched) -> None:
    inbox.done(_accept(e))  # a dispatch to another provider answers the earlier one
    _notify(inbox, e, e.provider_id, "service_request_dispatched", action_key=_accept(e),
            due_at=e.accept_by)  # fmt: skip
    if e.operator_id is not None:  # the enterprise chose the provider itself otherwise
        _notify(inbox, e, None, "service_request_update")


def _accepted(inbox: Inbox, e: R.Accepted) -> None:
    inbox.done(_accept(e))
    _notify(inbox, e, None, "service_request_update")


def _returned(inbox: Inbox, e: R.Returned) -> None:
    inbox.done(_accept(e))


def _note(inbox: Inbox, e: R.NoteAdded) -> None:
    request = inbox.subject(e.originator_id)
    if request is not None and e.author_id != request["owner_id"]:
        _notify(inbox, e, None, "service_request_update")


def _resolved(inbox: Inbox, e: R.Resolved) -> None:
    _notify(inbox, e, None, "service_request_resolved", action_key=_feedback(e))


def _feedback_given(inbox: Inbox, e: R.FeedbackGiven) -> None:
    inbox.done(_feedback(e))


def _ended(inbox: Inbox, e: Any) -> None:
    inbox.done(_accept(e))
    inbox.done(_feedback(e))


def _overdue(inbox: Inbox, e: R.Overdue) -> None:
    _notify(inbox, e, e.provider_id, "service_request_overdue")
    for operator in inbox.all_of("operator"):
        _notify(inbox, e, operator["id"], "service_request_overdue")


SERVICES: dict[type, Callable[[Inbox, Any], None]] = {
    R.Submitted: _submitted,
    R.Dispatched: _dispatched,
    R.Accepted: _accepted,
    R.Returned: _returned,
    R.NoteAdded: _note,
    R.Resolved: _resolved,
    R.FeedbackGiven: _feedback_given,
    R.Withdrawn: _ended,
    R.Closed: _ended,
    R.Overdue: _overdue,
}
