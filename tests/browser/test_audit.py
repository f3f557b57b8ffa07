"""The auditor's pages: the event log, in-browser inclusion and signature checks, the RFC 6962
known answers reproduced by web/merkle.js in Chromium, and an aggregate's state by version."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from marketplace.audit.verify.checkpoint import generate_signer
from marketplace.audit.verify.records import leaf_record
from tests.browser.accounts import Accounts, Credentials, log_in, open_page
from tests.support import bid_body, posting_body
from tests.unit.test_merkle import VECTORS

Shot = Callable[[Page, str], Path]
PROOF = re.compile(r"/api/v1/audit/proofs/inclusion\b")
CHECKPOINT = re.compile(r"/api/v1/audit/checkpoint\b")


@dataclass(frozen=True)
class History:
    auditor: Credentials
    posting_id: str
    contract_id: str
    positions: dict[str, int]  # event name (Posting.BidAccepted) -> position
    bidder_name: str


def _name(topic: str) -> str:
    return topic.split(":")[-1]


@pytest.fixture(scope="module")
def history(accounts: Accounts) -> History:
    """A posting, a bid and its acceptance (a contract), covered by a signed checkpoint."""
    owner, bidder = accounts.enterprise(), accounts.enterprise()
    auditor = accounts.staff("auditor")
    posting = accounts.api(
        "POST", "/postings", owner, json=posting_body(title="审计用求购：铝型材")
    )
    path = f"/postings/{posting['id']}"
    bid = accounts.api("POST", f"{path}/bids", bidder, json=bid_body())
    accepted = accounts.api("POST", f"{path}/bids/{bid['id']}/accept", owner, json={})
    events = accounts.api("GET", "/audit/events", auditor, params={"limit": 200})["items"]
    leaves = max(item["leaf_index"] for item in events) + 1
    deadline = time.monotonic() + 15
    while accounts.api("GET", "/audit/checkpoint", auditor)["tree_size"] < leaves:
        assert time.monotonic() < deadline, "no checkpoint covered the new events"
        time.sleep(0.1)  # the test server signs a new head every 0.2 s
    positions = {_name(item["type"]): item["position"] for item in events}
    return History(auditor, posting["id"], accepted["contract_id"], positions, bidder.name)


def _event(page: Page, position: int) -> Locator:
    return page.locator(f'tbody.audit-event[data-position="{position}"]')


def _open_log(page: Page, who: Credentials, path: str = "/audit") -> None:
    log_in(page, who)
    open_page(page, path)
    expect(page.get_by_role("heading", name="审计：事件日志")).to_be_visible()


def _flip_hex(text: str) -> str:
    return ("0" if text[0] != "0" else "1") + text[1:]


def test_an_auditor_verifies_an_event_against_the_signed_root_in_the_browser(
    new_page: Callable[..., Page], accounts: Accounts, history: History, shot: Shot
) -> None:
    page = new_page()
    _open_log(page, history.auditor)
    panel = page.locator(".audit-checkpoint")
    expect(panel.get_by_role("heading", name="最新签名检查点")).to_be_visible()
    expect(panel.locator(".audit-signature")).to_contain_text("Ed25519 签名有效")
    # No stray "null" above the checkpoint card (a null appended as text).
    loose = "[...document.querySelector('#view').childNodes].filter((n) => n.nodeType === 3)"
    assert page.evaluate(f"{loose}.map((n) => n.textContent).join('')") == ""
    accepted = _event(page, history.positions["Posting.BidAccepted"])
    expect(accepted.get_by_role("cell", name="Posting.BidAccepted")).to_be_visible()
    expect(accepted.get_by_role("cell", name="报价已接受")).to_be_visible()
    accepted.get_by_role("button", name="详情").click()
    data = accepted.locator(".audit-data")
    expect(data.locator(".fact", has_text="合同编号")).to_contain_text(history.contract_id)
    expect(data.locator(".fact", has_text="报价编号")).to_be_visible()
    expect(accepted.locator("pre")).to_contain_text(history.contract_id)
    placed = _event(page, history.positions["Posting.BidPlaced"])
    placed.get_by_role("button", name="详情").click()
    bidder = placed.locator(".audit-data .fact", has_text="报价企业")
    expect(bidder.locator("dd")).to_have_text(history.bidder_name)  # a name, not a UUID
    expect(placed.locator(".audit-data .fact", has_text="单价").first).to_contain_text("¥15,000.00")
    shot(page, "audit-event-data")
    accepted.get_by_role("button", name="验证").click()
    result = accepted.locator(".audit-result")
    expect(result).to_contain_text("已验证：该事件包含在已签名的检查点中")
    expect(result.locator(".audit-step--ok")).to_have_count(4)
    expect(result).to_contain_text("与日志中存储的叶哈希一致")
    shot(page, "audit-log-verified")

    accounts.enterprise()  # a new event while the auditor watches the newest page
    page.get_by_role("button", name="此后又有 1 条新事件，点击载入").click()
    expect(page.get_by_role("cell", name="Organization.Registered").last).to_be_visible()
    fresh = page.locator("tbody.audit-event").last
    expect(fresh).not_to_have_attribute("data-position", str(history.positions["Contract.Drafted"]))
    fresh.get_by_role("button", name="验证").click()
    expect(fresh.locator(".audit-result")).to_contain_text("已验证")
    shot(page, "audit-log-new-event-verified")


def test_an_altered_inclusion_proof_is_reported(
    new_page: Callable[..., Page], history: History, shot: Shot
) -> None:
    page = new_page()

    def flip_a_hash(route: Route) -> None:
        response = route.fetch()
        proof = response.json()
        proof["audit_path"][0] = _flip_hex(proof["audit_path"][0])
        route.fulfill(response=response, json=proof)

    page.route(PROOF, flip_a_hash)
    _open_log(page, history.auditor)
    placed = _event(page, history.positions["Posting.BidPlaced"])
    placed.get_by_role("button", name="验证").click()
    result = placed.locator(".audit-result")
    expect(result).to_contain_text("验证失败：第 3 步（核对根哈希）未通过")
    expect(result.locator(".audit-step--failed")).to_have_text(re.compile("核对根哈希.*不一致"))
    shot(page, "audit-proof-altered")


EVENTS = re.compile(r"/api/v1/audit/events\b")


def test_event_data_that_is_not_what_was_logged_is_reported(
    new_page: Callable[..., Page], history: History, shot: Shot
) -> None:
    """The served bytes must hash to the record's payload_sha256: altered bytes fail step 1."""
    page = new_page()
    target = history.positions["Posting.BidPlaced"]

    def alter_the_bytes(route: Route) -> None:
        response = route.fetch()
        page_json = response.json()
        for item in page_json["items"]:
            if item["position"] == target:
                stored = base64.b64decode(item["payload_b64"])
                item["payload_b64"] = base64.b64encode(stored.replace(b"1", b"9")).decode()
        route.fulfill(response=response, json=page_json)

    page.route(EVENTS, alter_the_bytes)
    _open_log(page, history.auditor)
    placed = _event(page, target)
    placed.get_by_role("button", name="验证").click()
    result = placed.locator(".audit-result")
    expect(result).to_contain_text("验证失败：第 1 步")
    expect(result).to_contain_text("展示的事件内容与日志不符")
    shot(page, "audit-payload-altered")


