"""Idempotency-Key: valid keys only, scoped to caller, method and path, kept with the command's
events, never stuck, never holding a secret, expiring."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aggregates.errors import ConflictError
from marketplace.bootstrap import Services
from marketplace.stores.idempotency import PendingRecord, pending_record, record_id
from marketplace.stores.in_flight import InFlight
from tests.api.conftest import Account, sign_up
from tests.api.helpers import (
    API,
    ZH,
    assert_problem,
    bid,
    head,
    is_chinese,
    no_new_events,
    publish,
)
from tests.support import organization_body, posting_body, register_body

JSON = {"Content-Type": "application/json"}


def _post(client: TestClient, account: Account, key: str | bytes, body: dict[str, Any]) -> Any:
    headers = {**account.auth, **JSON, "Idempotency-Key": key}
    return client.post(f"{API}/postings", content=json.dumps(body).encode(), headers=headers)


def _rows(services: Services, sql: str, *params: Any) -> list[dict[str, Any]]:
    with services.db.connection() as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "x" * 3000, "schlüssel-1".encode("latin-1"), b"tab\there", "键-1".encode()],
)
def test_malformed_keys_are_refused_and_write_nothing(
    client: TestClient, services: Services, owner: Account, key: str | bytes
) -> None:
    with no_new_events(services):
        response = _post(client, owner, key, posting_body())
    problem = assert_problem(response, 422, field="Idempotency-Key")
    assert problem["errors"][0]["code"] == "invalid_idempotency_key"
    zh = client.post(
        f"{API}/postings", json=posting_body(), headers={**owner.auth, **ZH, "Idempotency-Key": ""}
    )
    assert is_chinese(assert_problem(zh, 422)["detail"])


def test_the_longest_key_works(client: TestClient, services: Services, owner: Account) -> None:
    key, body = "k" * 255, posting_body(title="最长的键")
    first = _post(client, owner, key, body)
    assert first.status_code == 201, first.text
    with no_new_events(services):
        again = _post(client, owner, key, body)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"


def test_keys_are_scoped_to_method_and_path(
    client: TestClient, services: Services, owner: Account
) -> None:
    key = f"path-{uuid.uuid4()}"
    created = _post(client, owner, key, posting_body(title="同一个键，不同路径"))
    assert created.status_code == 201, created.text
    url = f"{API}/postings/{created.json()['id']}/withdraw"
    withdrawn = client.post(url, headers={**owner.auth, "Idempotency-Key": key})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"


def test_anonymous_callers_have_a_key_space_per_address(
    client: TestClient, services: Services
) -> None:
    elsewhere = TestClient(client.app, client=("203.0.113.9", 40000), raise_server_exceptions=False)
    key = f"anonymous-{uuid.uuid4()}"
    mine = client.post(
        f"{API}/organizations", json=organization_body(), headers={"Idempotency-Key": key}
    )
    theirs = elsewhere.post(
        f"{API}/organizations", json=organization_body(), headers={"Idempotency-Key": key}
    )
    assert mine.status_code == theirs.status_code == 201, (mine.text, theirs.text)
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_revoked_token_gets_no_replay(client: TestClient, services: Services) -> None:
    account = sign_up(client)
    key = f"revoked-{uuid.uuid4()}"
    body = posting_body(title="注销后重放")
    assert _post(client, account, key, body).status_code == 201
    assert client.delete(f"{API}/sessions/current", headers=account.auth).status_code == 204
    with no_new_events(services):
        replay = _post(client, account, key, body)
    assert_problem(replay, 401)


def test_sessions_ignore_keys_and_store_no_token(client: TestClient, services: Services) -> None:
    body = organization_body()
    assert client.post(f"{API}/organizations", json=body).status_code == 201
    login = {"credit_code": body["credit_code"], "password": body["password"]}
    key = {"Idempotency-Key": f"login-{uuid.uuid4()}"}
    first = client.post(f"{API}/sessions", json=login, headers=key)
    second = client.post(f"{API}/sessions", json=login, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["token"] != second.json()["token"]
    assert "idempotent-replayed" not in second.headers
    for token in (first.json()["token"], second.json()["token"]):
        found = _rows(
            services,
            "SELECT 1 FROM idempotency_records WHERE position(%s::bytea in body) > 0",
            token.encode(),
        )
        assert found == []


def test_a_repeat_while_the_first_runs_is_told_at_once(
    client: TestClient, services: Services, owner: Account
) -> None:
    key = f"running-{uuid.uuid4()}"
    rid = record_id(f"organization:{owner.id}", "POST", f"{API}/postings", key)
    # Held in this process (as by a request still running here) ...
    assert services.idempotency.in_flight.try_claim(rid)
    try:
        with no_new_events(services):
            response = _post(client, owner, key, posting_body())
        assert assert_problem(response, 409)["code"] == "idempotency_in_progress"
    finally:
        services.idempotency.in_flight.release(rid)
    # ... and in another process (its own database session holds the advisory lock).
    other = InFlight(services.url)
    assert other.try_claim(rid)
    try:
        with no_new_events(services):
            response = _post(client, owner, key, posting_body())
        assert assert_problem(response, 409)["code"] == "idempotency_in_progress"
    finally:
        other.release(rid)
        other.close()
    assert _post(client, owner, key, posting_body()).status_code == 201


def _pending(owner: Account, key: str, body: dict[str, Any], status: int) -> PendingRecord:
    return PendingRecord(
        id=record_id(f"organization:{owner.id}", "POST", f"{API}/postings", key),
        request_sha256=hashlib.sha256(b"\n" + json.dumps(body).encode()).digest(),
        success_status=status,
        ttl=timedelta(hours=1),
    )


def test_a_write_whose_answer_was_lost_is_answered_from_its_record(
    client: TestClient, services: Services, owner: Account
) -> None:
    """The process died after the command committed and before it kept the answer: the record
    written in the command's transaction says the write happened, and where."""
    key = f"crashed-{uuid.uuid4()}"
    body = posting_body(title="提交后崩溃")
    token = pending_record.set(_pending(owner, key, body, 201))
    try:
        posting = services.app.publish_posting(owner_id=uuid.UUID(owner.id), **_domain(body))
    finally:
        pending_record.reset(token)
    with no_new_events(services):
        retry = _post(client, owner, key, body)
    assert retry.status_code == 201, retry.text
    answer = retry.json()
    assert answer["position"] == head(services)
    assert answer["id"] == answer["posting_id"] == str(posting.aggregate.id)
    assert answer["version"] == 1
    assert answer["written"] == [
        {"stream_id": str(posting.aggregate.id), "version": 1, "type": "Posting.Published"}
    ]
    assert retry.headers["idempotent-replayed"] == "true"


