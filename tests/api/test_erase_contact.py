"""Erasing an organization's contact data by deleting its key (crypto-shredding): by the
organization itself or an operator, recorded as an event that holds no personal data."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from psycopg.sql import SQL, Identifier

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, ZH, assert_problem, events_table, head, is_chinese, no_new_events

CONTACT = {"name": "王秀英", "phone": "+86 571 8765 4321", "email": "wang.xiuying@example.com"}


def erase(client: TestClient, caller: Account, org_id: str) -> dict[str, object]:
    response = client.post(f"{API}/organizations/{org_id}/erase-contact", headers=caller.auth)
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def stored_events(services: Services, org_id: str) -> list[tuple[str, bytes]]:
    query = SQL("SELECT topic, state FROM {} WHERE originator_id = %s ORDER BY originator_version")
    with services.db.connection() as conn:
        rows = conn.execute(query.format(Identifier(events_table(services))), (org_id,))
        return [(row["topic"], bytes(row["state"])) for row in rows.fetchall()]


def key_exists(services: Services, org_id: str) -> bool:
    with services.db.connection() as conn:
        row = conn.execute(
            "SELECT 1 FROM personal_data_keys WHERE organization_id = %s", (org_id,)
        ).fetchone()
    return row is not None


def test_the_organization_erases_its_own_contact(client: TestClient, services: Services) -> None:
    member = sign_up(client, contact=CONTACT)
    assert client.get(f"{API}/organizations/me", headers=member.auth).json()["contact"] == CONTACT
    before = stored_events(services, member.id)

    data = erase(client, member, member.id)
    assert data["contact"] is None and data["contact_erased"] is True
    assert (data["version"], data["position"]) == (2, head(services))

    own = client.get(f"{API}/organizations/me", headers=member.auth).json()
    assert own["contact"] is None and own["contact_erased"] is True
    assert own["version"] == 2
    assert not key_exists(services, member.id)
    after = stored_events(services, member.id)
    assert after[:1] == before, "the registration event is unchanged"
    topic, state = after[1]
    assert topic.endswith("Organization.ContactErased")
    for value in CONTACT.values():
        assert value.encode() not in state and value.encode("unicode_escape") not in state


def test_erasing_again_answers_the_same_and_writes_nothing(
    client: TestClient, services: Services
) -> None:
    member = sign_up(client, contact=CONTACT)
    first = erase(client, member, member.id)
    with no_new_events(services):
        again = erase(client, member, member.id)
    assert again["contact_erased"] is True
    assert again["version"] == first["version"]
    assert again["position"] is None
    assert len(stored_events(services, member.id)) == 2


def test_an_operator_erases_anyone_and_staff_see_contact_until_then(
    client: TestClient, services: Services, operator: Account, auditor: Account
) -> None:
    member = sign_up(client, contact=CONTACT)
    for staff in (operator, auditor):
        profile = client.get(f"{API}/organizations/{member.id}", headers=staff.auth).json()
        assert profile["contact"] == CONTACT and profile["contact_erased"] is False
    erase(client, operator, member.id)
    for staff in (operator, auditor):
        profile = client.get(f"{API}/organizations/{member.id}", headers=staff.auth).json()
        assert profile["contact"] is None and profile["contact_erased"] is True
    listed = client.get(
        f"{API}/organizations", params={"kind": "enterprise", "limit": 200}, headers=auditor.auth
    ).json()["items"]
    assert next(item for item in listed if item["id"] == member.id)["contact_erased"] is True
    own = client.get(f"{API}/organizations/me", headers=member.auth).json()
    assert own["contact"] is None
    public = client.get(f"{API}/organizations/{member.id}").json()
    assert "contact" not in public


def test_an_organization_without_contact_data_may_erase_too(
    client: TestClient, services: Services
) -> None:
    bank = sign_up(client, "bank")  # unverified: erasing is not an act that needs it
    data = erase(client, bank, bank.id)
    assert data["contact"] is None and data["position"] == head(services)


def test_others_are_refused_and_nothing_is_erased(
    client: TestClient, services: Services, auditor: Account
) -> None:
    member = sign_up(client, contact=CONTACT)
    stranger, bank = sign_up(client), sign_up(client, "bank")
    url = f"{API}/organizations/{member.id}/erase-contact"
    with no_new_events(services):
        assert_problem(client.post(url), 401)
        assert_problem(client.post(url, headers={"Authorization": "Bearer forged"}), 401)
        for caller in (stranger, bank, auditor):
            assert_problem(client.post(url, headers=caller.auth), 403)
        zh = client.post(url, headers={**stranger.auth, **ZH})
        assert is_chinese(assert_problem(zh, 403)["detail"])
    assert key_exists(services, member.id)
    assert client.get(f"{API}/organizations/me", headers=member.auth).json()["contact"] == CONTACT


def test_unknown_organization_is_404_for_an_operator_and_403_for_others(
    client: TestClient, services: Services, operator: Account
) -> None:
    stranger = sign_up(client)
    url = f"{API}/organizations/{uuid.uuid4()}/erase-contact"
    with no_new_events(services):
        assert_problem(client.post(url, headers=operator.auth), 404)
        assert_problem(client.post(url, headers=stranger.auth), 403)
