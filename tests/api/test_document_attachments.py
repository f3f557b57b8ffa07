"""Documents attached to contracts, financing needs, service requests (and their notes) and
organizations: the rules of attaching, who may download, and the hash in the audit log."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.document_helpers import download, stream_events, unique_pdf, uploaded
from tests.api.financing_helpers import accept, make_offer, post_need, verified_bank
from tests.api.helpers import API, assert_problem, bid, no_new_events, publish
from tests.api.service_request_helpers import REQUESTS, act, submit, verified_provider
from tests.documents_support import png

CONTRACTS = f"{API}/contracts"


def sale_contract(client: TestClient, seller: Account, buyer: Account) -> str:
    posting = publish(client, seller, side="supply")
    offer = bid(client, buyer, posting["id"])
    accepted = client.post(
        f"{API}/postings/{posting['id']}/bids/{offer['id']}/accept", headers=seller.auth
    )
    assert accepted.status_code == 201, accepted.text
    contract_id: str = accepted.json()["contract_id"]
    return contract_id


def attach(client: TestClient, who: Account, contract_id: str, document_id: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"{CONTRACTS}/{contract_id}/documents", json={"document_id": document_id}, headers=who.auth
    )


# Contracts -----------------------------------------------------------------------------------


def test_a_contract_document_joins_the_terms_and_voids_earlier_signatures(
    client: TestClient, services: Services, owner: Account, bidder: Account
) -> None:
    contract_id = sale_contract(client, owner, bidder)
    before = client.get(f"{CONTRACTS}/{contract_id}", headers=owner.auth).json()
    signed = client.post(
        f"{CONTRACTS}/{contract_id}/sign", json={"digest": before["digest"]}, headers=owner.auth
    )
    assert signed.status_code == 200, signed.text
    content = unique_pdf("质量标准")
    document_id = uploaded(client, bidder, content, filename="质量标准.pdf")
    attached = attach(client, bidder, contract_id, document_id)
    assert attached.status_code == 200, attached.text
    contract = attached.json()
    sha256 = hashlib.sha256(content).hexdigest()
    assert contract["terms"]["documents"] == [{"sha256": sha256, "filename": "质量标准.pdf"}]
    assert contract["digest"] != before["digest"]
    assert all(p["signed_at"] is None for p in contract["parties"])  # the signature is stale
    read = client.get(f"{CONTRACTS}/{contract_id}", headers=owner.auth).json()
    assert read["digest"] == contract["digest"] and read["terms"] == contract["terms"]
    assert all(p["signed_at"] is None for p in read["parties"])
    assert [d["id"] for d in read["documents"]] == [document_id]
    stale = client.post(
        f"{CONTRACTS}/{contract_id}/sign", json={"digest": before["digest"]}, headers=bidder.auth
    )
    assert_problem(stale, 409)
    for party in (owner, bidder):
        again = client.post(
            f"{CONTRACTS}/{contract_id}/sign", json={"digest": read["digest"]}, headers=party.auth
        )
        assert again.status_code == 200, again.text
    assert again.json()["status"] == "signed"
    # the other party reads the document; a stranger does not learn it exists
    assert download(client, document_id, owner).content == content
    assert download(client, document_id, sign_up(client)).status_code == 404


def test_contract_documents_only_by_a_party_only_while_drafted(
    client: TestClient, services: Services, owner: Account, bidder: Account
) -> None:
    contract_id = sale_contract(client, owner, bidder)
    stranger = sign_up(client)
    theirs = uploaded(client, stranger, unique_pdf("stranger"))
    with no_new_events(services):
        assert_problem(attach(client, stranger, contract_id, theirs), 403)
        not_own = attach(client, owner, contract_id, theirs)
        assert_problem(not_own, 422, field="document_id")
        unknown = attach(client, owner, contract_id, "00000000-0000-4000-8000-000000000001")
        assert_problem(unknown, 422, field="document_id")
    digest = client.get(f"{CONTRACTS}/{contract_id}", headers=owner.auth).json()["digest"]
    for party in (owner, bidder):
        client.post(f"{CONTRACTS}/{contract_id}/sign", json={"digest": digest}, headers=party.auth)
    late = uploaded(client, owner, unique_pdf("late"))
    with no_new_events(services):
        assert_problem(attach(client, owner, contract_id, late), 409)


def test_the_audit_log_proves_which_file_was_attached(
    client: TestClient, services: Services, owner: Account, bidder: Account, auditor: Account
) -> None:
    contract_id = sale_contract(client, owner, bidder)
    content = png(3, 2)
    document_id = uploaded(client, owner, content, filename="样品照片.png")
    assert attach(client, owner, contract_id, document_id).status_code == 200
    history = client.get(f"{API}/audit/streams/{contract_id}", headers=auditor.auth)
    assert history.status_code == 200, history.text
    items = history.json()["items"]
    event = next(i for i in items if i["type"].endswith("DocumentsAttached"))
    recorded = event["data"]["documents"][0]
    assert recorded["document_id"] == document_id and recorded["filename"] == "样品照片.png"
    # the auditor downloads the file and checks it against the hash the log holds
    got = download(client, document_id, auditor)
    assert got.status_code == 200
    assert hashlib.sha256(got.content).hexdigest() == recorded["sha256"]
    assert len(got.content) == recorded["size"]


# Financing needs --------------------------------------------------------------------------------


def test_need_documents_are_read_by_the_owner_verified_banks_and_staff_only(
    client: TestClient, owner: Account, operator: Account, auditor: Account
) -> None:
    statement = unique_pdf("财务报表")
    document_id = uploaded(client, owner, statement, kind="financial_statement")
    need = post_need(client, owner, documents=[document_id])
    assert [d["kind"] for d in need["documents"]] == ["financial_statement"]
    bank = verified_bank(client, operator)
    read = client.get(f"{API}/financing-needs/{need['id']}", headers=bank.auth).json()
    assert [d["id"] for d in read["documents"]] == [document_id]
    for reader in (owner, bank, operator, auditor):
        assert download(client, document_id, reader).content == statement, reader.kind
    for outsider in (None, sign_up(client), sign_up(client, "bank"), _provider(client)):
        assert_problem(download(client, document_id, outsider), 404)


def test_a_matched_loan_contract_reads_like_any_other(
    client: TestClient, owner: Account, operator: Account
) -> None:
    bank = verified_bank(client, operator)
    need = post_need(client, owner)
    offer = make_offer(client, bank, need["id"])
    contract_id = accept(client, owner, need["id"], offer["id"])["contract_id"]
    document_id = uploaded(client, bank, unique_pdf("loan terms"))
    attached = attach(client, bank, contract_id, document_id)
    assert attached.status_code == 200, attached.text
    assert download(client, document_id, owner).status_code == 200


# Service requests and notes -----------------------------------------------------------------


def test_request_and_note_documents_go_to_the_parties_and_staff(
    client: TestClient, services: Services, owner: Account, operator: Account
) -> None:
    first = uploaded(client, owner, unique_pdf("request"))
    request = submit(client, owner, documents=[first])
    assert [d["id"] for d in request["documents"]] == [first]
    provider = verified_provider(client, operator, "legal")
    act(client, operator, request["id"], "dispatch", {"provider_id": provider.id})
    reply = uploaded(client, provider, unique_pdf("opinion"), filename="审查意见.pdf")
    note = act(client, provider, request["id"], "notes", {"text": "见附件", "documents": [reply]})
    assert [d["filename"] for d in note["documents"]] == ["审查意见.pdf"]
    read = client.get(f"{REQUESTS}/{request['id']}", headers=owner.auth).json()
    assert [d["id"] for d in read["documents"]] == [first, reply]
    for reader in (owner, provider, operator):
        assert download(client, reply, reader).status_code == 200
    assert download(client, reply, sign_up(client)).status_code == 404
    attached = [
        e["state"]["documents"]
        for e in stream_events(services, request["id"])
        if e["topic"].endswith("DocumentsAttached")
    ]
    assert attached[-1][0]["note_version"] == note["version"] - 1  # the NoteAdded event's
    with no_new_events(services):
        refused = client.post(
            f"{REQUESTS}/{request['id']}/notes",
            json={"text": "x", "documents": [first]},  # the enterprise's, not the provider's
            headers=provider.auth,
        )
    assert_problem(refused, 422, field="documents")


# Organizations ----------------------------------------------------------------------------------


def test_an_organization_files_its_licence_for_the_operators_only(
    client: TestClient, services: Services, operator: Account, auditor: Account
) -> None:
    bank = sign_up(client, "bank")
    licence = png(4, 4)
    document_id = uploaded(client, bank, licence, filename="营业执照.png", kind="business_licence")
    filed = client.post(
        f"{API}/organizations/me/documents", json={"document_id": document_id}, headers=bank.auth
    )
    assert filed.status_code == 200, filed.text
    assert [d["kind"] for d in filed.json()["documents"]] == ["business_licence"]
    own = client.get(f"{API}/organizations/me", headers=bank.auth).json()
    assert [d["id"] for d in own["documents"]] == [document_id]
    staff_view = client.get(f"{API}/organizations/{bank.id}", headers=operator.auth).json()
    assert [d["id"] for d in staff_view["documents"]] == [document_id]
    pending = client.get(
        f"{API}/organizations", params={"verified": "false", "q": bank.name}, headers=operator.auth
    ).json()["items"]
    assert [d["media_type"] for d in pending[0]["documents"]] == ["image/png"]
    public = client.get(f"{API}/organizations/{bank.id}").json()
    assert "documents" not in public
    for reader in (bank, operator, auditor):
        assert download(client, document_id, reader).content == licence
    for outsider in (None, sign_up(client)):
        assert_problem(download(client, document_id, outsider), 404)
    with no_new_events(services):
        twice = client.post(
            f"{API}/organizations/me/documents",
            json={"document_id": document_id},
            headers=bank.auth,
        )
    assert_problem(twice, 409)


@pytest.mark.parametrize("path", ["/organizations/me/documents"])
def test_filing_needs_a_document_of_ones_own(
    client: TestClient, services: Services, owner: Account, bidder: Account, path: str
) -> None:
    theirs = uploaded(client, bidder, unique_pdf("bidder's"))
    with no_new_events(services):
        response = client.post(f"{API}{path}", json={"document_id": theirs}, headers=owner.auth)
    assert_problem(response, 422, field="document_id")


def _provider(client: TestClient) -> Account:
    return sign_up(client, "provider", service_categories=["legal"])
