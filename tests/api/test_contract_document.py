"""`GET /contracts/{id}/document` (API.md, "Contract document and programme report"): the
contract as PDF, read back as text: parties' Chinese names and credit codes, the amount in
figures and in capitals, the digest, each signature's time, signer and audit leaf; the same
readers as `GET /contracts/{id}`."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketplace.bootstrap import Services
from tests.api.conftest import Account, sign_up
from tests.api.financing_helpers import accept, make_offer, post_need, sign_contract, verified_bank
from tests.api.helpers import API, assert_problem, no_new_events
from tests.api.stats_helpers import Deal, make_deal
from tests.api.test_members import add, member_account
from tests.pdf_text import PDF, pdf_text, squeezed

CONTRACTS = f"{API}/contracts"
NAME_CHARS = "龘靐鑫淼犇骉麤鱻"  # rare but common-block ideographs, as a name may hold


@dataclass
class Cast:
    alice: Account  # buys (her demand posting); signs herself
    bob: Account  # sells; a member of his signs
    clerk: Account  # bob's member
    stranger: Account
    bank: Account  # a verified bank, never a party to the sale
    operator: Account
    auditor: Account


def chinese_name() -> str:
    return (
        "杭州" + "".join(random.sample(NAME_CHARS, 3)) + f"科技有限公司{random.randint(1, 10**6)}"
    )


@pytest.fixture(scope="module")
def cast(client: TestClient, operator: Account, auditor: Account) -> Cast:
    bob = sign_up(client, name=chinese_name())
    login = f"clerk.{random.randint(1, 10**9)}"
    add(client, bob, login, name="王晓")
    return Cast(
        alice=sign_up(client, name=chinese_name()),
        bob=bob,
        clerk=member_account(client, bob, login),
        stranger=sign_up(client),
        bank=verified_bank(client, operator),
        operator=operator,
        auditor=auditor,
    )


def document(client: TestClient, account: Account, url: str) -> str:
    response = client.get(f"{url}/document", headers=account.auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PDF
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return pdf_text(response.content)


def signature_leaves(client: TestClient, auditor: Account, contract_id: str) -> list[Any]:
    history = client.get(f"{API}/audit/streams/{contract_id}", headers=auditor.auth).json()
    return [item for item in history["items"] if item["type"].endswith("Contract.Signed")]


@pytest.fixture(scope="module")
def signed(client: TestClient, cast: Cast) -> Deal:
    """12,345.67 of goods: alice signs, then bob's clerk for bob."""
    deal = make_deal(
        client, cast.alice, cast.bob, bid_overrides={"unit_price": "12345.67", "quantity": "1"}
    )
    sign_contract(client, deal.contract_id, cast.alice, cast.clerk)
    return deal


def test_a_signed_contract_reads_back_from_its_pdf(
    client: TestClient, cast: Cast, signed: Deal
) -> None:
    contract = client.get(signed.url, headers=cast.alice.auth).json()
    text = document(client, cast.alice, signed.url)
    flat = squeezed(text)
    assert "购销合同" in text and "Sale contract" in text
    assert "当事方" in text and "Parties" in text
    for party in (cast.alice, cast.bob):
        assert party.name in text
        assert party.credit_code in text
    assert "CNY 12,345.67" in text
    assert "人民币壹万贰仟叁佰肆拾伍元陆角柒分" in text
    assert contract["digest"] in flat
    assert "采购不锈钢板材" in text  # the subject, from the terms
    assert "王晓" in text  # the member who signed for bob
    assert "未签署" not in text
    leaves = signature_leaves(client, cast.auditor, signed.contract_id)
    assert len(leaves) == 2
    for leaf in leaves:
        assert re.search(rf"Auditleafindex{leaf['leaf_index']}(?!\d)", flat), flat
        assert leaf["leaf_hash"] in flat
    signed_at = [p["signed_at"] for p in contract["parties"]]
    assert all(signed_at) and flat.count("CST(UTC+8)") == 3  # drafted, and two signatures
    assert "/api/v1/audit/proofs/inclusion" in flat and "marketaudit" in flat


@pytest.mark.parametrize("who", ["bob", "clerk", "operator", "auditor"])
def test_parties_and_staff_get_the_same_document(
    client: TestClient, cast: Cast, signed: Deal, who: str
) -> None:
    text = document(client, getattr(cast, who), signed.url)
    assert cast.alice.credit_code in text and "人民币壹万贰仟叁佰肆拾伍元陆角柒分" in text


def test_a_drafted_contract_renders_with_no_signature(client: TestClient, cast: Cast) -> None:
    deal = make_deal(client, cast.alice, cast.bob, bid_overrides={"unit_price": "100000"})
    text = document(client, cast.bob, deal.url)
    assert text.count("未签署 / not signed") == 2
    assert "Audit leaf index" not in text
    assert "待签署" in text
    assert "CNY 50,000,000.00" in text and "人民币伍仟万元整" in text


def test_a_loan_contract_prints_its_terms(client: TestClient, cast: Cast) -> None:
    need = post_need(client, cast.alice)
    offer = make_offer(client, cast.bank, need["id"], amount="100005.00")
    contract_id = accept(client, cast.alice, need["id"], offer["id"])["contract_id"]
    sign_contract(client, contract_id, cast.bank)
    text = document(client, cast.alice, f"{CONTRACTS}/{contract_id}")
    assert "借款合同" in text and "Loan contract" in text
    assert "贷款人" in text and "借款人" in text and cast.bank.name in text
    assert "人民币壹拾万零伍元整" in text and "4.35" in text
    assert "需提供近两年财务报表" in text
    assert text.count("未签署 / not signed") == 1  # alice has not signed yet


def test_characters_the_font_lacks_are_written_as_code_points(
    client: TestClient, cast: Cast
) -> None:
    rare = sign_up(client, name=f"𠀀测试企业{random.randint(1, 10**6)}")
    deal = make_deal(client, cast.alice, rare)
    text = document(client, cast.alice, deal.url)
    assert "[U+20000]测试企业" in text


@pytest.mark.parametrize("who", ["stranger", "bank"])
def test_others_are_refused_as_for_the_contract_itself(
    client: TestClient, services: Services, cast: Cast, signed: Deal, who: str
) -> None:
    account = getattr(cast, who)
    with no_new_events(services):
        refused = client.get(f"{signed.url}/document", headers=account.auth)
        assert_problem(client.get(signed.url, headers=account.auth), refused.status_code)
    assert_problem(refused, 403)
    assert cast.alice.credit_code not in refused.text


def test_no_session_unknown_and_bad_ids(client: TestClient, cast: Cast, signed: Deal) -> None:
    assert_problem(client.get(f"{signed.url}/document"), 401)
    unknown = f"{CONTRACTS}/00000000-0000-4000-8000-000000000000/document"
    assert_problem(client.get(unknown, headers=cast.operator.auth), 404)
    assert_problem(client.get(f"{CONTRACTS}/nope/document", headers=cast.alice.auth), 422)
