"""Saved searches (API.md, "Workbench"): an enterprise saves `GET /postings` filters, at most
20; a newly published posting that matches one puts `posting_matches_subscription` in its
inbox, by the same rules as the listing filters, never for its own postings; a rebuild of the
notifications view keeps them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from projections.rebuild import rebuild
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, ZH, assert_problem, is_chinese, listed_ids, no_new_events
from tests.api.helpers import publish as publish_posting
from tests.api.test_notifications import of_kind
from tests.concurrency import responses_at_once

SUBS = f"{API}/subscriptions"
KIND = "posting_matches_subscription"


def save(client: TestClient, account: Account, **filters: Any) -> dict[str, Any]:
    response = client.post(SUBS, json=filters, headers=account.auth)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def saved(client: TestClient, account: Account) -> list[dict[str, Any]]:
    response = client.get(SUBS, headers=account.auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def matched(client: TestClient, account: Account) -> list[str]:
    return [n["subject"]["id"] for n in of_kind(client, account, KIND)]


def test_save_list_and_delete(client: TestClient) -> None:
    firm = sign_up(client)
    search = save(client, firm, side="supply", category="C31", region="33", q="不锈钢",
                  price_max="15000")  # fmt: skip
    assert search.pop("version") == 2 and search.pop("position") > 0
    assert search == {"id": search["id"], "side": "supply", "category": "C31", "region": "33",
                      "q": "不锈钢", "price_max": "15000"}  # fmt: skip
    only_q = save(client, firm, q="浙江 钢板")  # a province named in q is its region, as listed
    assert (only_q["region"], only_q["q"], only_q["version"]) == ("33", "钢板", 3)
    assert [s["id"] for s in saved(client, firm)] == [search["id"], only_q["id"]]
    assert client.delete(f"{SUBS}/{search['id']}", headers=firm.auth).status_code == 204
    assert [s["id"] for s in saved(client, firm)] == [only_q["id"]]
    assert_problem(client.delete(f"{SUBS}/{search['id']}", headers=firm.auth), 404)
    assert saved(client, sign_up(client)) == []


def test_bad_filters_are_field_named_422s_and_write_nothing(
    client: TestClient, services: Services
) -> None:
    firm = sign_up(client)
    with no_new_events(services):
        for body, field in [
            ({}, "side"),
            ({"q": "  "}, "side"),
            ({"region": "3x"}, "region"),
            ({"category": "Z99"}, "category"),
            ({"side": "both"}, "side"),
            ({"price_max": "-1"}, "price_max"),
            ({"q": "钢", "colour": "red"}, "colour"),
        ]:
            body_zh = assert_problem(client.post(SUBS, json=body, headers={**firm.auth, **ZH}),
                                     422, field=field)  # fmt: skip
            assert is_chinese(body_zh["detail"]), body_zh
    assert saved(client, firm) == []


def test_only_enterprises_and_only_their_own(
    client: TestClient, operator: Account, services: Services
) -> None:
    firm, other = sign_up(client), sign_up(client)
    search = save(client, firm, q="钢板")
    with no_new_events(services):
        assert_problem(client.post(SUBS, json={"q": "钢板"}, headers=operator.auth), 403)
        assert_problem(client.get(SUBS, headers=operator.auth), 403)
        assert_problem(client.delete(f"{SUBS}/{search['id']}", headers=other.auth), 404)
        assert_problem(client.post(SUBS, json={"q": "钢板"}), 401)
    assert [s["id"] for s in saved(client, firm)] == [search["id"]]


def test_at_most_twenty_per_organization(client: TestClient, services: Services) -> None:
    firm = sign_up(client)
    searches = [save(client, firm, q=f"钢板 {n}") for n in range(20)]
    with no_new_events(services):
        assert_problem(client.post(SUBS, json={"q": "再来一个"}, headers=firm.auth), 409)
    client.delete(f"{SUBS}/{searches[0]['id']}", headers=firm.auth)
    save(client, firm, q="再来一个")
    assert len(saved(client, firm)) == 20


def test_concurrent_saves_never_pass_twenty(client: TestClient) -> None:
    """The first saves open the organization's saved searches at once; the limit holds."""
    firm = sign_up(client)
    calls = [
        lambda n=n: client.post(SUBS, json={"q": f"钢板 {n}"}, headers=firm.auth) for n in range(24)
    ]
    codes = sorted(r.status_code for r in responses_at_once(calls))
    assert codes == [201] * 20 + [409] * 4
    assert len(saved(client, firm)) == 20