@pytest.mark.parametrize(
    ("field", "summary", "failed"),
    [
        ("root_hash", "验证失败：第 3 步（核对根哈希）未通过", 2),
        ("signature", "验证失败：第 4 步（校验检查点签名）未通过", 1),
    ],
    ids=["wrong-root", "wrong-signature"],
)
def test_a_checkpoint_with_a_wrong_root_or_signature_is_reported(
    new_page: Callable[..., Page],
    history: History,
    shot: Shot,
    field: str,
    summary: str,
    failed: int,
) -> None:
    page = new_page()

    def alter(route: Route) -> None:
        response = route.fetch()
        head: dict[str, Any] = response.json()
        if field == "root_hash":
            head["root_hash"] = _flip_hex(head["root_hash"])
        else:
            signed = bytearray(base64.b64decode(head["signature"]))
            signed[-1] ^= 0x01  # the Ed25519 signature, not the key id in front of it
            head["signature"] = base64.b64encode(bytes(signed)).decode()
        route.fulfill(response=response, json=head)

    page.route(CHECKPOINT, alter)
    _open_log(page, history.auditor)
    expect(page.locator(".audit-signature")).to_contain_text("签名无效")
    published = _event(page, history.positions["Posting.Published"])
    published.get_by_role("button", name="验证").click()
    result = published.locator(".audit-result")
    expect(result).to_contain_text(summary)
    expect(result.locator(".audit-step--failed")).to_have_count(failed)
    expect(result.locator(".audit-step--failed").last).to_contain_text("Ed25519 签名无效")
    shot(page, f"audit-checkpoint-{field}-altered")


