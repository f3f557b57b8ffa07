"""The terms of a financing need: its statuses, and the checks offers and payouts must pass."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from aggregates.errors import ConflictError, ForbiddenError, InvalidValueError
from aggregates.financing import check_deadline, check_term
from aggregates.values import format_decimal


class NeedStatus(StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    DISBURSED = "disbursed"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


NEED_STATUS_ZH = {
    "open": "开放",
    "matched": "已匹配",
    "disbursed": "已放款",
    "withdrawn": "已撤回",
    "expired": "已过期",
}


def require_status(status: str, wanted: str) -> None:
    if status != wanted:
        raise ConflictError(f"financing need is {status}", f"该融资需求{NEED_STATUS_ZH[status]}")


def require_open(status: str, respond_by: datetime | None, now: datetime) -> None:
    """Open and before `respond_by`: after it the need expires unless it was matched."""
    if status in (NeedStatus.MATCHED, NeedStatus.DISBURSED):
        raise ConflictError("financing need is already matched", "该融资需求已匹配")
    require_status(status, NeedStatus.OPEN)
    if respond_by is not None and now >= respond_by:
        raise ConflictError(
            "financing need is past its respond_by deadline", "该融资需求已过答复截止时间"
        )


def check_overdue(
    due: datetime, now: datetime, respond_by: datetime | None, *, offered: bool, marked: bool
) -> None:
    """A need becomes overdue once, when `due` passes with no offer ever made (a withdrawn offer
    was an answer too), unless `respond_by` came first (it expired instead)."""
    if marked:
        raise ConflictError("financing need is already overdue", "该融资需求已标记为逾期无报价")
    if offered:
        raise ConflictError("financing need has offers", "该融资需求已有银行报价")
    if now < due or (respond_by is not None and respond_by <= due):
        raise ConflictError("financing need is not overdue", "该融资需求未逾期")


def check_offer_terms(
    amount: Decimal, asked: Decimal, term_months: int, valid_until: datetime | None, now: datetime
) -> None:
    """An offer lends at most what the enterprise asked for, over a valid term and deadline."""
    if amount > asked:
        limit = format_decimal(asked)
        raise InvalidValueError(
            f"amount must not exceed the {limit} the enterprise asked for",
            f"报价金额不能超过企业申请的 {limit}",
            field="amount",
        )
    check_term(term_months)
    if valid_until is not None:
        check_deadline(valid_until, now, "valid_until")


def require_matched_bank(status: str, matched_bank: UUID | None, by: UUID) -> None:
    """Only a matched need, not yet disbursed, is paid out, and only by the matched bank."""
    if matched_bank is None:
        raise ConflictError(
            f"financing need is {status}: only a matched need can be disbursed",
            f"该融资需求{NEED_STATUS_ZH[status]}，只有已匹配的需求才能放款",
        )
    if by != matched_bank:
        raise ForbiddenError("only the matched bank may disburse", "只有匹配的银行可以放款")
    if status == NeedStatus.DISBURSED:
        raise ConflictError("the loan has already been disbursed", "该笔贷款已放款")


def check_disbursement(amount: Decimal, offered: Decimal, *, contract_signed: bool) -> None:
    """A payout comes once both parties signed the loan contract (issue 17), is positive and
    at most the accepted offer's amount."""
    if not contract_signed:
        raise ConflictError(
            "the loan contract is not signed by both parties yet",
            "借款合同尚未由双方签署，不能放款",
        )
    if amount <= 0:
        raise InvalidValueError(
            "amount must be greater than 0", "放款金额必须大于 0", field="amount"
        )
    if amount > offered:
        limit = format_decimal(offered)
        raise ConflictError(
            f"disbursement {format_decimal(amount)} exceeds the accepted offer amount {limit}",
            f"放款金额 {format_decimal(amount)} 超过已接受报价的金额 {limit}",
        )
