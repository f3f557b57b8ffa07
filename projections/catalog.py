"""Every view of the platform, built over one connection pool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg_pool import ConnectionPool

from projections.bank_products import BankProductsView
from projections.bids import BidsView
from projections.contracts import ContractsView
from projections.engine import View
from projections.exhibitions import ExhibitionsView
from projections.financing import FinancingBoardView
from projections.financing_offers import OffersView
from projections.listings import ListingsView
from projections.notifications import NotificationsView
from projections.organizations import OrganizationsView
from projections.policies import PoliciesView
from projections.service_products import ServiceProductsView
from projections.service_requests import ServiceRequestsView
from projections.signups import SignupsView
from projections.stats import StatsView


@dataclass
class Views:
    organizations: OrganizationsView
    listings: ListingsView
    bids: BidsView
    exhibitions: ExhibitionsView
    signups: SignupsView
    financing_needs: FinancingBoardView
    financing_offers: OffersView
    bank_products: BankProductsView
    contracts: ContractsView
    stats: StatsView
    service_products: ServiceProductsView
    service_requests: ServiceRequestsView
    policies: PoliciesView
    notifications: NotificationsView

    def all(self) -> list[View]:
        return [
            self.organizations,
            self.listings,
            self.bids,
            self.exhibitions,
            self.signups,
            self.financing_needs,
            self.financing_offers,
            self.bank_products,
            self.contracts,
            self.stats,
            self.service_products,
            self.service_requests,
            self.policies,
            self.notifications,
        ]


def build_views(pool: ConnectionPool[Any]) -> Views:
    return Views(
        OrganizationsView(pool),
        ListingsView(pool),
        BidsView(pool),
        exhibitions=ExhibitionsView(pool),
        signups=SignupsView(pool),
        financing_needs=FinancingBoardView(pool),
        financing_offers=OffersView(pool),
        bank_products=BankProductsView(pool),
        contracts=ContractsView(pool),
        stats=StatsView(pool),
        service_products=ServiceProductsView(pool),
        service_requests=ServiceRequestsView(pool),
        policies=PoliciesView(pool),
        notifications=NotificationsView(pool),
    )
