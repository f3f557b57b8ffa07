"""Documents' bytes: in an S3-compatible bucket (a real moto server on 127.0.0.1, spoken to
over HTTP by boto3), and the purge of uploads attached to nothing."""

from __future__ import annotations

import hashlib
import io
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer

from marketplace.bootstrap import Services
from marketplace.documents.blobs import LocalBlobs, S3Blobs
from tests.api.conftest import Account, sign_up
from tests.api.document_helpers import download, unique_pdf, uploaded
from tests.api.helpers import API
from tests.services import QUICK, app_client, running_services
from tests.support import posting_body

BUCKET = "market-documents"
AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with environment(AWS):
            boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
            yield endpoint
    finally:
        server.stop()


@pytest.fixture(scope="module")
def services(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, s3_endpoint: str
) -> Iterator[Services]:
    settings: dict[str, Any] = {
        **QUICK,
        "documents_url": f"s3://{BUCKET}/uploads",
        "s3_endpoint_url": s3_endpoint,
    }
    with running_services(database_url, tmp_path_factory.mktemp("data"), **settings) as opened:
        yield opened


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient]:
    with app_client(services) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def owner(client: TestClient) -> Account:
    return sign_up(client)


def objects(endpoint: str) -> set[str]:
    listed = boto3.client("s3", endpoint_url=endpoint).list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listed.get("Contents", [])}


def test_uploads_go_to_the_bucket_under_their_hash_and_come_back_whole(
    client: TestClient, services: Services, owner: Account, s3_endpoint: str
) -> None:
    assert isinstance(services.documents.blobs, S3Blobs)
    content = unique_pdf("s3") + os.urandom(200_000)  # several chunks
    document_id = uploaded(client, owner, content)
    sha256 = hashlib.sha256(content).hexdigest()
    assert f"uploads/{sha256}" in objects(s3_endpoint)
    got = download(client, document_id, owner)
    assert got.status_code == 200
    assert hashlib.sha256(got.content).hexdigest() == sha256
    assert not (services.settings.data_dir / "documents").exists()  # nothing on local disk


def test_the_purge_deletes_unattached_uploads_and_only_unshared_bytes(
    client: TestClient, services: Services, owner: Account, s3_endpoint: str
) -> None:
    shared = unique_pdf("shared")
    orphan = uploaded(client, owner, unique_pdf("orphan"))
    orphan_twin = uploaded(client, owner, shared)  # same bytes as an attached upload
    kept = uploaded(client, owner, shared)
    fresh = uploaded(client, owner, unique_pdf("fresh"))
    posting = client.post(
        f"{API}/postings", json=posting_body(documents=[kept]), headers=owner.auth
    )
    assert posting.status_code == 201, posting.text
    age(services, orphan, orphan_twin, kept, hours=25)
    orphan_key = "uploads/" + record(services, orphan)["sha256"]
    assert services.purger is not None
    services.purger.tick()  # (the running purger may have done it already: states are checked)
    assert download(client, orphan, owner).status_code == 404
    assert download(client, orphan_twin, owner).status_code == 404
    assert download(client, kept, owner).content == shared  # its bytes stay: still recorded
    assert download(client, fresh, owner).status_code == 200  # not a day old yet
    keys = objects(s3_endpoint)
    assert orphan_key not in keys
    assert "uploads/" + hashlib.sha256(shared).hexdigest() in keys


def test_a_detached_upload_is_purged_a_day_after_it_was_let_go(
    client: TestClient, services: Services, owner: Account
) -> None:
    first, second = (uploaded(client, owner, unique_pdf(n)) for n in ("first", "second"))
    posting = client.post(
        f"{API}/postings", json=posting_body(documents=[first]), headers=owner.auth
    ).json()
    age(services, first, second, hours=48)
    changed = client.patch(
        f"{API}/postings/{posting['id']}", json={"documents": [second]}, headers=owner.auth
    )
    assert changed.status_code == 200, changed.text
    assert services.purger is not None
    services.purger.tick()
    assert download(client, first, owner).status_code == 200  # released just now
    with services.db.connection() as conn:
        conn.execute(
            "UPDATE documents SET released_at = now() - interval '25 hours' WHERE id = %s",
            (first,),
        )
    services.purger.tick()
    assert download(client, first, owner).status_code == 404
    assert download(client, second, owner).status_code == 200


def age(services: Services, *document_ids: str, hours: int) -> None:
    with services.db.connection() as conn:
        conn.execute(
            "UPDATE documents SET uploaded_at = now() - make_interval(hours => %s)"
            " WHERE id = ANY(%s::uuid[])",
            (hours, list(document_ids)),
        )


def record(services: Services, document_id: str) -> dict[str, Any]:
    row = services.documents.store.get(document_id)  # type: ignore[arg-type]
    assert row is not None
    return row


def test_local_files_are_written_whole_and_removed(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    content = os.urandom(300_000)
    sha256 = hashlib.sha256(content).hexdigest()
    blobs.put(sha256, io.BytesIO(content))
    assert b"".join(blobs.chunks(sha256)) == content
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [sha256]
    blobs.delete(sha256)
    blobs.delete(sha256)  # twice: nothing happens
    with pytest.raises(FileNotFoundError):
        next(blobs.chunks(sha256))
