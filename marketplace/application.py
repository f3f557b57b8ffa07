"""The `Marketplace` application: one method per use case, split by context into mixins."""

from __future__ import annotations

from marketplace.contracts import ContractUseCases
from marketplace.exhibitions import ExhibitionUseCases
from marketplace.financing import FinancingUseCases
from marketplace.members import MemberUseCases
from marketplace.organizations import OrganizationUseCases
from marketplace.postings import PostingUseCases


class Marketplace(
    OrganizationUseCases,
    MemberUseCases,
    ExhibitionUseCases,
    PostingUseCases,
    FinancingUseCases,
    ContractUseCases,
):
    """Every use case of the platform, on one event store with one global order."""
