"""Documents: upload limits and types, attaching to postings, who may download."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account
from tests.api.document_helpers import download, stream_events, unique_pdf, upload, uploaded
from tests.api.helpers import API, ZH, assert_problem, is_chinese, no_new_events
from tests.documents_support import JPEG, WEBP, docx, plain_zip, png, xlsx
from tests.services import QUICK, running_services
from tests.support import posting_body

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def services(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    data_dir = tmp_path_factory.mktemp("data")
    with running_services(database_url, data_dir, document_max_bytes=LIMIT, **QUICK) as opened:
        yield opened


def test_upload_answers_the_record_and_keeps_the_bytes(client: TestClient, owner: Account) -> None:
    content = unique_pdf("record")
    response = upload(client, owner, content, filename="C:\\scans\\营业执照（副本）.pdf")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["size"] == len(content)
    assert body["media_type"] == "application/pdf"
    assert body["filename"] == "营业执照（副本）.pdf"  # path parts stripped
    assert body["kind"] == "other"
    assert set(body) >= {"id", "sha256", "size", "media_type", "filename", "uploaded_at"}
    got = download(client, body["id"], owner)
    assert got.status_code == 200
    assert got.content == content
    assert got.headers["content-type"] == "application/pdf"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("营业执照（副本）.pdf", safe="") in disposition


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (png(), "image/png"),
        (JPEG, "image/jpeg"),
        (WEBP, "image/webp"),
        (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_each_accepted_type_is_recognised_by_content(
    client: TestClient, owner: Account, content: bytes, media_type: str
) -> None:
    response = upload(client, owner, content, filename="no-extension", kind="product")
    assert response.status_code == 201, response.text
    assert response.json()["media_type"] == media_type
    assert response.json()["kind"] == "product"


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [
        (b"<html><script>alert(1)</script></html>", "licence.pdf", "application/pdf"),
        (plain_zip(), "report.xlsx", "application/zip"),
        (b"MZ\x90\x00 not a document", "photo.png", "image/png"),
    ],
)
def test_other_content_is_refused_whatever_its_name_or_type(
    client: TestClient,
    services: Services,
    owner: Account,
    content: bytes,
    filename: str,
    content_type: str,
) -> None:
    with no_new_events(services):
        response = upload(client, owner, content, filename=filename, content_type=content_type)
    assert_problem(response, 415)


def test_a_file_over_the_limit_is_refused_with_413(
    client: TestClient, services: Services, owner: Account
) -> None:
    before = _count_documents(services)
    response = upload(client, owner, unique_pdf() + b"0" * LIMIT)
    assert_problem(response, 413)
    chinese = upload(client, owner, b"%PDF-" + b"0" * (2 * LIMIT), filename="x.pdf")
    assert_problem(chinese, 413)
    exact = upload(client, owner, (unique_pdf("exact") + b" " * LIMIT)[:LIMIT])
    assert exact.status_code == 201, exact.text
    assert _count_documents(services) == before + 1


def test_a_body_far_over_the_limit_is_cut_off_by_its_length(
    client: TestClient, owner: Account
) -> None:
    response = client.post(
        f"{API}/documents",
        content=b"x" * (LIMIT * 4),
        headers={**owner.auth, **ZH, "content-type": "multipart/form-data; boundary=b"},
    )
    body = assert_problem(response, 413)
    assert is_chinese(body["detail"])


def test_upload_needs_a_signed_in_caller_and_a_file(client: TestClient, owner: Account) -> None:
    anonymous = client.post(f"{API}/documents", files={"file": ("a.pdf", unique_pdf())})
    assert_problem(anonymous, 401)
    no_file = client.post(f"{API}/documents", data={"kind": "other"}, headers=owner.auth)
    assert_problem(no_file, 422, field="file")
    bad_kind = upload(client, owner, unique_pdf(), kind="selfie")
    assert_problem(bad_kind, 422, field="kind")
    empty = upload(client, owner, b"")
    assert_problem(empty, 422, field="file")


def test_long_names_are_capped_and_control_characters_dropped(
    client: TestClient, owner: Account
) -> None:
    response = upload(client, owner, unique_pdf(), filename="../../etc/" + "报" * 300 + "\x07.pdf")
    assert response.status_code == 201, response.text
    name = response.json()["filename"]
    assert len(name) == 120 and name.endswith(".pdf") and "/" not in name and "\x07" not in name


def _count_documents(services: Services) -> int:
    with services.db.connection() as conn:
        row = conn.execute("SELECT count(*) AS n FROM documents").fetchone()
    assert row is not None
    return int(row["n"])


# Postings


def test_a_posting_carries_its_documents_in_reads_and_in_its_event(
    client: TestClient, services: Services, owner: Account
) -> None:
    content = unique_pdf("spec")
    document_id = uploaded(client, owner, content, filename="规格书.pdf")
    created = client.post(
        f"{API}/postings", json=posting_body(documents=[document_id]), headers=owner.auth
    )
    assert created.status_code == 201, created.text
    posting = created.json()
    assert [d["id"] for d in posting["documents"]] == [document_id]
    read = client.get(f"{API}/postings/{posting['id']}").json()
    assert read["documents"] == [
        {
            "id": document_id,
            "sha256": hashlib.sha256(content).hexdigest(),
            "filename": "规格书.pdf",
            "size": len(content),
            "media_type": "application/pdf",
            "kind": "other",
        }
    ]
    events = stream_events(services, posting["id"])
    attached = [e for e in events if e["topic"].endswith("Posting.DocumentsAttached")]
    assert len(attached) == 1
    recorded = attached[0]["state"]["documents"][0]
    assert recorded["document_id"] == document_id
    assert recorded["sha256"] == hashlib.sha256(content).hexdigest()
    assert recorded["filename"] == "规格书.pdf" and recorded["size"] == len(content)
    # a public posting's documents: anyone may download them
    assert download(client, document_id, None).content == content


def test_only_the_uploader_attaches_and_unknown_ids_are_refused(
    client: TestClient, services: Services, owner: Account, bidder: Account
) -> None:
    theirs = uploaded(client, bidder, unique_pdf("theirs"))
    unknown = "00000000-0000-4000-8000-000000000000"
    for ids in ([theirs], [unknown]):
        with no_new_events(services):
            response = client.post(
                f"{API}/postings", json=posting_body(documents=ids), headers=owner.auth
            )
        assert_problem(response, 422, field="documents")
    too_many = [uploaded(client, owner, unique_pdf(str(i))) for i in range(11)]
    response = client.post(
        f"{API}/postings", json=posting_body(documents=too_many), headers=owner.auth
    )
    assert_problem(response, 422, field="documents")


def test_patch_makes_the_documents_exactly_those_given(
    client: TestClient, services: Services, owner: Account
) -> None:
    first, second = (uploaded(client, owner, unique_pdf(n)) for n in ("first", "second"))
    posting = client.post(
        f"{API}/postings", json=posting_body(documents=[first]), headers=owner.auth
    ).json()
    changed = client.patch(
        f"{API}/postings/{posting['id']}", json={"documents": [second]}, headers=owner.auth
    )
    assert changed.status_code == 200, changed.text
    assert [d["id"] for d in changed.json()["documents"]] == [second]
    read = client.get(f"{API}/postings/{posting['id']}").json()
    assert [d["id"] for d in read["documents"]] == [second]
    topics = [e["topic"].rsplit(".", 1)[-1] for e in stream_events(services, posting["id"])]
    assert topics[-2:] == ["DocumentsDetached", "DocumentsAttached"]
    # the detached one is the uploader's alone again
    assert download(client, first, None).status_code == 404


def test_an_upload_repeated_with_its_idempotency_key_is_answered_once(
    client: TestClient, services: Services, owner: Account
) -> None:
    boundary = "market-test-boundary"
    content = unique_pdf("idempotent")
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        **owner.auth,
        "Idempotency-Key": "upload-1",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    before = _count_documents(services)
    first = client.post(f"{API}/documents", content=body, headers=headers)
    again = client.post(f"{API}/documents", content=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    assert _count_documents(services) == before + 1
    other = client.post(f"{API}/documents", content=body + b" ", headers=headers)
    assert_problem(other, 422, field="Idempotency-Key")


def test_a_removed_postings_documents_are_hidden_like_the_posting(
    client: TestClient, owner: Account, bidder: Account, operator: Account
) -> None:
    document_id = uploaded(client, owner, unique_pdf("removed"))
    posting = client.post(
        f"{API}/postings", json=posting_body(documents=[document_id]), headers=owner.auth
    ).json()
    assert download(client, document_id, bidder).status_code == 200
    removed = client.post(
        f"{API}/postings/{posting['id']}/remove", json={"reason": "虚假信息"}, headers=operator.auth
    )
    assert removed.status_code == 200, removed.text
    assert_problem(download(client, document_id, bidder), 404)
    assert_problem(download(client, document_id, None), 404)
    assert download(client, document_id, owner).status_code == 200
    assert download(client, document_id, operator).status_code == 200
