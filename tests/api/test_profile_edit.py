"""`PATCH /organizations/me`: admins edit name, contact, region, industry and (providers)
service categories, one event per edit; a new name sends a bank or a provider back to
verification; nothing to change is 409; the views (profile, staff list, policies for me)
follow."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, no_new_events
from tests.api.test_members import add, member_account
from tests.api.test_policies import for_me
from tests.api.test_policies import publish as publish_policy

ME = f"{API}/organizations/me"
CONTACT = {"name": "李四", "phone": "0571-8888 6666", "email": "li@example.cn"}


def edit(client: TestClient, account: Account, **fields: Any) -> httpx.Response:
    return client.patch(ME, json=fields, headers=account.auth)


def edited(client: TestClient, account: Account, **fields: Any) -> dict[str, Any]:
    response = edit(client, account, **fields)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def listed(client: TestClient, operator: Account, account: Account) -> dict[str, Any]:
    response = client.get(f"{API}/organizations", params={"limit": 200}, headers=operator.auth)
    assert response.status_code == 200, response.text
    return next(row for row in response.json()["items"] if row["id"] == account.id)


def test_an_enterprise_moves_and_the_policies_for_it_follow(
    client: TestClient, operator: Account
) -> None:
    enterprise = sign_up(client)  # 330106, C39
    ningbo = publish_policy(client, operator, regions=["3302"], industries=["C13"])
    assert ningbo["id"] not in for_me(client, enterprise)

    answer = edited(client, enterprise, region="330203", industry="c13")
    assert (answer["region"], answer["industry"], answer["verified"]) == ("330203", "C13", True)
    assert isinstance(answer["position"], int) and answer["version"] == 2
    assert ningbo["id"] in for_me(client, enterprise)
    row = listed(client, operator, enterprise)
    assert (row["region"], row["industry"]) == ("330203", "C13")
    own = client.get(ME, headers=enterprise.auth).json()
    assert (own["region"], own["industry"], own["version"]) == ("330203", "C13", 2)


def test_a_new_name_sends_a_bank_back_to_verification(
    client: TestClient, operator: Account
) -> None:
    bank = sign_up(client, "bank")
    verify = f"{API}/organizations/{bank.id}/verify"
    assert client.post(verify, headers=operator.auth).status_code == 200
    answer = edited(client, bank, name="杭州联合农村商业银行")
    assert (answer["name"], answer["verified"]) == ("杭州联合农村商业银行", False)
    row = listed(client, operator, bank)
    assert (row["name"], row["verified"]) == ("杭州联合农村商业银行", False)
    public = client.get(f"{API}/organizations/{bank.id}").json()
    assert public["name"] == "杭州联合农村商业银行"
    assert client.post(verify, headers=operator.auth).status_code == 200
    # Another field keeps the verification.
    assert edited(client, bank, region="330102")["verified"] is True


def test_an_enterprise_keeps_its_verification_in_open_mode(client: TestClient) -> None:
    enterprise = sign_up(client)
    assert edited(client, enterprise, name="新名称科技有限公司")["verified"] is True


def test_a_provider_changes_its_service_categories(client: TestClient, operator: Account) -> None:
    provider = sign_up(client, "provider", service_categories=["legal"])
    answer = edited(client, provider, service_categories=["financing", "legal"])
    assert answer["service_categories"] == ["financing", "legal"]
    assert listed(client, operator, provider)["service_categories"] == ["financing", "legal"]


def test_a_new_contact_is_sealed_and_readable_even_after_an_erasure(
    client: TestClient, operator: Account
) -> None:
    enterprise = sign_up(client)
    assert edited(client, enterprise, contact=CONTACT)["contact"] == CONTACT
    assert client.get(ME, headers=enterprise.auth).json()["contact"] == CONTACT
    erase = client.post(
        f"{API}/organizations/{enterprise.id}/erase-contact", headers=enterprise.auth
    )
    assert erase.status_code == 200, erase.text
    again = edited(client, enterprise, contact=CONTACT | {"name": "王五"})
    assert (again["contact"]["name"], again["contact_erased"]) == ("王五", False)
    own = client.get(ME, headers=enterprise.auth).json()
    assert (own["contact"]["name"], own["contact_erased"]) == ("王五", False)
    assert listed(client, operator, enterprise)["contact_erased"] is False


def test_nothing_to_change_is_409_and_writes_nothing(
    client: TestClient, services: Services
) -> None:
    enterprise = sign_up(client)
    edited(client, enterprise, contact=CONTACT)
    profile = client.get(ME, headers=enterprise.auth).json()
    with no_new_events(services):
        assert_problem(edit(client, enterprise), 409)
        same = edit(
            client,
            enterprise,
            name=profile["name"],
            region=profile["region"],
            industry=profile["industry"],
            contact=CONTACT,
        )
        assert_problem(same, 409)


def test_only_admins_edit_the_profile(client: TestClient, services: Services) -> None:
    admin = sign_up(client)
    add(client, admin, "clerk.profile")
    clerk = member_account(client, admin, "clerk.profile")
    with no_new_events(services):
        assert_problem(edit(client, clerk, region="330102"), 403)
        assert_problem(client.patch(ME, json={"region": "330102"}), 401)
    add(client, admin, "deputy.profile", role="admin")
    deputy = member_account(client, admin, "deputy.profile")
    assert edited(client, deputy, region="330102")["region"] == "330102"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": None}, "name"),
        ({"region": "999999"}, "region"),
        ({"industry": "ZZ"}, "industry"),
        ({"industry": None}, "industry"),
        ({"contact": {"name": "李四", "phone": "abc"}}, "contact.phone"),
        ({"contact": None}, "contact"),
        ({"service_categories": ["legal"]}, "service_categories"),  # not a provider
        ({"kind": "bank"}, "kind"),
        ({"credit_code": "91330106MA2XXXXX0X"}, "credit_code"),
    ],
)
def test_bad_edits_are_refused_by_field(
    client: TestClient,
    services: Services,
    owner: Account,
    fields: dict[str, Any],
    field: str,
) -> None:
    with no_new_events(services):
        assert_problem(client.patch(ME, json=fields, headers=owner.auth), 422, field=field)


def test_unknown_service_categories_are_refused(client: TestClient, services: Services) -> None:
    provider = sign_up(client, "provider", service_categories=["legal"])
    with no_new_events(services):
        for categories in (["nope"], [], ["legal", "legal"]):
            response = edit(client, provider, service_categories=categories)
            assert_problem(response, 422, field="service_categories")
