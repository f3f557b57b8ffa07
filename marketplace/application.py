"""The `Marketplace` application: one method per use case, split by context into mixins."""

from __future__ import annotations

from marketplace.attachments import OrganizationDocumentUseCases
from marketplace.contracts import ContractUseCases
from marketplace.exhibitions import ExhibitionUseCases
from marketplace.financing import FinancingUseCases
from marketplace.members import MemberUseCases
from marketplace.organizations import OrganizationUseCases
from marketplace.policies import PolicyUseCases
from marketplace.postings import PostingUseCases
from marketplace.profiles import ProfileUseCases
from marketplace.saved_searches import SavedSearchUseCases
from marketplace.service_requests import ServiceRequestUseCases
from marketplace.services import ServiceUseCases


class Marketplace(
    ProfileUseCases,
    OrganizationUseCases,
    MemberUseCases,
    ExhibitionUseCases,
    PostingUseCases,
    FinancingUseCases,
    ContractUseCases,
    ServiceUseCases,
    ServiceRequestUseCases,
    PolicyUseCases,
    SavedSearchUseCases,
    OrganizationDocumentUseCases,
):
    """Every use case of the platform, on one event store with one global order."""