def test_a_lost_answer_of_an_accept_names_the_contract_it_drafted(
    client: TestClient, services: Services, owner: Account, bidder: Account
) -> None:
    posting = publish(client, owner)
    placed = bid(client, bidder, posting["id"])
    key = f"accept-crashed-{uuid.uuid4()}"
    url = f"{API}/postings/{posting['id']}/bids/{placed['id']}/accept"
    pending = PendingRecord(
        id=record_id(f"organization:{owner.id}", "POST", url, key),
        request_sha256=hashlib.sha256(b"\n").digest(),
        success_status=201,
        ttl=timedelta(hours=1),
    )
    token = pending_record.set(pending)
    try:
        accepted = services.app.accept_bid(
            uuid.UUID(posting["id"]), uuid.UUID(placed["id"]), uuid.UUID(owner.id), None
        )
    finally:
        pending_record.reset(token)
    with no_new_events(services):
        retry = client.post(url, headers={**owner.auth, "Idempotency-Key": key})
    assert retry.status_code == 201, retry.text
    contract_id = str(accepted.contract.id)
    assert retry.json()["contract_id"] == retry.json()["id"] == contract_id
    assert {w["type"] for w in retry.json()["written"]} == {
        "Posting.BidAccepted",
        "Contract.Drafted",
    }


def test_a_rolled_back_command_leaves_no_record(
    client: TestClient, services: Services, owner: Account
) -> None:
    key = f"rolled-back-{uuid.uuid4()}"
    body = posting_body(title="回滚")
    pending = _pending(owner, key, body, 201)
    taken = organization_body()
    register_body(services.app, taken)
    before = head(services)
    token = pending_record.set(pending)
    try:
        with pytest.raises(ConflictError):  # the save fails inside its transaction
            register_body(services.app, taken)
    finally:
        pending_record.reset(token)
    assert head(services) == before
    assert _rows(services, "SELECT 1 FROM idempotency_records WHERE id = %s", pending.id) == []
    assert _post(client, owner, key, body).status_code == 201  # runs anew


def test_records_expire_and_are_cleaned_up(
    client: TestClient, services: Services, owner: Account
) -> None:
    key = f"expiring-{uuid.uuid4()}"
    body = posting_body(title="过期的键")
    first = _post(client, owner, key, body)
    assert first.status_code == 201
    rid = record_id(f"organization:{owner.id}", "POST", f"{API}/postings", key)
    expiry = _rows(
        services,
        "SELECT expires_at - created_at AS ttl FROM idempotency_records WHERE id = %s",
        rid,
    )
    assert expiry[0]["ttl"] == timedelta(hours=services.settings.idempotency_ttl_hours)
    with services.db.connection() as conn:
        conn.execute(
            "UPDATE idempotency_records SET expires_at = now() - interval '1 second' WHERE id = %s",
            (rid,),
        )
    again = _post(client, owner, key, body)
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    with no_new_events(services):  # the key's new record is kept for a new period
        assert _post(client, owner, key, body).json() == again.json()
    with services.db.connection() as conn:
        conn.execute(
            "UPDATE idempotency_records SET expires_at = now() - interval '1 second' WHERE id = %s",
            (rid,),
        )
    assert services.idempotency.clean_up() >= 1
    assert _rows(services, "SELECT 1 FROM idempotency_records WHERE id = %s", rid) == []


def _domain(body: dict[str, Any]) -> dict[str, Any]:
    """The posting body as the use case takes it."""
    from api.schemas.postings import PostingCreate

    return PostingCreate.model_validate(body).model_dump()
