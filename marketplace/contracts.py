"""Use cases of contracts: online signing against the content digest, cancelling, completing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from aggregates.contract import Contract
from aggregates.errors import ForbiddenError
from marketplace.attachments import AttachmentGate, linked
from marketplace.commands import A, Outcome

CONTRACT = ("contract", "合同")


@dataclass(frozen=True, kw_only=True)
class DealOutcome(Outcome[A]):
    """An accept that drafted a contract in the same transaction: the contract, named."""

    contract: Contract

    @staticmethod
    def of(outcome: Outcome[A]) -> DealOutcome[A]:
        contract = outcome.others[0]
        if not isinstance(contract, Contract):
            raise TypeError("an accept saves the contract it drafted")
        return DealOutcome(
            outcome.aggregate, outcome.version, outcome.position, outcome.others, contract=contract
        )


def party_only(by: UUID) -> Callable[[Contract], None]:
    """Who may act is decided before an If-Match version is compared (403 before 412)."""

    def check(contract: Contract) -> None:
        if contract.role_of(by) is None:
            raise ForbiddenError(
                "only a party to the contract may do this", "只有合同当事方可以操作"
            )

    return check


class ContractUseCases(AttachmentGate):
    def get_contract(self, contract_id: UUID) -> Contract:
        return self.load(Contract, contract_id, CONTRACT)

    def sign_contract(
        self, contract_id: UUID, by: UUID, digest: str, if_match: int | None = None
    ) -> Outcome[Contract]:
        """A party signs what it read: the digest must be the contract's current one."""
        return self.change(
            Contract,
            contract_id,
            CONTRACT,
            lambda c: c.sign(by, digest, self.clock()),
            if_match,
            party_only(by),
        )

    def contract_signers(self, contract_id: UUID) -> dict[str, str | None]:
        """Who signed for each party that signed: its organization id → the member's id
        (`actor`, stored with the signature event; None for a signature made by no member)."""
        return {
            str(event.organization_id): getattr(event, "actor", None)
            for event in self.events.get(contract_id)
            if isinstance(event, Contract.Signed)
        }

    def attach_contract_document(
        self, contract_id: UUID, by: UUID, document_id: UUID, if_match: int | None = None
    ) -> Outcome[Contract]:
        """A party adds one of its documents to a drafted contract's terms (the digest
        changes: signatures made before are void)."""
        documents = self.own_documents(by, [document_id], "document_id")
        return self.change(
            Contract,
            contract_id,
            CONTRACT,
            lambda c: c.attach_document(by, documents[0]),
            if_match,
            party_only(by),
            linked("contract"),
        )

    def cancel_contract(
        self, contract_id: UUID, by: UUID, reason: str, if_match: int | None = None
    ) -> Outcome[Contract]:
        """A party calls the deal off before everyone has signed."""
        return self.change(
            Contract,
            contract_id,
            CONTRACT,
            lambda c: c.cancel(by, reason),
            if_match,
            party_only(by),
        )

    def complete_contract(
        self, contract_id: UUID, by: UUID, if_match: int | None = None
    ) -> Outcome[Contract]:
        """The buyer or lender confirms that a signed contract was carried out."""
        return self.change(
            Contract, contract_id, CONTRACT, lambda c: c.complete(by), if_match, party_only(by)
        )
