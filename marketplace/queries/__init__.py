"""Query use cases: every read of the platform, and the rules of who may see what.

Routes and the live stream ask here; nothing else decides visibility. Each context has one
query object reading its views (`postings`, `financing`, `exhibitions`, `contracts`,
`organizations`, `stats`, `services`, `service_requests`, `policies`, `notifications`);
`viewer.Viewer` is the one caller model; `visibility` says how each event shows on the live
stream, on the same rules (`Viewer.sees_as_party`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketplace.application import Marketplace
from marketplace.documents.uploads import Documents
from marketplace.queries.contracts import ContractQueries
from marketplace.queries.documents import DocumentQueries
from marketplace.queries.exhibitions import ExhibitionQueries
from marketplace.queries.financing import FinancingQueries
from marketplace.queries.notifications import NotificationQueries
from marketplace.queries.organizations import OrganizationQueries
from marketplace.queries.policies import PolicyQueries
from marketplace.queries.postings import PostingQueries
from marketplace.queries.service_requests import ServiceRequestQueries
from marketplace.queries.services import ServiceQueries
from marketplace.queries.stats import StatsQueries
from marketplace.settings import Settings
from marketplace.stores.notification_reads import NotificationReads
from marketplace.stores.personal_data import ContactVault
from marketplace.stores.policy_reads import PolicyReads
from marketplace.stores.security import SecurityStore
from projections.catalog import Views


@dataclass(frozen=True)
class Queries:
    postings: PostingQueries
    financing: FinancingQueries
    exhibitions: ExhibitionQueries
    contracts: ContractQueries
    organizations: OrganizationQueries
    stats: StatsQueries
    services: ServiceQueries
    service_requests: ServiceRequestQueries
    policies: PolicyQueries
    notifications: NotificationQueries
    documents: DocumentQueries


def build_queries(
    app: Marketplace,
    views: Views,
    security: SecurityStore,
    vault: ContactVault,
    settings: Settings,
    documents: Documents,
) -> Queries:
    days = settings.financing_response_days

    def clock() -> datetime:  # looked up on each call: tests move the application's clock
        return app.clock()

    postings = PostingQueries(views.listings, views.bids, views.contracts, clock)
    financing = FinancingQueries(
        views.financing_needs, views.financing_offers, views.bank_products, clock, days
    )
    contracts = ContractQueries(views.contracts)
    service_requests = ServiceRequestQueries(views.service_requests)
    return Queries(
        postings=postings,
        financing=financing,
        exhibitions=ExhibitionQueries(views.exhibitions, views.signups, clock),
        contracts=contracts,
        organizations=OrganizationQueries(
            views.organizations, security, vault, app.get_organization
        ),
        stats=StatsQueries(views.stats, clock, days),
        services=ServiceQueries(views.service_products),
        service_requests=service_requests,
        policies=PolicyQueries(
            views.policies, views.organizations, PolicyReads(security.db), clock
        ),
        notifications=NotificationQueries(
            views.notifications, NotificationReads(security.db), clock
        ),
        documents=DocumentQueries(documents, postings, financing, service_requests, contracts),
    )