def test_a_new_posting_notifies_the_matching_subscribers_as_listings_filter(
    client: TestClient,
) -> None:
    seller, buyer, steel, cheap, hangzhou, other, late = (sign_up(client) for _ in range(7))
    save(client, seller, side="supply", category="C31")  # its own posting: never notified
    save(client, buyer, side="supply", category="C31")
    save(client, steel, q="stainless steels")  # stemmed, as the listing search
    save(client, steel, q="不锈钢")  # two matching searches: still one notification
    save(client, cheap, price_max="12000")
    save(client, hangzhou, region="3301")
    save(client, other, side="demand", region="44")
    save(client, other, q="铝合金型材")
    deleted = save(client, late, category="C31")
    client.delete(f"{SUBS}/{deleted['id']}", headers=late.auth)

    posting = publish_posting(client, seller, side="supply", title="304不锈钢冷轧板材",
                              price_min="11000", price_max="13000")  # fmt: skip
    expected = [(buyer, True), (steel, True), (cheap, True), (hangzhou, True), (other, False),
                (seller, False), (late, False)]  # fmt: skip
    for account, wanted in expected:
        assert matched(client, account) == ([posting["id"]] if wanted else []), account.name
    for listing, wanted in [  # the same rules as GET /postings
        ({"side": "supply", "category": "C31"}, True),
        ({"q": "stainless steels"}, True),
        ({"price_max": "12000"}, True),
        ({"region": "3301"}, True),
        ({"side": "demand", "region": "44"}, False),
        ({"q": "铝合金型材"}, False),
    ]:
        assert (posting["id"] in listed_ids(client, **listing)) == wanted, listing
    [note] = of_kind(client, buyer, KIND)
    assert note["title"] == {"zh": "订阅的新信息：304不锈钢冷轧板材",
                             "en": "Matches your subscription: 304不锈钢冷轧板材"}  # fmt: skip
    assert note["subject"] == {"type": "posting", "id": posting["id"]}
    assert not note["action_required"]

    dear = publish_posting(client, seller, side="supply", title="铝合金型材",
                           price_min="20000", price_max="30000", region="440305")  # fmt: skip
    assert matched(client, cheap) == [posting["id"]]  # 20000 is above its 12000
    assert matched(client, hangzhou) == [posting["id"]]
    assert matched(client, other) == [dear["id"]]  # its q; its demand search does not match


def test_a_rebuild_keeps_the_subscription_notifications(
    client: TestClient, services: Services
) -> None:
    seller, buyer = sign_up(client), sign_up(client)
    save(client, buyer, q="不锈钢")
    gone = save(client, buyer, category="C31")
    first = publish_posting(client, seller, title="不锈钢卷材")
    client.delete(f"{SUBS}/{gone['id']}", headers=buyer.auth)
    second = publish_posting(client, seller, title="碳钢管件")  # matched only by the deleted one
    before = of_kind(client, buyer, KIND)
    assert [n["subject"]["id"] for n in before] == [first["id"]]
    rebuild(services.app, services.url, [services.views.notifications])
    assert of_kind(client, buyer, KIND) == before
    third = publish_posting(client, seller, title="不锈钢管")  # the view goes on after it
    assert matched(client, buyer) == [third["id"], first["id"]]
    assert second["id"] not in matched(client, buyer)
