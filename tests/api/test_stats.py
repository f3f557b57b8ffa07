"""Statistics (API.md, "Statistics"): shapes, what moves each figure, roles and 422s.

The figures over a long generated history are checked against an independent fold of the
event log in tests/integration/test_stats_fold.py; here each test moves a few of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import NEEDS, make_offer, post_need, sign_contract, verified_bank
from tests.api.financing_helpers import accept as accept_offer
from tests.api.helpers import API, assert_problem, head, publish
from tests.api.stats_helpers import Deal, act, make_deal, schedule_exhibition, sign_all
from tests.support import future

STATS = f"{API}/stats"
CST = timezone(timedelta(hours=8))
DECIMAL = re.compile(r"^\d+(\.\d+)?$")
TOP_KEYS = {
    "organizations",
    "postings",
    "bids",
    "contracts",
    "financing",
    "exhibitions",
    "activities",
    "services",
    "position",
}


@pytest.fixture(scope="module")
def alice(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def bob(client: TestClient) -> Account:
    return sign_up(client)


@pytest.fixture(scope="module")
def lender(client: TestClient, operator: Account) -> Account:
    return verified_bank(client, operator)


def head_position(client: TestClient) -> int:
    """The newest event's position, for reading what was just written."""
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return head(services)


def stats(client: TestClient, position: int | None = None) -> dict[str, Any]:
    params = {} if position is None else {"min_position": position}
    response = client.get(STATS, params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def groups(
    client: TestClient, what: str, headers: dict[str, str] | None = None, **params: Any
) -> list[dict[str, Any]]:
    response = client.get(f"{STATS}/{what}", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    assert int(response.headers["Market-Position"]) >= params.get("min_position", 0)
    data: list[dict[str, Any]] = response.json()
    return data


def by_key(items: list[dict[str, Any]]) -> dict[str | None, dict[str, Any]]:
    keys = [item["key"] for item in items]
    assert len(set(keys)) == len(keys), keys
    return {item["key"]: item for item in items}


def signed_deal(client: TestClient, poster: Account, bidder: Account, **overrides: Any) -> Deal:
    deal = make_deal(client, poster, bidder, **overrides)
    sign_all(client, deal)
    return deal


DEAL_AMOUNT = Decimal("7500000.00")  # the default bid: 500 at 15000.00


def today() -> str:
    return datetime.now(UTC).astimezone(CST).date().isoformat()


@pytest.fixture
def shifted_clock(services: Services) -> Iterator[Any]:
    """Moves the application's clock (what 'now' is for the figures) forward by some days."""
    original = services.app.clock

    def shift(days: float) -> None:
        services.app.clock = lambda: original() + timedelta(days=days)

    try:
        yield shift
    finally:
        services.app.clock = original


# GET /stats --------------------------------------------------------------------------------


def test_stats_shape_for_anyone(client: TestClient) -> None:
    data = stats(client)
    assert set(data) == TOP_KEYS
    assert set(data["organizations"]) == {"enterprise", "bank"}
    assert set(data["postings"]) == {"open", "total"}
    assert set(data["contracts"]) >= {"signed", "amount", "sale", "loan"}
    for kind in ("sale", "loan"):
        assert set(data["contracts"][kind]) == {"signed", "amount"}
        assert DECIMAL.match(data["contracts"][kind]["amount"])
    assert set(data["financing"]) == {
        "needs",
        "matched",
        "amount_matched",
        "amount_disbursed",
        "overdue",
    }
    assert set(data["exhibitions"]) == {"held", "signups", "checked_in"}
    for money in (
        data["contracts"]["amount"],
        data["financing"]["amount_matched"],
        data["financing"]["amount_disbursed"],
    ):
        assert isinstance(money, str) and DECIMAL.match(money), money
    assert isinstance(data["position"], int) and data["position"] >= 0


def test_registrations_count_by_kind(client: TestClient) -> None:
    before = stats(client, head_position(client))["organizations"]
    sign_up(client)
    sign_up(client, "bank")
    after = stats(client, head_position(client))
    assert after["organizations"] == {
        "enterprise": before["enterprise"] + 1,
        "bank": before["bank"] + 1,
    }


def test_a_signed_deal_moves_postings_bids_and_contracts(
    client: TestClient, alice: Account, bob: Account
) -> None:
    before = stats(client, head_position(client))
    deal = make_deal(client, alice, bob)
    drafted = stats(client, deal.position)
    assert drafted["postings"] == {
        "open": before["postings"]["open"],  # awarded at once
        "total": before["postings"]["total"] + 1,
    }
    assert drafted["bids"] == before["bids"] + 1
    assert drafted["contracts"] == before["contracts"]  # drafted contracts do not count
    sign_all(client, deal)
    signed = stats(client, deal.position)
    assert signed["contracts"]["signed"] == before["contracts"]["signed"] + 1
    assert (
        Decimal(signed["contracts"]["amount"])
        == Decimal(before["contracts"]["amount"]) + DEAL_AMOUNT
    )
    assert signed["position"] >= deal.position


def test_open_postings_exclude_those_past_expiry(
    client: TestClient, alice: Account, shifted_clock: Any
) -> None:
    publish(client, alice, expires_at=future(days=2))
    now = stats(client, head_position(client))["postings"]
    shifted_clock(3)
    later = stats(client)["postings"]
    assert later["total"] == now["total"]
    assert later["open"] < now["open"]


def test_completed_counts_and_cancelled_does_not(
    client: TestClient, alice: Account, bob: Account
) -> None:
    before = stats(client, head_position(client))["contracts"]
    completed = signed_deal(client, alice, bob)
    act(client, completed.buyer, completed, "complete")
    cancelled = make_deal(client, alice, bob)
    act(client, cancelled.seller, cancelled, "cancel")
    after = stats(client, cancelled.position)["contracts"]
    assert after["signed"] == before["signed"] + 1
    assert Decimal(after["amount"]) == Decimal(before["amount"]) + DEAL_AMOUNT


def test_amounts_in_other_currencies_are_kept_apart(
    client: TestClient, alice: Account, bob: Account
) -> None:
    before = stats(client, head_position(client))["contracts"]
    deal = signed_deal(client, alice, bob, currency="USD")
    after = stats(client, deal.position)["contracts"]
    assert after["signed"] == before["signed"] + 1
    assert after["amount"] == before["amount"]  # CNY only
    usd = Decimal(before["amount_by_currency"].get("USD", "0"))
    assert Decimal(after["amount_by_currency"]["USD"]) == usd + DEAL_AMOUNT
    assert after["amount_by_currency"]["CNY"] == after["amount"]


# GET /stats/deals --------------------------------------------------------------------------


def test_deals_by_region_category_and_month(
    client: TestClient, alice: Account, bob: Account
) -> None:
    deal = signed_deal(client, alice, bob, region="650102", category="A03")
    regions = by_key(groups(client, "deals", group_by="region", min_position=deal.position))
    assert regions["650102"]["contracts"] == 1
    assert regions["650102"]["amount"] == "7500000.00"
    assert regions["650102"]["amount_by_currency"] == {"CNY": "7500000.00"}
    categories = by_key(groups(client, "deals", group_by="category"))
    assert categories["A03"]["contracts"] == 1
    months = by_key(groups(client, "deals", group_by="month"))
    assert today()[:7] in months
    assert all(re.fullmatch(r"\d{4}-\d{2}", key or "") for key in months)


def test_every_grouping_adds_up_to_the_same_totals(
    client: TestClient, alice: Account, bob: Account
) -> None:
    deal = signed_deal(client, alice, bob)
    totals = []
    for key in ("month", "region", "category", "exhibition"):
        items = groups(client, "deals", group_by=key, min_position=deal.position)
        totals.append(
            (sum(i["contracts"] for i in items), sum(Decimal(i["amount"]) for i in items))
        )
    assert len(set(totals)) == 1, totals


def test_deals_at_an_exhibition_are_keyed_by_it(
    client: TestClient, alice: Account, bob: Account, operator: Account
) -> None:
    exhibition_id = schedule_exhibition(client, operator, alice, bob)
    deal = signed_deal(client, alice, bob, exhibition_id=exhibition_id)
    signed_deal(client, alice, bob)
    keyed = by_key(groups(client, "deals", group_by="exhibition", min_position=deal.position))
    assert keyed[exhibition_id]["contracts"] == 1
    assert keyed[None]["contracts"] >= 1  # deals made elsewhere
    assert list(keyed)[-1] is None  # listed last


def test_deals_in_a_period_of_signing_dates(
    client: TestClient, alice: Account, bob: Account
) -> None:
    deal = signed_deal(client, alice, bob)
    day = today()
    tomorrow = (date_of(day) + timedelta(days=1)).isoformat()
    yesterday = (date_of(day) - timedelta(days=1)).isoformat()
    min_position = deal.position
    everything = groups(client, "deals", group_by="month", min_position=min_position)
    assert groups(client, "deals", group_by="month", **{"from": day, "to": day}) == everything
    assert groups(client, "deals", group_by="month", **{"from": tomorrow}) == []
    assert groups(client, "deals", group_by="month", to=yesterday) == []


def date_of(text: str) -> Any:
    return datetime.fromisoformat(text).date()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "group_by"),
        ({"group_by": "week"}, "group_by"),
        ({"group_by": "bank"}, "group_by"),
        ({"group_by": "month", "from": "2026-13-01"}, "from"),
        ({"group_by": "month", "to": "yesterday"}, "to"),
        ({"group_by": "month", "from": "2026-05-02", "to": "2026-05-01"}, "from"),
        ({"group_by": "month", "min_position": -1}, "min_position"),
    ],
)
def test_bad_deal_queries_are_422(client: TestClient, params: dict[str, Any], field: str) -> None:
    assert_problem(client.get(f"{STATS}/deals", params=params), 422, field=field)


