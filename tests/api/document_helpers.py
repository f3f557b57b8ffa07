"""Helpers for the tests of documents: uploading, downloading, and the stored events."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
from fastapi.testclient import TestClient
from psycopg.sql import SQL, Identifier

from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.api.helpers import API, events_table
from tests.documents_support import PDF


def upload(
    client: TestClient,
    who: Account,
    content: bytes = PDF,
    filename: str = "营业执照.pdf",
    kind: str | None = None,
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    data = {"kind": kind} if kind is not None else {}
    return client.post(
        f"{API}/documents",
        files={"file": (filename, content, content_type)},
        data=data,
        headers=who.auth,
    )


def uploaded(client: TestClient, who: Account, content: bytes = PDF, **options: Any) -> str:
    """A new upload's id (a unique content each time unless `content` is given)."""
    response = upload(client, who, content, **options)
    assert response.status_code == 201, response.text
    document_id: str = response.json()["id"]
    return document_id


def unique_pdf(label: str = "") -> bytes:
    return PDF + f"% {label} {id(object())} {hashlib.sha256(label.encode()).hexdigest()}\n".encode()


def download(client: TestClient, document_id: str, who: Account | None) -> httpx.Response:
    headers = who.auth if who is not None else {}
    return client.get(f"{API}/documents/{document_id}", headers=headers)


def stream_events(services: Services, stream_id: str) -> list[dict[str, Any]]:
    """The stored events of one aggregate: topic and decoded state."""
    query = SQL(
        "SELECT topic, state FROM {} WHERE originator_id = %s ORDER BY originator_version"
    ).format(Identifier(events_table(services)))
    with services.db.connection() as conn:
        rows = conn.execute(query, (stream_id,)).fetchall()
    return [{"topic": r["topic"], "state": json.loads(bytes(r["state"]))} for r in rows]
