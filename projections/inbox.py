"""What folding an event into the notifications view may do: remember a subject, notify an
organization, and mark action items done. Each kind's title names its subject in zh and en."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID, uuid5

from projections.notification_queries import NOTIFICATION_SUBJECTS, NOTIFICATIONS
from projections.rows import Row, Rows

# Every kind, in a fixed order (its index is part of `seq`: append, never reorder).
TITLES: dict[str, tuple[str, str]] = {
    "bid_received": ("收到新报价：{}", "New bid: {}"),
    "bid_accepted": ("您的报价已被接受：{}", "Your bid was accepted: {}"),
    "bid_rejected": ("您的报价未被接受：{}", "Your bid was declined: {}"),
    "contract_to_sign": ("待签合同：{}", "Contract to sign: {}"),
    "contract_signed": ("合同已签署：{}", "Contract signed: {}"),
    "offer_received": ("收到融资报价：{}", "New financing offer: {}"),
    "offer_accepted": ("您的融资报价已被接受：{}", "Your financing offer was accepted: {}"),
    "loan_disbursed": ("贷款已发放：{}", "Loan disbursed: {}"),
    "signup_promoted": ("候补转为正式报名：{}", "Moved up from the waitlist: {}"),
    "exhibition_cancelled": ("展会已取消：{}", "Exhibition cancelled: {}"),
    "verification_decided": ("认证结果：{}", "Verification decided: {}"),
    "service_request_dispatched": ("新派单待受理：{}", "Service request to accept: {}"),
    "service_request_update": ("服务需求有新进展：{}", "Service request update: {}"),
    "service_request_resolved": ("服务已办结，请评价：{}", "Service resolved, rate it: {}"),
    "service_request_overdue": ("服务需求已超时：{}", "Service request overdue: {}"),
    "policy_published": ("新政策：{}", "New policy: {}"),
    "posting_matches_subscription": ("订阅的新信息：{}", "Matches your subscription: {}"),
    # From the scheduler's `FinancingNeed.BecameOverdue` (last: added after the others).
    "need_without_offer": ("融资需求暂无报价：{}", "Financing need without offers: {}"),
}
KINDS = tuple(TITLES)
KINDS_PER_POSITION = 64  # a notification's seq: position * 64 + its kind's index
assert len(KINDS) <= KINDS_PER_POSITION
NAMESPACE = UUID("5f6c3b1e-8d1a-4b7e-9c55-2f0b1d6a7e42")  # of notification ids: never change


def notification_id(position: int, organization_id: UUID, kind: str) -> UUID:
    """The same notification gets the same id in every rebuild."""
    return uuid5(NAMESPACE, f"{position}:{organization_id}:{kind}")


class Inbox:
    """The notifications rows, as one event at `position` changes them."""

    def __init__(self, rows: Rows, position: int, event: Any) -> None:
        self.rows, self.position, self.at = rows, position, event.timestamp

    def subject(self, subject_id: UUID) -> Row | None:
        return self.rows.get(NOTIFICATION_SUBJECTS.name, subject_id)

    def remember(self, subject_id: UUID, type: str, **values: Any) -> None:
        row = NOTIFICATION_SUBJECTS.row(id=subject_id, type=type, **values)
        self.rows.put(NOTIFICATION_SUBJECTS.name, row)

    def retitle(self, subject_id: UUID, **changes: Any) -> None:
        self.rows.update(NOTIFICATION_SUBJECTS.name, subject_id, **changes)

    def notify(
        self,
        organization_id: UUID | str | None,
        kind: str,
        subject: tuple[str, UUID],
        title: str | tuple[str, str],
        *,
        action_key: str | None = None,
        due_at: Any = None,
    ) -> None:
        """A notification for the organization; an action item when it has an action key. The
        title's subject: one text for both languages, or (zh, en)."""
        if organization_id is None:
            return
        row = self._row(kind, subject, title, action_key=action_key, due_at=due_at)
        row["id"], row["organization_id"] = self._ids(organization_id, kind)
        self.rows.put(NOTIFICATIONS.name, row)

    def broadcast(
        self, organizations: Iterable[UUID], kind: str, subject: tuple[str, UUID], title: str
    ) -> None:
        """The same notification, not an action item, to each of very many organizations (a
        policy to the enterprises it targets): appended, not kept as rows (`Rows.appender`), as
        no later event reads them back."""
        add = self.rows.appender(NOTIFICATIONS.name, self._row(kind, subject, title))
        for organization_id in organizations:
            notification, org = self._ids(organization_id, kind)
            add(id=notification, organization_id=org)

    def _ids(self, organization_id: UUID | str, kind: str) -> tuple[UUID, UUID]:
        org = organization_id if isinstance(organization_id, UUID) else UUID(organization_id)
        return notification_id(self.position, org, kind), org

    def _row(
        self,
        kind: str,
        subject: tuple[str, UUID],
        title: str | tuple[str, str],
        *,
        action_key: str | None = None,
        due_at: Any = None,
    ) -> Row:
        zh, en = TITLES[kind]
        zh_title, en_title = (title, title) if isinstance(title, str) else title
        return NOTIFICATIONS.row(
            kind=kind,
            position=self.position,
            seq=self.position * KINDS_PER_POSITION + KINDS.index(kind),
            created_at=self.at,
            action_required=action_key is not None,
            due_at=due_at,
            subject_type=subject[0],
            subject_id=subject[1],
            title_zh=zh.format(zh_title),
            title_en=en.format(en_title),
            action_key=action_key,
        )

    def done(self, action_key: str) -> None:
        """The action item(s) with this key are done now."""
        for row in self.rows.where(NOTIFICATIONS.name, "action_key", action_key):
            self._done(row)

    def all_of(self, type: str) -> list[Row]:
        """Every subject of the type (`operator`, `enterprise`, `policy`)."""
        return list(self.rows.where(NOTIFICATION_SUBJECTS.name, "type", type))

    def each(self, type: str) -> Iterator[Row]:
        """Every subject of the type, streamed (for one read-only pass over the enterprises):
        read nothing else of the view while iterating."""
        return self.rows.scan(NOTIFICATION_SUBJECTS.name, "type", type)

    def done_all(self, subject_id: UUID, kind: str) -> None:
        """Every open action item of this kind about the subject is done now."""
        for row in self.rows.where(NOTIFICATIONS.name, "subject_id", subject_id):
            if row["kind"] == kind and row["action_required"]:
                self._done(row)

    def is_done(self, action_key: str) -> bool:
        found = list(self.rows.where(NOTIFICATIONS.name, "action_key", action_key))
        return all(row["done_at"] is not None for row in found)

    def _done(self, row: Row) -> None:
        if row["done_at"] is None:
            self.rows.update(NOTIFICATIONS.name, row["id"], done_at=self.at)
