"""The terms of a service request (诉求): statuses, urgencies, deadlines; stateless checks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from aggregates.errors import ConflictError, ForbiddenError, InvalidValueError

# 紧急, 及时, 一般, 复杂: the four urgencies of a service desk, each with its own resolve time.
URGENCIES = ("urgent", "timely", "general", "complex")
ACCEPT, RESOLVE = "accept", "resolve"  # the two deadlines an Overdue mark names
SATISFIED_FROM = 3  # feedback below this (or "not resolved") reopens the request


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUS_ZH = {
    RequestStatus.SUBMITTED: "待派单",
    RequestStatus.DISPATCHED: "已派单",
    RequestStatus.ACCEPTED: "已签收",
    RequestStatus.RESOLVED: "已办结",
    RequestStatus.REOPENED: "已重办",
    RequestStatus.CLOSED: "已关闭",
    RequestStatus.WITHDRAWN: "已撤回",
}


def check_urgency(urgency: str) -> None:
    if urgency not in URGENCIES:
        raise InvalidValueError(
            "urgency must be urgent, timely, general or complex",
            "紧急程度须为紧急、及时、一般或复杂",
            field="urgency",
        )


def check_satisfaction(satisfaction: int) -> None:
    if not 1 <= satisfaction <= 5:
        raise InvalidValueError("satisfaction is 1 to 5", "满意度须为 1 至 5", field="satisfaction")


def require_status(status: RequestStatus, *allowed: RequestStatus) -> None:
    """409 naming the current status when the action is not allowed in it."""
    if status not in allowed:
        raise ConflictError(
            f"service request is {status.value}", f"该诉求当前状态为{STATUS_ZH[status]}"
        )


def require_party(organization_id: UUID, party_id: UUID | None, enterprise: bool) -> None:
    """403 unless the caller is the request's enterprise (or its current provider)."""
    if party_id is None or organization_id != party_id:
        raise (
            ForbiddenError(
                "only the enterprise that made the request may do this",
                "只有提出诉求的企业可以操作",
            )
            if enterprise
            else ForbiddenError(
                "the request is not dispatched to this provider", "该诉求未派给本机构"
            )
        )


def check_redispatch(
    working: bool, resolve_by: datetime | None, now: datetime, same_provider: bool
) -> None:
    """A request being worked on is re-dispatched only once overdue, never to the same one."""
    if working and not (resolve_by is not None and now >= resolve_by):
        raise ConflictError(
            "an accepted request is re-dispatched only once it is overdue",
            "已签收的诉求须超期后才能改派",
        )
    if same_provider:
        raise ConflictError(
            "the request is already dispatched to this provider", "该诉求已派给该服务机构"
        )


def check_passed(deadline: str, due: datetime | None, marked: bool, now: datetime) -> datetime:
    """The deadline's value, once it has passed and has not been marked overdue yet."""
    if due is None or now < due:
        raise ConflictError(f"the {deadline} deadline has not passed", "期限未到")
    if marked:
        raise ConflictError(f"already marked overdue to {deadline}", "已标记超期")
    return due