def test_a_pinned_key_that_did_not_sign_the_checkpoint_fails_verification(
    new_page: Callable[..., Page], history: History, shot: Shot
) -> None:
    page = new_page()
    _open_log(page, history.auditor)
    panel = page.locator(".audit-checkpoint")
    panel.get_by_text("可信公钥", exact=True).click()
    key = panel.get_by_label("可信验证公钥（选填）")
    key.fill("not-a-key")
    panel.get_by_role("button", name="保存").click()
    expect(key).to_have_attribute("aria-invalid", "true")
    _, stranger = generate_signer("sme-marketplace/local")
    key.fill(stranger)
    panel.get_by_role("button", name="保存").click()
    expect(panel.locator(".audit-signature")).to_contain_text("检查点不是由公钥")
    contract = _event(page, history.positions["Contract.Drafted"])
    contract.get_by_role("button", name="验证").click()
    expect(contract.locator(".audit-result")).to_contain_text("第 4 步（校验检查点签名）未通过")
    shot(page, "audit-stranger-key")

    panel.get_by_role("button", name="信任服务器当前的公钥").click()
    expect(panel.locator(".audit-signature")).to_contain_text("签名者为你信任的公钥")
    contract.get_by_role("button", name="验证").click()
    expect(contract.locator(".audit-result")).to_contain_text("已验证")
    expect(contract.locator(".audit-result")).to_contain_text("签名者为你信任的公钥")
    shot(page, "audit-pinned-key")


MERKLE_IN_BROWSER = """async (vectors) => {
  const m = await import("/merkle.js");
  const hex = (bytes) => bytes && m.bytesToHex(bytes);
  const ascii = (text) => new TextEncoder().encode(text);
  const leaves = await Promise.all(vectors.leaf_inputs_hex.map((h) => m.leafHash(m.hexToBytes(h))));
  const roots = {};
  for (let n = 0; n <= leaves.length; n += 1) roots[n] = hex(await m.treeRoot(leaves.slice(0, n)));
  const fold = async (p, path, leaf = leaves[p.leaf_index]) =>
    hex(await m.rootFromInclusionProof(p.leaf_index, p.tree_size, leaf, path.map(m.hexToBytes)));
  const proofs = [];
  const tampered = [];
  for (const p of vectors.inclusion_proofs) {
    proofs.push(await fold(p, p.audit_path));
    if (p.audit_path.length) {
      const flipped = [...p.audit_path];
      flipped[0] = (flipped[0][0] === "0" ? "1" : "0") + flipped[0].slice(1);
      tampered.push(await fold(p, flipped));
      tampered.push(await fold(p, p.audit_path.slice(1)));
    }
    tampered.push(await fold({ ...p, leaf_index: p.tree_size }, p.audit_path, leaves[0]));
  }
  const leafAnswers = [];
  for (const k of vectors.hash_leaf_known_answers) {
    leafAnswers.push(hex(await m.leafHash(ascii(k.input_ascii))));
  }
  const nodeAnswers = [];
  for (const k of vectors.hash_children_known_answers) {
    nodeAnswers.push(hex(await m.nodeHash(ascii(k.left_ascii), ascii(k.right_ascii))));
  }
  return { roots, proofs, tampered, leafAnswers, nodeAnswers };
}"""

RECORD_IN_BROWSER = """async (item) => {
  const { leafRecord } = await import("/pages/audit-verify.js");
  return new TextDecoder().decode(leafRecord(item));
}"""


def test_merkle_module_reproduces_the_rfc6962_known_answers_in_chromium(
    new_page: Callable[..., Page], shot: Shot
) -> None:
    page = new_page()
    open_page(page, "/")
    found = page.evaluate(MERKLE_IN_BROWSER, VECTORS)
    roots = VECTORS["roots_by_tree_size"]
    assert found["roots"] == roots
    assert found["proofs"] == [roots[str(p["tree_size"])] for p in VECTORS["inclusion_proofs"]]
    assert all(root is None or root not in roots.values() for root in found["tampered"])
    assert found["leafAnswers"] == [k["hash"] for k in VECTORS["hash_leaf_known_answers"]]
    assert found["nodeAnswers"] == [k["hash"] for k in VECTORS["hash_children_known_answers"]]

    item: dict[str, Any] = {
        "leaf_index": 12,
        "position": 9007199254740991,
        "stream_id": '流\u2028"\\/\u00e9\U0001f600',
        "stream_version": 3,
        "type": "aggregates.posting:Posting.BidPlaced",
        "recorded_at": "2026-11-25T08:00:00.000000Z",
        "payload_sha256": "ab" * 32,
    }
    assert page.evaluate(RECORD_IN_BROWSER, item) == leaf_record(**item).decode()
    shot(page, "merkle-known-answers")


