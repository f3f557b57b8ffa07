"""Policy information: publish, revise, withdraw; public search; policies for me with read
marks; the targeting match, enterprises registered later included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events

CST = timezone(timedelta(hours=8))
TODAY = datetime.now(UTC).astimezone(CST).date()


def policy_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "关于进一步支持中小企业数字化转型的通知",
        "body": "对实施数字化改造的中小企业给予补贴。Subsidies for SME digital transformation.",
        "issuer": "工业和信息化部办公厅",
        "document_number": "工信厅企业函〔2020〕72号",
        "topics": ["digitalization"],
        "regions": [],
        "industries": [],
        "url": "https://www.miit.gov.cn/policy/72.html",
    }
    body.update(overrides)
    return body


def publish(client: TestClient, operator: Account, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"{API}/policies", json=policy_body(**overrides), headers=operator.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def listed(client: TestClient, **params: Any) -> list[str]:
    response = client.get(f"{API}/policies", params=params)
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["items"]]


def for_me(client: TestClient, enterprise: Account) -> dict[str, dict[str, Any]]:
    response = client.get(f"{API}/policies/for-me", headers=enterprise.auth)
    assert response.status_code == 200, response.text
    return {p["id"]: p for p in response.json()["items"]}


def test_operator_publishes_and_anyone_reads(client: TestClient, operator: Account) -> None:
    created = publish(client, operator, industries=["c39"], regions=["33"])
    assert created["version"] == 1 and created["position"] > 0
    assert created["industries"] == ["C39"] and created["status"] == "published"
    read = client.get(f"{API}/policies/{created['id']}")
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["document_number"] == "工信厅企业函〔2020〕72号"
    assert body["publisher"]["id"] == operator.id and body["regions"] == ["33"]


def test_search_by_chinese_and_english_text_topic_region_and_industry(
    client: TestClient, operator: Account
) -> None:
    tax = publish(
        client,
        operator,
        title="小微企业增值税减免政策",
        body="Value-added tax relief for small businesses.",
        topics=["fiscal_tax"],
        regions=["3301"],
        industries=["C39"],
    )
    credit = publish(
        client,
        operator,
        title="普惠小微贷款支持工具",
        body="Inclusive credit support for micro enterprises.",
        topics=["finance"],
        regions=["44"],
    )
    assert tax["id"] in listed(client, q="增值税")
    assert credit["id"] not in listed(client, q="增值税")
    assert tax["id"] in listed(client, q="taxes")
    assert credit["id"] in listed(client, topic="finance")
    assert tax["id"] not in listed(client, topic="finance")
    assert tax["id"] in listed(client, region="330106")  # applies in a county of Hangzhou
    assert tax["id"] in listed(client, region="33")  # somewhere in Zhejiang
    assert tax["id"] not in listed(client, region="440300")
    assert credit["id"] in listed(client, region="440300")
    assert tax["id"] not in listed(client, industry="C13")
    assert credit["id"] in listed(client, industry="C13")  # all industries


def test_in_force_by_validity_dates_and_withdrawal(client: TestClient, operator: Account) -> None:
    future = publish(client, operator, effective_from=str(TODAY + timedelta(days=3)))
    expired = publish(client, operator, effective_until=str(TODAY - timedelta(days=1)))
    current = publish(client, operator, effective_until=str(TODAY))
    active = listed(client, limit=200)
    assert current["id"] in active
    assert future["id"] not in active and expired["id"] not in active
    assert {future["id"], expired["id"]} <= set(listed(client, active="false", limit=200))
    withdrawn = client.post(f"{API}/policies/{current['id']}/withdraw", headers=operator.auth)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn" and withdrawn.json()["version"] == 2
    assert current["id"] not in listed(client, limit=200)
    again = client.post(f"{API}/policies/{current['id']}/withdraw", headers=operator.auth)
    assert_problem(again, 409)


def test_a_revision_that_changes_nothing_is_409_and_writes_nothing(
    client: TestClient, operator: Account, services: Services
) -> None:
    policy = publish(client, operator)
    url = f"{API}/policies/{policy['id']}"
    with no_new_events(services):
        assert_problem(client.patch(url, json={}, headers=operator.auth), 409)
        same = client.patch(url, json={"title": policy["title"]}, headers=operator.auth)
        assert_problem(same, 409)


def test_revise_changes_given_fields_and_search(client: TestClient, operator: Account) -> None:
    policy = publish(client, operator, title="稳岗返还政策", topics=["employment"])
    revised = client.patch(
        f"{API}/policies/{policy['id']}",
        json={"title": "失业保险稳岗返还", "topics": ["social_security"]},
        headers={**operator.auth, "If-Match": "1"},
    )
    assert revised.status_code == 200, revised.text
    data = revised.json()
    assert data["title"] == "失业保险稳岗返还" and data["topics"] == ["social_security"]
    assert data["issuer"] == policy["issuer"] and data["version"] == 2
    assert policy["id"] in listed(client, q="失业保险")
    stale = client.patch(
        f"{API}/policies/{policy['id']}",
        json={"title": "x"},
        headers={**operator.auth, "If-Match": "1"},
    )
    assert_problem(stale, 412)


def test_policies_for_me_follow_targeting_with_read_marks(
    client: TestClient, operator: Account
) -> None:
    hangzhou = sign_up(client, region="330106", industry="C39")
    shenzhen = sign_up(client, region="440305", industry="I65")
    zhejiang = publish(client, operator, regions=["33"])
    software = publish(client, operator, industries=["I65"])
    everyone = publish(client, operator)
    mine = for_me(client, hangzhou)
    assert {zhejiang["id"], everyone["id"]} <= set(mine) and software["id"] not in mine
    theirs = for_me(client, shenzhen)
    assert {software["id"], everyone["id"]} <= set(theirs) and zhejiang["id"] not in theirs
    assert not mine[zhejiang["id"]]["read"]
    ids = list(mine)
    assert ids.index(everyone["id"]) < ids.index(zhejiang["id"])  # newest first
    assert client.get(f"{API}/policies/{zhejiang['id']}", headers=hangzhou.auth).is_success
    again = for_me(client, hangzhou)
    assert again[zhejiang["id"]]["read"] and not again[everyone["id"]]["read"]


def test_targeting_match_includes_enterprises_registered_later(
    client: TestClient, services: Services, operator: Account
) -> None:
    policy = publish(client, operator, regions=["5101"], industries=["C27"])
    before = sign_up(client, region="510104", industry="C27")
    elsewhere = sign_up(client, region="510104", industry="C39")
    listed(client)  # waits for the views to reach the registrations
    later = sign_up(client, region="510107", industry="C27")
    listed(client)
    concerned = services.queries.policies.targeted_enterprises(UUID(policy["id"]))
    assert {UUID(before.id), UUID(later.id)} <= set(concerned)
    assert UUID(elsewhere.id) not in concerned
    client.post(f"{API}/policies/{policy['id']}/withdraw", headers=operator.auth)
    listed(client)
    assert services.queries.policies.targeted_enterprises(UUID(policy["id"])) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"topics": []}, "topics"),
        ({"topics": ["weather"]}, "topics"),
        ({"regions": ["99"]}, "regions"),
        ({"industries": ["Z99"]}, "industries"),
        ({"url": "ftp://example.com/x"}, "url"),
        ({"effective_from": "2026-05-01", "effective_until": "2026-04-01"}, "effective_until"),
        ({"effective_until": "2100-01-01"}, "effective_until"),
        ({"body": "a\u0000b"}, "body"),
    ],
)
def test_bad_input_is_a_field_named_422_and_writes_nothing(
    client: TestClient,
    services: Services,
    operator: Account,
    overrides: dict[str, Any],
    field: str,
) -> None:
    with no_new_events(services):
        response = client.post(
            f"{API}/policies", json=policy_body(**overrides), headers={**operator.auth, **ZH}
        )
    body = assert_problem(response, 422)
    assert any(field in e["field"] for e in body["errors"]), body
    assert is_chinese(body["errors"][0]["message"])


def test_null_for_a_required_field_in_a_revision_is_422(
    client: TestClient, services: Services, operator: Account
) -> None:
    policy = publish(client, operator)
    with no_new_events(services):
        response = client.patch(
            f"{API}/policies/{policy['id']}", json={"title": None}, headers=operator.auth
        )
    body = assert_problem(response, 422)
    assert any("title" in e["field"] for e in body["errors"]), body


def test_only_operators_write_and_only_enterprises_read_for_me(
    client: TestClient, services: Services, operator: Account, enterprise: Account
) -> None:
    policy = publish(client, operator)
    bank = sign_up(client, kind="bank")
    with no_new_events(services):
        for headers, status in [({}, 401), (enterprise.auth, 403), (bank.auth, 403)]:
            created = client.post(f"{API}/policies", json=policy_body(), headers=headers)
            assert_problem(created, status)
            patched = client.patch(
                f"{API}/policies/{policy['id']}", json={"title": "x"}, headers=headers
            )
            assert_problem(patched, status)
            withdrawn = client.post(f"{API}/policies/{policy['id']}/withdraw", headers=headers)
            assert_problem(withdrawn, status)
    assert_problem(client.get(f"{API}/policies/for-me"), 401)
    assert_problem(client.get(f"{API}/policies/for-me", headers=operator.auth), 403)
    assert_problem(client.get(f"{API}/policies/{UUID(int=7)}"), 404)


def test_operators_preview_how_many_enterprises_a_targeting_concerns(
    client: TestClient, services: Services, operator: Account
) -> None:
    """`GET /policies/preview-targets` (an addition): the targeting rule, before publishing."""
    tag = sign_up(client, region="469030", industry="C13")  # nobody else in 4690
    sign_up(client, region="469030", industry="C14")

    def preview(**params: Any) -> int:
        response = client.get(
            f"{API}/policies/preview-targets", params=params, headers=operator.auth
        )
        assert response.status_code == 200, response.text
        enterprises: int = response.json()["enterprises"]
        return enterprises

    everyone = preview()
    assert everyone >= 2
    assert preview(regions=["4690"]) == 2
    assert preview(regions=["4690"], industries=["C13"]) == 1
    assert preview(regions=["4690", "11"], industries=["c13", "C14"]) == 2
    assert preview(industries=["C13"]) <= everyone
    with no_new_events(services):
        for params, field in [
            ({"regions": ["4x"]}, "regions.0"),
            ({"industries": ["Z99"]}, "industries.0"),
        ]:
            response = client.get(
                f"{API}/policies/preview-targets", params=params, headers=operator.auth
            )
            assert_problem(response, 422, field=field)
    assert_problem(client.get(f"{API}/policies/preview-targets", headers=tag.auth), 403)
    assert_problem(client.get(f"{API}/policies/preview-targets"), 401)