# GET /stats/financing ----------------------------------------------------------------------


def financing_deal(
    client: TestClient, owner: Account, bank: Account, **need: Any
) -> tuple[dict[str, Any], int]:
    """A need matched with an offer of 1500000.00 and disbursed in full; the last position."""
    posted = post_need(client, owner, **need)
    offer = make_offer(client, bank, posted["id"])
    loan_id = accept_offer(client, owner, posted["id"], offer["id"])["contract_id"]
    sign_contract(client, loan_id, owner, bank)
    paid = client.post(
        f"{NEEDS}/{posted['id']}/disburse", json={"amount": "1500000.00"}, headers=bank.auth
    )
    assert paid.status_code == 200, paid.text
    return posted, int(paid.json()["position"])


def test_sale_and_loan_contracts_are_counted_apart(
    client: TestClient, alice: Account, bob: Account, lender: Account
) -> None:
    """API.md "Contract document and programme report": sale volume and loan principal apart;
    the totals beside them stay the sum of both."""
    before = stats(client, head_position(client))["contracts"]
    signed_deal(client, alice, bob)
    _, position = financing_deal(client, alice, lender)
    after = stats(client, position)["contracts"]

    def moved(kind: str) -> tuple[int, Decimal]:
        return (
            after[kind]["signed"] - before[kind]["signed"],
            Decimal(after[kind]["amount"]) - Decimal(before[kind]["amount"]),
        )

    assert moved("sale") == (1, DEAL_AMOUNT)
    assert moved("loan") == (1, Decimal("1500000.00"))
    assert after["signed"] == after["sale"]["signed"] + after["loan"]["signed"]
    assert Decimal(after["amount"]) == sum(Decimal(after[k]["amount"]) for k in ("sale", "loan"))


