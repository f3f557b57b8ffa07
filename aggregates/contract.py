"""Contracts drafted from accepted bids (sale) and offers (loan), signed online by both parties."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from aggregates.attachments import Attachable, Document
from aggregates.canonical import sha256_hex
from aggregates.errors import ConflictError, ForbiddenError


class ContractKind(StrEnum):
    SALE = "sale"
    LOAN = "loan"


class ContractStatus(StrEnum):
    DRAFTED = "drafted"
    SIGNED = "signed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


CONTRACT_NAMESPACE = uuid5(NAMESPACE_URL, "urn:sme-marketplace:contract")


def contract_id(kind: str, source: dict[str, str]) -> UUID:
    return uuid5(
        CONTRACT_NAMESPACE, kind + "|" + "|".join(f"{k}={source[k]}" for k in sorted(source))
    )


# The party that receives goods or lends money confirms completion.
COMPLETING_ROLES = frozenset({"buyer", "lender"})


def contract_digest(
    kind: str, parties: list[dict[str, str]], terms: dict[str, Any], amount: str, currency: str
) -> str:
    """SHA-256 over the RFC 8785 form of what the parties agree to (API.md, "Contracts")."""
    return sha256_hex(
        {
            "kind": kind,
            "parties": [
                {"organization_id": p["organization_id"], "role": p["role"]} for p in parties
            ],
            "terms": terms,
            "amount": amount,
            "currency": currency,
        }
    )


class Contract(Attachable):
    """A sale or loan contract between two organizations."""

    class Drafted(Aggregate.Created):
        kind: str
        parties: list[dict[str, str]]
        terms: dict[str, Any]
        amount: Decimal
        currency: str
        source: dict[str, str]
        exhibition_id: UUID | None

    class Signed(Aggregate.Event):
        organization_id: UUID
        digest: str
        signed_at: datetime

    class Cancelled(Aggregate.Event):
        by: UUID
        reason: str

    class Completed(Aggregate.Event):
        by: UUID

    @staticmethod
    def create_id(kind: str, source: dict[str, str]) -> UUID:
        """One contract per accepted bid or offer: its id follows from where it came from."""
        return contract_id(kind, source)

    @event(Drafted)
    def __init__(
        self,
        kind: str,
        parties: list[dict[str, str]],
        terms: dict[str, Any],
        amount: Decimal,
        currency: str,
        source: dict[str, str],
        exhibition_id: UUID | None,
    ) -> None:
        self.kind = kind
        self.parties = parties
        self.terms = terms
        self.amount = amount
        self.currency = currency
        self.source = source
        self.exhibition_id = exhibition_id
        self.status: str = ContractStatus.DRAFTED
        self.signatures: dict[str, datetime] = {}

    @property
    def digest(self) -> str:
        return contract_digest(self.kind, self.parties, self.terms, str(self.amount), self.currency)

    def role_of(self, organization_id: UUID) -> str | None:
        for party in self.parties:
            if party["organization_id"] == str(organization_id):
                return party["role"]
        return None

    def _require_party(self, organization_id: UUID) -> str:
        role = self.role_of(organization_id)
        if role is None:
            raise ForbiddenError(
                "only a party to the contract may do this", "只有合同当事方可以操作"
            )
        return role

    def sign(self, organization_id: UUID, digest: str, now: datetime) -> None:
        self._require_party(organization_id)
        if self.status != ContractStatus.DRAFTED:
            raise ConflictError(f"contract is {self.status}", f"合同状态为{self.status}，不能签署")
        if str(organization_id) in self.signatures:
            raise ConflictError("you have already signed this contract", "您已签署该合同")
        if digest != self.digest:
            raise ConflictError(
                "digest does not match the contract's current content", "摘要与合同当前内容不符"
            )
        self._signed(organization_id=organization_id, digest=digest, signed_at=now)

    @event(Signed)
    def _signed(self, organization_id: UUID, digest: str, signed_at: datetime) -> None:
        self.signatures[str(organization_id)] = signed_at
        if len(self.signatures) == len(self.parties):
            self.status = ContractStatus.SIGNED

    def cancel(self, organization_id: UUID, reason: str) -> None:
        self._require_party(organization_id)
        if self.status != ContractStatus.DRAFTED:
            raise ConflictError(f"contract is {self.status}", f"合同状态为{self.status}，不能取消")
        self._cancelled(by=organization_id, reason=reason)

    @event(Cancelled)
    def _cancelled(self, by: UUID, reason: str) -> None:
        self.status = ContractStatus.CANCELLED

    def complete(self, organization_id: UUID) -> None:
        role = self._require_party(organization_id)
        if role not in COMPLETING_ROLES:
            raise ForbiddenError(
                "only the buyer or lender may complete a contract",
                "只有买方或贷款方可以确认履约完成",
            )
        if self.status != ContractStatus.SIGNED:
            raise ConflictError(f"contract is {self.status}", f"合同状态为{self.status}，不能完成")
        self._completed(by=organization_id)

    @event(Completed)
    def _completed(self, by: UUID) -> None:
        self.status = ContractStatus.COMPLETED

    def attach_document(self, organization_id: UUID, document: Document) -> None:
        """A party adds a document to the terms while the contract is drafted; the digest
        changes, so every signature made so far is void and the parties sign again."""
        self._require_party(organization_id)
        if self.status != ContractStatus.DRAFTED:
            raise ConflictError(
                f"contract is {self.status}: documents are attached only while drafted",
                f"合同状态为{self.status}，只有草拟状态的合同可以添加附件",
            )
        self.attach_documents([document])

    def documents_changed(self) -> None:
        self.terms = {**self.terms, "documents": contract_documents(self.documents)}
        self.signatures = {}


def contract_documents(documents: list[Document]) -> list[dict[str, str]]:
    """What of each attached document the digest covers (`terms.documents`)."""
    return [{"sha256": d["sha256"], "filename": d["filename"]} for d in documents]
