"""The service hall's part of the generated history (tests/integration/stats_history.py).

Six providers (five verified) publish products, some retired; enterprises submit requests over
the eight months, which are dispatched, returned and re-dispatched, left unanswered and
re-dispatched once overdue, accepted on time or late, resolved on time or late, withdrawn,
rated (some reopened and resolved again) or closed without feedback; some never dispatched,
some still open at the end, one submitted across China's midnight at the month's end.

Every step goes through the use cases (a refused one, say on a request withdrawn meanwhile,
writes nothing); some requests order a product and go to its provider at once. The random
choices come from their own generator, so the rest of the history is as before.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from tests.integration.stats_history import PASSWORD, REGIONS, START, History, hours
from tests.support import new_credit_code

# (categories, verified): a law firm, a testing lab, an accounting firm, a training school,
# an IT service company, and one never verified.
PROVIDERS = [
    (["legal", "business"], True),
    (["testing_inspection", "certification"], True),
    (["financing", "management", "legal"], True),
    (["training_startup", "human_resources"], True),
    (["informatization", "technology", "testing_inspection"], True),
    (["legal"], False),
]
CATEGORIES = sorted({c for categories, verified in PROVIDERS if verified for c in categories})
BOUNDARY = datetime(2025, 4, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 May in China


class ServiceDesk:
    def __init__(self, history: History, seed: int) -> None:
        self.history, self.app, self.clock = history, history.app, history.clock
        self.rng = random.Random(seed)
        self.providers: dict[UUID, list[str]] = {}
        self.products: dict[UUID, UUID] = {}  # active products → their provider

    def now(self) -> datetime:
        return self.clock.now

    def cast(self) -> None:
        for index, (categories, verified) in enumerate(PROVIDERS):
            provider_id = self.app.register_organization(
                kind="provider",
                name=f"服务机构 {index} 事务所",
                credit_code=new_credit_code(REGIONS[index % len(REGIONS)]),
                region=REGIONS[index % len(REGIONS)],
                industry=None,
                contact=None,
                password=PASSWORD,
                service_categories=categories,
            ).aggregate.id
            if verified:
                self.app.verify_organization(provider_id)
                self.providers[provider_id] = categories
                for category in categories:
                    self.product(provider_id, category)

    def product(self, provider_id: UUID, category: str) -> None:
        free = self.rng.random() < 0.4
        product_id = self.app.publish_service_product(
            provider_id,
            name=f"{category} 服务包",
            category=category,
            description="generated",
            pricing="free" if free else "discounted",
            price=None if free else Decimal("800.00"),
            unit="次",
            regions=[self.rng.choice(REGIONS)[:4]],
            response_hours=24,
        ).aggregate.id
        self.products[product_id] = provider_id
        if self.rng.random() < 0.25:
            self.history.later(timedelta(days=30), self.retire, product_id, provider_id)

    def retire(self, product_id: UUID, provider_id: UUID) -> None:
        self.app.retire_service_product(product_id, provider_id)
        del self.products[product_id]

    # The requests --------------------------------------------------------------------------

    def submit(self) -> None:
        enterprise = self.rng.choice(self.history.enterprises)
        product = self.rng.choice(list(self.products)) if self.rng.random() < 0.15 else None
        request = self.app.submit_service_request(
            enterprise,
            product_id=product,
            category=None if product else self.rng.choice(CATEGORIES),
            title="企业诉求",
            description="generated",
            urgency=self.rng.choice(["urgent", "timely", "general", "complex"]),
            region=self.rng.choice(REGIONS),
        ).aggregate
        if request.provider_id is not None:  # a product's order goes to its provider at once
            self.respond(request.id, request.provider_id, request.accept_by)
            return
        fate = self.rng.random()
        if fate < 0.08:
            return  # never dispatched
        if fate < 0.12:
            self.history.later(hours(self.rng.uniform(1, 20)), self.withdraw, request.id)
            return
        self.history.later(hours(self.rng.uniform(0.5, 30)), self.dispatch, request.id)

    def dispatch(self, request_id: UUID) -> None:
        request = self.app.get_service_request(request_id)
        offering = [p for p, cs in self.providers.items() if request.category in cs]
        choices = [p for p in offering if p != request.provider_id] or offering
        provider = self.rng.choice(choices)
        operator = self.history.operator
        request = self.app.dispatch_service_request(request_id, operator, provider, None).aggregate
        self.respond(request_id, provider, request.accept_by)

    def respond(self, request_id: UUID, provider: UUID, accept_by: datetime | None) -> None:
        assert accept_by is not None
        fate = self.rng.random()
        if fate < 0.12:
            delay = hours(self.rng.uniform(0.5, 10))
            self.history.later(delay, self.returned, request_id, provider)
        elif fate < 0.17:  # no answer: marked overdue, then dispatched to another
            self.history.at(accept_by + hours(1), self.overdue, request_id, "accept")
            self.history.at(accept_by + hours(3), self.dispatch, request_id)
        else:
            delay = hours(self.rng.uniform(0.2, 40))
            self.history.later(delay, self.accept, request_id, provider)

    def returned(self, request_id: UUID, provider: UUID) -> None:
        self.app.return_service_request(request_id, provider, "不在服务范围")
        self.history.later(hours(self.rng.uniform(1, 24)), self.dispatch, request_id)

    def accept(self, request_id: UUID, provider: UUID) -> None:
        request = self.app.accept_service_request(request_id, provider).aggregate
        self.work(request_id, provider, request.resolve_by)

    def work(self, request_id: UUID, provider: UUID, resolve_by: datetime | None) -> None:
        assert resolve_by is not None
        fate = self.rng.random()
        if fate < 0.04:
            self.history.later(hours(self.rng.uniform(1, 48)), self.withdraw, request_id)
        elif fate < 0.1:
            self.history.at(resolve_by + hours(2), self.overdue, request_id, "resolve")
            self.history.at(resolve_by + hours(30), self.resolve, request_id, provider)
        else:
            delay = hours(self.rng.uniform(2, 200))
            self.history.later(delay, self.resolve, request_id, provider)

    def resolve(self, request_id: UUID, provider: UUID) -> None:
        self.app.resolve_service_request(request_id, provider, "已办结")
        if self.rng.random() < 0.2:  # no feedback: closed once the feedback days are over
            days = self.app.service_deadlines.feedback_days
            self.history.later(timedelta(days=days, hours=1), self.close, request_id)
        else:
            self.history.later(hours(self.rng.uniform(1, 120)), self.feedback, request_id)

    def feedback(self, request_id: UUID) -> None:
        enterprise = self.app.get_service_request(request_id).enterprise_id
        satisfaction = self.rng.choices([1, 2, 3, 4, 5], [1, 2, 3, 6, 8])[0]
        resolved = self.rng.random() < 0.9
        request = self.app.give_service_feedback(
            request_id, enterprise, satisfaction, resolved, None
        ).aggregate
        if request.provider_id is not None and request.status == "reopened":
            self.work(request_id, request.provider_id, request.resolve_by)

    def withdraw(self, request_id: UUID) -> None:
        enterprise = self.app.get_service_request(request_id).enterprise_id
        self.app.withdraw_service_request(request_id, enterprise, "问题已自行解决")

    def overdue(self, request_id: UUID, deadline: str) -> None:
        self.app.mark_service_request_overdue(request_id, deadline)

    def close(self, request_id: UUID) -> None:
        self.app.close_service_request(request_id)


def plan(history: History, seed: int) -> ServiceDesk:
    """Providers and products now; requests queued over the history's months."""
    desk = ServiceDesk(history, seed)
    desk.cast()
    for index in range(260):
        history.at(START + timedelta(days=2, hours=index * 21.7), desk.submit)
    history.at(BOUNDARY, desk.submit)
    return desk