def test_financing_by_product_type_and_region(
    client: TestClient, alice: Account, lender: Account
) -> None:
    _, position = financing_deal(
        client, alice, lender, product_type="warehouse_receipt", region="370202"
    )
    position = post_need(client, alice, product_type="warehouse_receipt", region="370202")[
        "position"
    ]
    types = by_key(groups(client, "financing", group_by="product_type", min_position=position))
    expected = {
        "key": "warehouse_receipt",
        "needs": 2,
        "matched": 1,
        "amount_matched": "1500000.00",
        "amount_disbursed": "1500000.00",
        "overdue": 0,
    }
    item = types["warehouse_receipt"]
    assert {k: item[k] for k in expected} == expected
    median = item["median_hours_to_first_offer"]
    assert isinstance(median, str) and DECIMAL.match(median)
    assert Decimal(median) < 1  # the offer came at once
    regions = by_key(groups(client, "financing", group_by="region"))
    assert regions["370202"]["needs"] == 2
    months = by_key(groups(client, "financing", group_by="month"))
    assert months[today()[:7]]["needs"] >= 2


def test_financing_figures_in_stats(client: TestClient, alice: Account, lender: Account) -> None:
    before = stats(client, head_position(client))["financing"]
    _, position = financing_deal(client, alice, lender)
    after = stats(client, position)["financing"]
    assert after["needs"] == before["needs"] + 1
    assert after["matched"] == before["matched"] + 1
    for money in ("amount_matched", "amount_disbursed"):
        assert Decimal(after[money]) == Decimal(before[money]) + Decimal("1500000.00")