def test_the_history_page_shows_the_posting_at_each_version(
    new_page: Callable[..., Page], history: History, shot: Shot
) -> None:
    page = new_page(mobile=True)
    _open_log(page, history.auditor)
    published = _event(page, history.positions["Posting.Published"])
    expect(published).to_be_visible()
    shot(page, "audit-log-phone")
    published.get_by_role("link", name=re.compile("查看聚合")).click()
    expect(page.get_by_role("heading", name="聚合历史")).to_be_visible()
    expect(page.locator("tbody.audit-event")).to_have_count(3)
    status = page.locator('#audit-state > [data-key="status"] > dd')
    expect(page.get_by_role("heading", name="第 3 版时的状态")).to_be_visible()
    expect(status).to_have_text("awarded")
    shot(page, "stream-latest")

    page.get_by_label("版本").select_option("1")
    page.get_by_role("button", name="查看该版本").click()
    expect(page.get_by_role("heading", name="第 1 版时的状态")).to_be_visible()
    expect(status).to_have_text("open")
    expect(page.locator('#audit-state > [data-key="contract_id"] > dd')).to_have_text("—")
    assert "version=1" in page.url
    shot(page, "stream-version-1")

    page.get_by_label("时间点").fill("2020-01-01T08:00:00")
    page.get_by_role("button", name="查看该时刻").click()
    expect(page.get_by_role("alert")).to_contain_text("该时间点聚合尚不存在")
    later = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(hours=1)
    page.get_by_label("时间点").fill(later.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="查看该时刻").click()
    expect(page.get_by_role("heading", name=re.compile(r"时的状态（第 3 版）"))).to_be_visible()
    expect(status).to_have_text("awarded")
    expect(page.locator('#audit-state > [data-key="contract_id"] > dd')).to_have_text(
        history.contract_id
    )
    page.locator("tbody.audit-event").first.get_by_role("button", name="验证").click()
    expect(page.locator(".audit-result").first).to_contain_text("已验证")
    shot(page, "stream-latest-by-time")


def test_the_log_pages_by_position_and_switches_language(
    new_page: Callable[..., Page], history: History, shot: Shot
) -> None:
    page = new_page()
    _open_log(page, history.auditor, "/audit?after=0&limit=3")
    expect(page.get_by_role("heading", name="从位置 1 起的事件")).to_be_visible()
    expect(page.locator("tbody.audit-event")).to_have_count(3)
    expect(page.get_by_role("link", name="较早的事件")).to_have_count(0)
    page.get_by_role("link", name="较新的事件").click()
    expect(page.locator("tbody.audit-event")).to_have_count(3)
    expect(page.locator("tbody.audit-event").first).not_to_have_attribute("data-position", "1")
    shot(page, "audit-page-2")

    target = history.positions["Posting.BidPlaced"]
    page.get_by_label("从位置开始").fill(str(target))
    page.get_by_role("button", name="前往").click()
    expect(page.get_by_role("heading", name=f"从位置 {target} 起的事件")).to_be_visible()
    expect(page.locator("tbody.audit-event").first).to_have_attribute("data-position", str(target))
    page.get_by_role("link", name="最新事件").click()
    expect(page.get_by_role("heading", name="最新事件")).to_be_visible()
    expect(_event(page, history.positions["Contract.Drafted"])).to_be_visible()

    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Audit: event log")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Leaf hash")).to_be_visible()
    shot(page, "audit-english")


def test_without_web_crypto_the_page_says_verification_needs_https(
    new_page: Callable[..., Page], history: History, shot: Shot
) -> None:
    """Plain HTTP on another host is not a secure context: no crypto.subtle in the browser."""
    page = new_page()
    page.add_init_script("Object.defineProperty(window.crypto, 'subtle', { value: undefined })")
    _open_log(page, history.auditor)
    expect(page.get_by_role("alert").filter(has_text="HTTPS")).to_be_visible()
    shot(page, "audit-insecure-context")
