"""Organizations: registration, public and own profiles, bank verification."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg.sql import SQL, Identifier

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import (
    API,
    ZH,
    assert_problem,
    events_table,
    head,
    is_chinese,
    no_new_events,
)
from tests.support import new_credit_code, organization_body

CONTACT = {"name": "张经理", "phone": "+86 571 8888 1234", "email": "zhang@example.com"}


@pytest.fixture(scope="module")
def member(client: TestClient) -> Account:
    """An enterprise registered with contact data."""
    return sign_up(client, contact=CONTACT)


def _wrong_check_char(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 1) % len(alphabet)]


# Registration ------------------------------------------------------------------------------


def test_register_enterprise(client: TestClient, services: Services) -> None:
    body = organization_body(contact=CONTACT)
    response = client.post(f"{API}/organizations", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert uuid.UUID(data["id"])
    assert data["kind"] == "enterprise"
    assert data["name"] == body["name"]
    assert data["credit_code"] == body["credit_code"]
    assert data["region"] == "330106"
    assert data["verified"] is True
    assert data["version"] == 1
    assert data["position"] == head(services)
    assert "password" not in response.text


def test_register_bank_starts_unverified_and_needs_no_industry(client: TestClient) -> None:
    body = organization_body("bank")
    assert "industry" not in body
    response = client.post(f"{API}/organizations", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "bank"
    assert response.json()["verified"] is False


def test_credit_code_is_normalised_to_upper_case(client: TestClient) -> None:
    code = new_credit_code()
    response = client.post(f"{API}/organizations", json=organization_body(credit_code=code.lower()))
    assert response.status_code == 201, response.text
    assert response.json()["credit_code"] == code


def test_duplicate_credit_code_is_409(client: TestClient, services: Services) -> None:
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body).status_code == 201
    again = organization_body(credit_code=body["credit_code"], name="另一家企业")
    with no_new_events(services):
        assert_problem(client.post(f"{API}/organizations", json=again), 409)
        lower = dict(again, credit_code=body["credit_code"].lower())
        assert_problem(client.post(f"{API}/organizations", json=lower), 409)
        as_bank = organization_body("bank", credit_code=body["credit_code"])
        assert_problem(client.post(f"{API}/organizations", json=as_bank), 409)


def test_duplicate_credit_code_in_chinese(client: TestClient, services: Services) -> None:
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body).status_code == 201
    with no_new_events(services):
        problem = assert_problem(client.post(f"{API}/organizations", json=body, headers=ZH), 409)
    assert is_chinese(problem["detail"]), problem


def _valid_code() -> str:
    return new_credit_code()


BAD_REGISTRATIONS: list[tuple[str, dict[str, Any], str]] = [
    ("checksum", {"credit_code": _wrong_check_char(_valid_code())}, "credit_code"),
    ("code too short", {"credit_code": _valid_code()[:17]}, "credit_code"),
    ("code too long", {"credit_code": _valid_code() + "1"}, "credit_code"),
    ("code letter I", {"credit_code": "91330106I" + _valid_code()[9:]}, "credit_code"),
    ("code not a string", {"credit_code": 913301061234567890}, "credit_code"),
    ("region province", {"region": "990106"}, "region"),
    ("region too short", {"region": "3301"}, "region"),
    ("region letters", {"region": "33010X"}, "region"),
    ("region number", {"region": 330106}, "region"),
    ("industry unknown", {"industry": "Z99"}, "industry"),
    ("password short", {"password": "123456789"}, "password"),
    ("name empty", {"name": ""}, "name"),
    ("name too long", {"name": "名" * 101}, "name"),
    ("name wrong type", {"name": 42}, "name"),
    ("kind operator", {"kind": "operator"}, "kind"),
    ("kind auditor", {"kind": "auditor"}, "kind"),
    ("kind unknown", {"kind": "government"}, "kind"),
    ("unknown field", {"nickname": "x"}, "nickname"),
    ("contact phone", {"contact": {"name": "王", "phone": "call me"}}, "contact.phone"),
    ("contact email", {"contact": {**CONTACT, "email": "not-an-email"}}, "contact.email"),
    ("contact extra", {"contact": {**CONTACT, "wechat": "abc"}}, "contact.wechat"),
    ("contact no name", {"contact": {"phone": "13800000000"}}, "contact.name"),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [(o, f) for _, o, f in BAD_REGISTRATIONS],
    ids=[name for name, _, _ in BAD_REGISTRATIONS],
)
def test_bad_registration_is_422(
    client: TestClient, services: Services, overrides: dict[str, Any], field: str
) -> None:
    body = organization_body(**overrides)
    with no_new_events(services):
        assert_problem(client.post(f"{API}/organizations", json=body), 422, field=field)


@pytest.mark.parametrize("missing", ["kind", "name", "credit_code", "region", "password"])
def test_missing_required_field_is_422(
    client: TestClient, services: Services, missing: str
) -> None:
    body = organization_body()
    del body[missing]
    with no_new_events(services):
        assert_problem(client.post(f"{API}/organizations", json=body), 422, field=missing)


def test_enterprise_without_industry_is_422(client: TestClient, services: Services) -> None:
    body = organization_body()
    del body["industry"]
    with no_new_events(services):
        assert_problem(client.post(f"{API}/organizations", json=body), 422, field="industry")
    explicit_null = organization_body(industry=None)
    with no_new_events(services):
        response = client.post(f"{API}/organizations", json=explicit_null)
        assert_problem(response, 422, field="industry")


@pytest.mark.parametrize(
    "content", [b"not json", b"[1, 2]", b'"text"', b""], ids=["garbage", "list", "string", "empty"]
)
def test_malformed_body_is_422(client: TestClient, services: Services, content: bytes) -> None:
    with no_new_events(services):
        response = client.post(
            f"{API}/organizations", content=content, headers={"Content-Type": "application/json"}
        )
        assert_problem(response, 422)


def test_422_detail_in_chinese(client: TestClient, services: Services) -> None:
    body = organization_body(credit_code=_wrong_check_char(_valid_code()))
    with no_new_events(services):
        problem = assert_problem(
            client.post(f"{API}/organizations", json=body, headers=ZH), 422, field="credit_code"
        )
    assert is_chinese(problem["detail"])


# Profiles ----------------------------------------------------------------------------------


def test_public_profile_has_no_contact_or_password(client: TestClient, member: Account) -> None:
    response = client.get(f"{API}/organizations/{member.id}")  # anonymous
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["id"] == member.id
    assert data["kind"] == "enterprise"
    assert data["name"] == member.name
    assert data["credit_code"] == member.credit_code
    assert data["region"] == "330106"
    assert data["verified"] is True
    assert "contact" not in data
    for key in data:
        assert "password" not in key and "hash" not in key and "token" not in key
    text = response.text
    for secret in (CONTACT["phone"], CONTACT["email"], CONTACT["name"], "correct horse"):
        assert secret not in text


def test_public_profile_is_the_same_when_signed_in(client: TestClient, member: Account) -> None:
    anonymous = client.get(f"{API}/organizations/{member.id}").json()
    signed_in = client.get(f"{API}/organizations/{member.id}", headers=member.auth).json()
    assert anonymous == signed_in
    assert "contact" not in signed_in


def test_own_profile_includes_contact(client: TestClient, member: Account) -> None:
    response = client.get(f"{API}/organizations/me", headers=member.auth)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["id"] == member.id
    assert data["name"] == member.name
    assert data["credit_code"] == member.credit_code
    assert data["contact"] == CONTACT
    assert "correct horse" not in response.text
    assert not any("password" in key for key in data)


def test_own_profile_without_contact(client: TestClient) -> None:
    account = sign_up(client, "bank")
    response = client.get(f"{API}/organizations/me", headers=account.auth)
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "bank"
    assert response.json()["verified"] is False
    assert response.json().get("contact") is None


def test_own_profile_needs_a_session(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/organizations/me"), 401)
    assert_problem(
        client.get(f"{API}/organizations/me", headers={"Authorization": "Bearer nope"}), 401
    )


def test_unknown_organization_is_404(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/organizations/{uuid.uuid4()}"), 404)
    problem = assert_problem(client.get(f"{API}/organizations/{uuid.uuid4()}", headers=ZH), 404)
    assert is_chinese(problem["detail"])


def test_malformed_organization_id_is_422(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/organizations/not-a-uuid"), 422)


def test_a_posting_id_is_not_an_organization(client: TestClient, member: Account) -> None:
    from tests.support import posting_body

    posting = client.post(f"{API}/postings", json=posting_body(), headers=member.auth).json()
    assert_problem(client.get(f"{API}/organizations/{posting['id']}"), 404)


# Verification ------------------------------------------------------------------------------


def test_operator_verifies_a_bank(
    client: TestClient, services: Services, operator: Account
) -> None:
    bank = sign_up(client, "bank")
    response = client.post(f"{API}/organizations/{bank.id}/verify", headers=operator.auth)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["verified"] is True
    assert data["version"] == 2
    assert data["position"] == head(services)
    profile = client.get(f"{API}/organizations/{bank.id}").json()
    assert profile["verified"] is True
    own = client.get(f"{API}/organizations/me", headers=bank.auth).json()
    assert own["verified"] is True
    assert own["version"] == 2

    with no_new_events(services):
        again = client.post(f"{API}/organizations/{bank.id}/verify", headers=operator.auth)
        assert_problem(again, 409)
        zh = client.post(f"{API}/organizations/{bank.id}/verify", headers={**operator.auth, **ZH})
        assert is_chinese(assert_problem(zh, 409)["detail"])


def test_verifying_an_enterprise_is_409(
    client: TestClient, services: Services, operator: Account, member: Account
) -> None:
    with no_new_events(services):
        response = client.post(f"{API}/organizations/{member.id}/verify", headers=operator.auth)
        assert_problem(response, 409)


def test_verifying_an_unknown_organization_is_404(
    client: TestClient, services: Services, operator: Account
) -> None:
    with no_new_events(services):
        response = client.post(f"{API}/organizations/{uuid.uuid4()}/verify", headers=operator.auth)
        assert_problem(response, 404)


def test_only_operators_verify(
    client: TestClient, services: Services, auditor: Account, member: Account
) -> None:
    bank = sign_up(client, "bank")
    with no_new_events(services):
        assert_problem(client.post(f"{API}/organizations/{bank.id}/verify"), 401)
        for caller in (auditor, member, bank):
            response = client.post(f"{API}/organizations/{bank.id}/verify", headers=caller.auth)
            assert_problem(response, 403)
    assert client.get(f"{API}/organizations/{bank.id}").json()["verified"] is False


# Secrets stay out of the event log -----------------------------------------------------------


def test_passwords_tokens_and_contacts_never_enter_the_event_log(
    client: TestClient, services: Services
) -> None:
    password = "a very particular passphrase 7781"
    contact = {"name": "李四喜", "phone": "13912345678", "email": "li.sixi@example.org"}
    account = sign_up(client, password=password, contact=contact)
    query = SQL("SELECT state FROM {}").format(Identifier(events_table(services)))
    with services.db.connection() as conn:
        rows = conn.execute(query).fetchall()
    log = b"\n".join(bytes(row["state"]) for row in rows)
    for secret in (password, account.token, contact["phone"], contact["email"]):
        assert secret.encode() not in log
    assert contact["name"].encode() not in log
    assert contact["name"].encode("unicode_escape") not in log
