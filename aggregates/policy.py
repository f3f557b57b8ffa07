"""Policy information (政策信息): items an operator publishes, revises and withdraws, targeted at
enterprises by region and industry."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from aggregates.errors import ConflictError, require_change
from aggregates.policy_terms import (
    PolicyStatus,
    check_industries,
    check_regions,
    check_topics,
    check_url,
    check_validity,
)

# The fields of a policy item, as published and as revised (dates as ISO strings in the log).
FIELDS = (
    "title",
    "body",
    "issuer",
    "document_number",
    "topics",
    "regions",
    "industries",
    "effective_from",
    "effective_until",
    "url",
)


def checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields with topics, regions and industries normalized, dates as ISO strings; raises
    InvalidValueError naming the field that breaks a rule."""
    values = dict(fields)
    values["topics"] = check_topics(values["topics"])
    values["regions"] = check_regions(values["regions"])
    values["industries"] = check_industries(values["industries"])
    check_validity(values["effective_from"], values["effective_until"])
    check_url(values["url"])
    for name in ("effective_from", "effective_until"):
        value = values[name]
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


class Policy(Aggregate):
    """A policy item with its targeting and validity."""

    # Stored event classes: never rename them (add class_version and an upcast instead).
    class Published(Aggregate.Created):
        publisher_id: UUID
        title: str
        body: str
        issuer: str
        document_number: str | None
        topics: list[str]
        regions: list[str]
        industries: list[str]
        effective_from: str | None
        effective_until: str | None
        url: str | None

    class Revised(Aggregate.Event):
        revised_by: UUID
        title: str
        body: str
        issuer: str
        document_number: str | None
        topics: list[str]
        regions: list[str]
        industries: list[str]
        effective_from: str | None
        effective_until: str | None
        url: str | None

    class Withdrawn(Aggregate.Event):
        withdrawn_by: UUID

    @event(Published)
    def __init__(
        self,
        publisher_id: UUID,
        title: str,
        body: str,
        issuer: str,
        document_number: str | None,
        topics: list[str],
        regions: list[str],
        industries: list[str],
        effective_from: str | None,
        effective_until: str | None,
        url: str | None,
    ) -> None:
        self.publisher_id = publisher_id
        self.status: str = PolicyStatus.PUBLISHED
        self._apply(locals())

    def _apply(self, fields: dict[str, Any]) -> None:
        self.title: str = fields["title"]
        self.body: str = fields["body"]
        self.issuer: str = fields["issuer"]
        self.document_number: str | None = fields["document_number"]
        self.topics: list[str] = list(fields["topics"])
        self.regions: list[str] = list(fields["regions"])
        self.industries: list[str] = list(fields["industries"])
        self.effective_from = _date(fields["effective_from"])
        self.effective_until = _date(fields["effective_until"])
        self.url: str | None = fields["url"]

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}

    def revise(self, by: UUID, **changes: Any) -> None:
        """Change some fields; the others keep their values."""
        self._require_published()
        revised = checked({**self.fields(), **changes})
        require_change(checked(self.fields()), revised)
        self._revised(revised_by=by, **revised)

    @event(Revised)
    def _revised(
        self,
        revised_by: UUID,
        title: str,
        body: str,
        issuer: str,
        document_number: str | None,
        topics: list[str],
        regions: list[str],
        industries: list[str],
        effective_from: str | None,
        effective_until: str | None,
        url: str | None,
    ) -> None:
        self._apply(locals())

    def withdraw(self, by: UUID) -> None:
        self._require_published()
        self._withdrawn(withdrawn_by=by)

    @event(Withdrawn)
    def _withdrawn(self, withdrawn_by: UUID) -> None:
        self.status = PolicyStatus.WITHDRAWN

    def _require_published(self) -> None:
        if self.status != PolicyStatus.PUBLISHED:
            raise ConflictError("policy is withdrawn", "该政策已撤回")


def _date(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
