"""Conventions of the whole API: problem details, languages, body limit, version/position,
read-your-writes with min_position, Idempotency-Key, cursors."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.helpers import (
    API,
    ZH,
    assert_problem,
    bid,
    head,
    is_chinese,
    list_postings,
    listed_ids,
    no_new_events,
    publish,
)
from tests.support import bid_body, organization_body, posting_body

MIB = 1024 * 1024


@pytest.fixture
def short_wait(services: Services) -> Iterator[float]:
    """Makes `min_position` give up after half a second instead of five."""
    saved = services.settings.read_wait_seconds
    services.settings.read_wait_seconds = 0.5
    try:
        yield 0.5
    finally:
        services.settings.read_wait_seconds = saved


# Problem details ---------------------------------------------------------------------------


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    assert_problem(client.get(f"{API}/no-such-thing"), 404)


def test_problem_details_for_each_status(
    client: TestClient, services: Services, owner: Account, bidder: Account
) -> None:
    posting = publish(client, owner)
    url = f"{API}/postings/{posting['id']}"
    with no_new_events(services):
        assert_problem(client.post(f"{API}/postings", json=posting_body()), 401)
        assert_problem(client.patch(url, json={"title": "x"}, headers=bidder.auth), 403)
        assert_problem(client.get(f"{API}/postings/{uuid.uuid4()}"), 404)
        assert_problem(
            client.patch(url, json={"title": "x"}, headers={**owner.auth, "If-Match": "9"}), 412
        )
        assert_problem(client.post(f"{url}/bids", json=bid_body(), headers=owner.auth), 403)
        body = assert_problem(
            client.post(f"{API}/postings", json=posting_body(quantity="-1"), headers=owner.auth),
            422,
            field="quantity",
        )
    assert body["errors"][0]["message"]
    withdrawn = client.post(f"{url}/withdraw", headers=owner.auth)
    assert withdrawn.status_code == 200
    with no_new_events(services):
        problem = assert_problem(client.post(f"{url}/withdraw", headers=owner.auth), 409)
    assert "withdrawn" in problem["detail"]


def test_details_in_chinese_and_english(
    client: TestClient, owner: Account, bidder: Account
) -> None:
    posting = publish(client, owner)
    url = f"{API}/postings/{posting['id']}"
    requests: list[tuple[str, str, dict[str, Any], dict[str, str], int]] = [
        ("POST", f"{API}/postings", posting_body(), {}, 401),
        ("PATCH", url, {"title": "x"}, bidder.auth, 403),
        ("GET", f"{API}/postings/{uuid.uuid4()}", {}, {}, 404),
        ("PATCH", url, {"title": "x"}, {**owner.auth, "If-Match": "9"}, 412),
        ("POST", f"{API}/postings", posting_body(region="990106"), owner.auth, 422),
    ]
    for method, path, body, headers, status in requests:
        kwargs: dict[str, Any] = {"json": body} if method != "GET" else {}
        english = client.request(method, path, headers=headers, **kwargs)
        chinese = client.request(method, path, headers={**headers, **ZH}, **kwargs)
        en = assert_problem(english, status)
        zh = assert_problem(chinese, status)
        assert not is_chinese(en["detail"]), en
        assert is_chinese(zh["detail"]), zh
        assert en["status"] == zh["status"]
    full = client.get(
        f"{API}/organizations/me", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    )
    assert is_chinese(assert_problem(full, 401)["detail"])


# Body limit --------------------------------------------------------------------------------


def test_two_megabyte_bodies_are_413(
    client: TestClient, services: Services, owner: Account
) -> None:
    big_posting = posting_body(description="x" * (2 * MIB))
    big_org = organization_body(name="x" * (2 * MIB))
    posting = publish(client, owner)
    with no_new_events(services):
        assert_problem(client.post(f"{API}/postings", json=big_posting, headers=owner.auth), 413)
        assert_problem(client.post(f"{API}/organizations", json=big_org), 413)
        patch = client.patch(
            f"{API}/postings/{posting['id']}",
            json={"description": "x" * (2 * MIB)},
            headers=owner.auth,
        )
        assert_problem(patch, 413)
        # Without a Content-Length header (chunked), the limit holds as well.
        chunks = (b"x" * 65536 for _ in range(32))
        chunked = client.post(
            f"{API}/postings",
            content=chunks,
            headers={**owner.auth, "Content-Type": "application/json"},
        )
        assert_problem(chunked, 413)
        zh = client.post(f"{API}/organizations", json=big_org, headers=ZH)
        assert is_chinese(assert_problem(zh, 413)["detail"])


def test_a_body_just_under_the_limit_is_read(
    client: TestClient, services: Services, owner: Account
) -> None:
    body = posting_body(description="")
    padding = MIB - len(json.dumps(body).encode()) - 100
    body["description"] = "x" * padding
    content = json.dumps(body).encode()
    assert len(content) < MIB
    with no_new_events(services):
        response = client.post(
            f"{API}/postings",
            content=content,
            headers={**owner.auth, "Content-Type": "application/json"},
        )
        # Read and validated (the description is too long), not refused for its size.
        assert_problem(response, 422, field="description")


# version and position ----------------------------------------------------------------------


def test_mutating_responses_carry_version_and_position(
    client: TestClient, services: Services, operator: Account
) -> None:
    positions: list[int] = []

    def check(response: Any, status: int, version: int) -> dict[str, Any]:
        assert response.status_code == status, response.text
        data: dict[str, Any] = response.json()
        assert isinstance(data["position"], int), data
        assert data["position"] == head(services)
        if version:
            assert data["version"] == version, data
        positions.append(data["position"])
        return data

    org = organization_body()
    created = check(client.post(f"{API}/organizations", json=org), 201, 1)
    owner = sign_up(client)
    seller = sign_up(client)
    loser = sign_up(client)
    bank_body = organization_body("bank")
    bank = check(client.post(f"{API}/organizations", json=bank_body), 201, 1)
    check(client.post(f"{API}/organizations/{bank['id']}/verify", headers=operator.auth), 200, 2)
    posting = check(client.post(f"{API}/postings", json=posting_body(), headers=owner.auth), 201, 1)
    url = f"{API}/postings/{posting['id']}"
    check(client.patch(url, json={"title": "采购冷轧钢板"}, headers=owner.auth), 200, 2)
    first = check(client.post(f"{url}/bids", json=bid_body(), headers=seller.auth), 201, 3)
    check(client.post(f"{url}/bids/{first['id']}/withdraw", headers=seller.auth), 200, 4)
    second = check(client.post(f"{url}/bids", json=bid_body(), headers=seller.auth), 201, 5)
    third = check(client.post(f"{url}/bids", json=bid_body(), headers=loser.auth), 201, 6)
    check(client.post(f"{url}/bids/{third['id']}/reject", headers=owner.auth), 200, 7)
    accepted = check(client.post(f"{url}/bids/{second['id']}/accept", headers=owner.auth), 201, 0)
    assert accepted["version"] == 8
    other = check(client.post(f"{API}/postings", json=posting_body(), headers=owner.auth), 201, 1)
    check(client.post(f"{API}/postings/{other['id']}/withdraw", headers=owner.auth), 200, 2)
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert created["id"]


# min_position ------------------------------------------------------------------------------


def test_min_position_reads_your_writes(
    client: TestClient, owner: Account, bidder: Account
) -> None:
    posting = publish(client, owner, title="读己之写测试")
    position = posting["position"]
    assert posting["id"] in listed_ids(client, owner=owner.id, min_position=position)
    assert posting["id"] in listed_ids(client, q="读己之写", min_position=position)
    one = client.get(f"{API}/postings/{posting['id']}", params={"min_position": position})
    assert one.status_code == 200, one.text

    placed = bid(client, bidder, posting["id"])
    after_bid = client.get(
        f"{API}/postings/{posting['id']}", params={"min_position": placed["position"]}
    )
    assert after_bid.json()["bid_count"] == 1
    bids = client.get(
        f"{API}/postings/{posting['id']}/bids",
        params={"min_position": placed["position"]},
        headers=owner.auth,
    )
    assert [b["id"] for b in bids.json()["items"]] == [placed["id"]]

    withdrawn = client.post(
        f"{API}/postings/{posting['id']}/bids/{placed['id']}/withdraw", headers=bidder.auth
    )
    gone = client.get(
        f"{API}/postings/{posting['id']}", params={"min_position": withdrawn.json()["position"]}
    )
    assert gone.json()["bid_count"] == 0


def test_min_position_zero_and_past_answer_at_once(client: TestClient, owner: Account) -> None:
    publish(client, owner)
    for position in (0, 1):
        started = time.monotonic()
        response = client.get(f"{API}/postings", params={"min_position": position})
        assert response.status_code == 200, response.text
        assert time.monotonic() - started < 2


def test_min_position_in_the_future_is_503(
    client: TestClient, services: Services, owner: Account, short_wait: float
) -> None:
    posting = publish(client, owner)
    future = head(services) + 1_000_000
    for path, headers in [
        (f"{API}/postings", {}),
        (f"{API}/postings/{posting['id']}", {}),
        (f"{API}/postings/{posting['id']}/bids", owner.auth),
    ]:
        started = time.monotonic()
        response = client.get(path, params={"min_position": future}, headers=headers)
        elapsed = time.monotonic() - started
        assert_problem(response, 503)
        assert response.headers.get("retry-after", "").isdigit(), response.headers
        assert short_wait * 0.9 <= elapsed < short_wait + 3, elapsed
    zh = client.get(f"{API}/postings", params={"min_position": future}, headers=ZH)
    assert is_chinese(assert_problem(zh, 503)["detail"])


def test_malformed_min_position_is_422(client: TestClient) -> None:
    for value in ("-1", "soon", "1.5"):
        response = client.get(f"{API}/postings", params={"min_position": value})
        assert_problem(response, 422, field="min_position")


# Idempotency-Key ---------------------------------------------------------------------------


def test_idempotent_repeat_returns_the_first_response(
    client: TestClient, services: Services, owner: Account
) -> None:
    body = posting_body(title="幂等键测试")
    headers = {**owner.auth, "Idempotency-Key": f"key-{uuid.uuid4()}"}
    first = client.post(f"{API}/postings", json=body, headers=headers)
    assert first.status_code == 201, first.text
    with no_new_events(services):
        second = client.post(f"{API}/postings", json=body, headers=headers)
        third = client.post(f"{API}/postings", json=body, headers=headers)
    for repeat in (second, third):
        assert repeat.status_code == 201, repeat.text
        assert repeat.json() == first.json()
        assert repeat.headers["content-type"].startswith("application/json")
    ids = listed_ids(client, owner=owner.id, q="幂等键测试", status="all")
    assert ids == [first.json()["id"]]


def test_idempotency_key_with_a_different_body_is_422(
    client: TestClient, services: Services, owner: Account
) -> None:
    headers = {**owner.auth, "Idempotency-Key": f"key-{uuid.uuid4()}"}
    first = client.post(f"{API}/postings", json=posting_body(title="第一次"), headers=headers)
    assert first.status_code == 201, first.text
    with no_new_events(services):
        changed = client.post(f"{API}/postings", json=posting_body(title="第二次"), headers=headers)
        assert_problem(changed, 422, field="Idempotency-Key")
        zh = client.post(
            f"{API}/postings", json=posting_body(title="第二次"), headers={**headers, **ZH}
        )
        assert is_chinese(assert_problem(zh, 422)["detail"])
    # The same key on another path is another key (scoped to caller, method and path):
    # tests/api/test_idempotency.py.


def test_idempotency_keys_are_per_caller(
    client: TestClient, owner: Account, bidder: Account
) -> None:
    key = f"shared-{uuid.uuid4()}"
    body = posting_body(title="各自的键")
    mine = client.post(f"{API}/postings", json=body, headers={**owner.auth, "Idempotency-Key": key})
    theirs = client.post(
        f"{API}/postings", json=body, headers={**bidder.auth, "Idempotency-Key": key}
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs.json()["owner"]["id"] == bidder.id


def test_idempotent_registration_and_bid(
    client: TestClient, services: Services, owner: Account, bidder: Account
) -> None:
    body = organization_body()
    headers = {"Idempotency-Key": f"register-{uuid.uuid4()}"}
    first = client.post(f"{API}/organizations", json=body, headers=headers)
    assert first.status_code == 201, first.text
    with no_new_events(services):
        repeat = client.post(f"{API}/organizations", json=body, headers=headers)
    assert repeat.status_code == 201, repeat.text  # not 409: the repeat is answered, not re-run
    assert repeat.json() == first.json()

    posting = publish(client, owner)
    bid_headers = {**bidder.auth, "Idempotency-Key": f"bid-{uuid.uuid4()}"}
    url = f"{API}/postings/{posting['id']}/bids"
    placed = client.post(url, json=bid_body(), headers=bid_headers)
    assert placed.status_code == 201, placed.text
    with no_new_events(services):
        again = client.post(url, json=bid_body(), headers=bid_headers)
    assert again.status_code == 201  # not "second active bid"
    assert again.json() == placed.json()


def test_idempotent_repeat_of_a_refusal(
    client: TestClient, services: Services, owner: Account
) -> None:
    headers = {**owner.auth, "Idempotency-Key": f"bad-{uuid.uuid4()}"}
    body = posting_body(quantity="0")
    with no_new_events(services):
        first = client.post(f"{API}/postings", json=body, headers=headers)
        second = client.post(f"{API}/postings", json=body, headers=headers)
    assert_problem(first, 422, field="quantity")
    assert_problem(second, 422, field="quantity")
    assert second.json() == first.json()


# Cursors -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paged_owner(client: TestClient) -> tuple[Account, list[str]]:
    """An enterprise with seven postings; their ids newest first."""
    account = sign_up(client)
    ids = [publish(client, account, title=f"分页测试 {i}")["id"] for i in range(7)]
    return account, ids[::-1]


@pytest.mark.parametrize("limit", [1, 2, 3, 6, 7])
def test_paging_through_with_cursors(
    client: TestClient, paged_owner: tuple[Account, list[str]], limit: int
) -> None:
    account, expected = paged_owner
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"owner": account.id, "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        page = list_postings(client, **params)
        pages += 1
        assert len(page["items"]) <= limit
        seen.extend(p["id"] for p in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str) and cursor
        assert len(page["items"]) == limit
        assert pages <= len(expected)
    assert seen == expected  # newest first, no duplicates, no gaps
    assert pages == -(-len(expected) // limit)


def test_last_full_page_has_no_next_cursor(
    client: TestClient, paged_owner: tuple[Account, list[str]]
) -> None:
    account, expected = paged_owner
    page = list_postings(client, owner=account.id, limit=len(expected))
    assert [p["id"] for p in page["items"]] == expected
    assert page["next_cursor"] is None
    page = list_postings(client, owner=account.id, limit=200)
    assert page["next_cursor"] is None


def test_cursor_with_filters(client: TestClient, paged_owner: tuple[Account, list[str]]) -> None:
    account, expected = paged_owner
    first = list_postings(client, owner=account.id, q="分页测试", limit=4)
    assert [p["id"] for p in first["items"]] == expected[:4]
    second = list_postings(
        client, owner=account.id, q="分页测试", limit=4, cursor=first["next_cursor"]
    )
    assert [p["id"] for p in second["items"]] == expected[4:]
    assert second["next_cursor"] is None


def test_new_postings_do_not_shift_later_pages(
    client: TestClient, paged_owner: tuple[Account, list[str]]
) -> None:
    account, expected = paged_owner
    first = list_postings(client, owner=account.id, limit=3)
    newer = publish(client, account, title="分页之后发布")
    rest = list_postings(client, owner=account.id, limit=10, cursor=first["next_cursor"])
    assert [p["id"] for p in rest["items"]] == expected[3:]
    assert newer["id"] not in [p["id"] for p in rest["items"]]
    client.post(f"{API}/postings/{newer['id']}/withdraw", headers=account.auth)


def test_default_limit_is_50(client: TestClient) -> None:
    account = sign_up(client)
    for i in range(51):
        publish(client, account, title=f"默认分页 {i}")
    page = list_postings(client, owner=account.id)
    assert len(page["items"]) == 50
    assert page["next_cursor"] is not None
    rest = list_postings(client, owner=account.id, cursor=page["next_cursor"])
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    assert len(list_postings(client, owner=account.id, limit=200)["items"]) == 51


@pytest.mark.parametrize("cursor", ["garbage!!", "bm9wZQ", "cGFnZQ", "", "%%%"])
def test_bad_cursor_is_422(client: TestClient, cursor: str) -> None:
    response = client.get(f"{API}/postings", params={"cursor": cursor})
    assert_problem(response, 422, field="cursor")


@pytest.mark.parametrize("limit", ["0", "-5", "201", "1000", "many"])
def test_bad_limit_is_422(client: TestClient, limit: str) -> None:
    assert_problem(client.get(f"{API}/postings", params={"limit": limit}), 422, field="limit")


def test_limit_200_is_allowed(client: TestClient) -> None:
    assert client.get(f"{API}/postings", params={"limit": 200}).status_code == 200


# OpenAPI -----------------------------------------------------------------------------------


def test_openapi_publishes_the_routes(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/organizations",
        "/api/v1/organizations/me",
        "/api/v1/organizations/{organization_id}",
        "/api/v1/organizations/{organization_id}/verify",
        "/api/v1/sessions",
        "/api/v1/sessions/current",
        "/api/v1/postings",
        "/api/v1/postings/{posting_id}",
        "/api/v1/postings/{posting_id}/withdraw",
        "/api/v1/postings/{posting_id}/bids",
        "/api/v1/postings/{posting_id}/bids/{bid_id}/withdraw",
        "/api/v1/postings/{posting_id}/bids/{bid_id}/reject",
        "/api/v1/postings/{posting_id}/bids/{bid_id}/accept",
    ):
        assert path in paths, path