def test_needs_without_an_offer_become_overdue(
    client: TestClient, alice: Account, lender: Account, shifted_clock: Any
) -> None:
    posted = post_need(client, alice, product_type="inventory_pledge", region="530102")
    answered = post_need(client, alice, product_type="inventory_pledge", region="530102")
    make_offer(client, lender, answered["id"])
    before = stats(client, head_position(client))["financing"]["overdue"]
    shifted_clock(8)  # past the 7 response days
    overdue = stats(client)["financing"]["overdue"]
    assert overdue >= before + 1
    regions = by_key(groups(client, "financing", group_by="region"))
    assert regions["530102"]["overdue"] == 1
    assert sum(item["overdue"] for item in regions.values()) == overdue
    assert regions["530102"]["needs"] == 2
    assert posted["id"] != answered["id"]


def test_a_need_with_no_offer_has_no_median(client: TestClient, alice: Account) -> None:
    posted = post_need(client, alice, product_type="guaranteed_loan", region="150102")
    items = by_key(
        groups(client, "financing", group_by="region", min_position=head_position(client))
    )
    assert items["150102"]["median_hours_to_first_offer"] is None
    assert posted["status"] == "open"


def test_figures_per_bank_are_for_operators_and_auditors(
    client: TestClient,
    alice: Account,
    lender: Account,
    operator: Account,
    auditor: Account,
) -> None:
    _, position = financing_deal(client, alice, lender)
    params = {"group_by": "bank", "min_position": position}
    assert_problem(client.get(f"{STATS}/financing", params=params), 401)
    for account in (alice, lender):
        assert_problem(client.get(f"{STATS}/financing", params=params, headers=account.auth), 403)
    for account in (operator, auditor):
        banks = by_key(groups(client, "financing", headers=account.auth, **params))
        assert banks[lender.id]["matched"] >= 1
        assert None in banks or all(i["matched"] == i["needs"] for i in banks.values())


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "group_by"),
        ({"group_by": "category"}, "group_by"),
        ({"group_by": "month", "from": "2026-02-30"}, "from"),
        ({"group_by": "month", "from": "2026-05-02", "to": "2026-05-01"}, "from"),
    ],
)
def test_bad_financing_queries_are_422(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    assert_problem(client.get(f"{STATS}/financing", params=params), 422, field=field)


# Exhibitions -------------------------------------------------------------------------------


def test_confirmed_signups_check_ins_and_exhibitions_held(
    client: TestClient, operator: Account, shifted_clock: Any
) -> None:
    first, second = sign_up(client), sign_up(client)
    before = stats(client, head_position(client))["exhibitions"]
    exhibition_id = schedule_exhibition(client, operator, first, second)
    checked = client.post(
        f"{API}/exhibitions/{exhibition_id}/check-ins",
        json={"organization_id": first.id},
        headers=operator.auth,
    )
    assert checked.status_code == 201, checked.text
    cancelled_id = schedule_exhibition(client, operator, sign_up(client))
    cancel = client.post(
        f"{API}/exhibitions/{cancelled_id}/cancel",
        json={"reason": "场馆检修"},
        headers=operator.auth,
    )
    assert cancel.status_code == 200, cancel.text
    after = stats(client, cancel.json()["position"])["exhibitions"]
    assert after["signups"] == before["signups"] + 2  # not the cancelled exhibition's
    assert after["checked_in"] == before["checked_in"] + 1
    assert after["held"] == before["held"]  # it starts in two weeks
    shifted_clock(14.5)
    assert stats(client)["exhibitions"]["held"] >= before["held"] + 1


def test_waitlisted_signups_do_not_count(client: TestClient, operator: Account) -> None:
    before = stats(client, head_position(client))["exhibitions"]["signups"]
    starts_at = datetime.now(UTC) + timedelta(days=20)
    created = client.post(
        f"{API}/exhibitions",
        json={
            "name": "线上银企对接会",
            "venue": "online",
            "online": True,
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=3)).isoformat(),
            "capacity": 1,
            "signup_deadline": (starts_at - timedelta(days=1)).isoformat(),
        },
        headers=operator.auth,
    )
    assert created.status_code == 201, created.text
    position = 0
    for account in (sign_up(client), sign_up(client)):
        joined = client.post(
            f"{API}/exhibitions/{created.json()['id']}/signups", headers=account.auth
        )
        assert joined.status_code == 201, joined.text
        position = joined.json()["position"]
    assert stats(client, position)["exhibitions"]["signups"] == before + 1


def test_openapi_publishes_the_statistics_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/stats", "/stats/deals", "/stats/financing", "/ocds/releases"):
        operation = paths[f"{API}{path}"]["get"]
        assert operation["description"] or operation["summary"]
        assert "application/json" in operation["responses"]["200"]["content"]
    deals = paths[f"{API}/stats/deals"]["get"]
    assert {p["name"] for p in deals["parameters"]} >= {"group_by", "from", "to", "min_position"}
    assert deals["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
