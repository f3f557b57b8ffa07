"""GET /status: per-view positions and lag, for operators and auditors only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.support import posting_body


def test_status_reports_every_view_caught_up(
    client: TestClient, services: Services, operator: Account, enterprise: Account
) -> None:
    created = client.post("/api/v1/postings", json=posting_body(), headers=enterprise.auth)
    position = created.json()["position"]
    assert client.get("/api/v1/postings", params={"min_position": position}).status_code == 200
    status = client.get("/api/v1/status", headers=operator.auth)
    assert status.status_code == 200, status.text
    body = status.json()
    assert body["head"] >= position
    views = {v["name"]: v for v in body["views"]}
    assert set(views) == {view.name for view in services.views.all()}
    assert views["listings"]["position"] >= position
    assert all(v["lag_events"] >= 0 and v["lag_seconds"] >= 0 for v in views.values())


def test_status_is_for_operators_and_auditors(
    client: TestClient, auditor: Account, enterprise: Account
) -> None:
    assert client.get("/api/v1/status").status_code == 401
    assert client.get("/api/v1/status", headers=enterprise.auth).status_code == 403
    assert client.get("/api/v1/status", headers=auditor.auth).status_code == 200


def test_healthz_needs_no_sign_in(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
