"""Searching postings (`GET /postings?q=`): what people type finds what they mean, newest first
as every list, or with `sort=relevance` close matches first (`projections/listing_search.py`)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from projections import listing_search
from tests.api.conftest import Account, sign_up
from tests.api.helpers import API, assert_problem, list_postings, listed_ids, publish

# Published oldest first: the best match is the oldest, so only ranking puts it first.
RANKED_ZH = [
    ("phrase in the title", "不锈钢板 现货出售", "规格齐全。"),
    ("every term in the title", "不锈钢 冷轧薄钢板", "规格齐全。"),
    ("every term in the description", "冷轧卷材", "材质为不锈钢板，厚度 2mm。"),
    ("characters scattered", "304不锈钢冷轧板材", "规格齐全。"),
]
RANKED_EN = [
    ("phrase in the title", "Stainless steel sheets", "Cold rolled."),
    ("every word in the title", "Steel pipes, stainless", "Seamless."),
    ("every word in the description", "Cold rolled coil", "Made of stainless steel."),
]


@pytest.fixture
def owner(client: TestClient) -> Account:
    return sign_up(client)


def _publish(client: TestClient, owner: Account, titles: list[tuple[str, str, str]]) -> list[str]:
    return [publish(client, owner, title=t, description=d)["id"] for _, t, d in titles]


def test_words_split_by_other_characters_in_the_title_are_found(
    client: TestClient, owner: Account
) -> None:
    found = publish(client, owner, title="304不锈钢冷轧板材", description="厂家直销。")["id"]
    publish(client, owner, title="铝合金型材", description="厂家直销。")
    for q in ("钢板", "不锈钢板", "不锈钢", "冷轧", "板材"):
        assert listed_ids(client, owner=owner.id, q=q) == [found], q


@pytest.mark.parametrize(("q", "title"), [("stainless steel", 0), ("battery", 1)])
def test_english_words_are_found(client: TestClient, owner: Account, q: str, title: int) -> None:
    titles = ["304 Stainless Steel coil", "Lithium battery packs", "Organic green tea"]
    ids = [publish(client, owner, title=t, description="In stock.")["id"] for t in titles]
    assert listed_ids(client, owner=owner.id, q=q) == [ids[title]]


@pytest.mark.parametrize(
    ("q", "postings"), [("不锈钢板", RANKED_ZH), ("stainless steel", RANKED_EN)]
)
def test_close_matches_come_first_whatever_their_age(
    client: TestClient, owner: Account, q: str, postings: list[tuple[str, str, str]]
) -> None:
    ids = _publish(client, owner, postings)
    assert listed_ids(client, owner=owner.id, q=q, sort="relevance") == ids


@pytest.mark.parametrize(
    ("q", "postings"), [("不锈钢板", RANKED_ZH), ("stainless steel", RANKED_EN)]
)
def test_without_sort_matches_are_listed_newest_first_as_the_contract_says(
    client: TestClient, owner: Account, q: str, postings: list[tuple[str, str, str]]
) -> None:
    ids = _publish(client, owner, postings)
    assert listed_ids(client, owner=owner.id, q=q) == ids[::-1]
    assert listed_ids(client, owner=owner.id, q=q, sort="newest") == ids[::-1]
    first = list_postings(client, owner=owner.id, q=q, limit=1)
    rest = list_postings(client, owner=owner.id, q=q, cursor=first["next_cursor"])
    assert [p["id"] for p in first["items"] + rest["items"]] == ids[::-1]


def test_an_unknown_sort_is_422(client: TestClient) -> None:
    response = client.get(f"{API}/postings", params={"q": "钢板", "sort": "cheapest"})
    assert_problem(response, 422, field="sort")


def test_newest_first_among_equally_close_matches(client: TestClient, owner: Account) -> None:
    older, newer = (publish(client, owner, title="热轧钢板")["id"] for _ in range(2))
    scattered = publish(client, owner, title="钢材与板材")["id"]
    assert listed_ids(client, owner=owner.id, q="钢板", sort="relevance") == [
        newer,
        older,
        scattered,
    ]


def test_pages_follow_the_ranking(client: TestClient, owner: Account) -> None:
    ids = _publish(client, owner, RANKED_ZH)
    ids[:0] = reversed(_publish(client, owner, [RANKED_ZH[0]] * 2))  # three in the first tier
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {
            "owner": owner.id,
            "q": "不锈钢板",
            "limit": 1,
            "sort": "relevance",
        }
        page = list_postings(client, **params, **({"cursor": cursor} if cursor else {}))
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids


def test_older_matches_beyond_the_recent_window_keep_their_rank(
    client: TestClient, owner: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a window of two postings, every tier but the newest ones comes from the index."""
    ids = _publish(client, owner, RANKED_ZH)
    publish(client, owner, title="铝合金型材")  # in the window, matching nothing
    monkeypatch.setattr(listing_search, "WINDOW", 2)
    assert listed_ids(client, owner=owner.id, q="不锈钢板", sort="relevance") == ids
    assert listed_ids(client, owner=owner.id, q="不锈钢板", sort="relevance", limit=2) == ids[:2]


def test_a_cursor_we_did_not_hand_out_is_422(client: TestClient) -> None:
    params = {"q": "钢板", "cursor": "cjkuMTI", "sort": "relevance"}
    response = client.get(f"{API}/postings", params=params)
    assert_problem(response, 422, field="cursor")
