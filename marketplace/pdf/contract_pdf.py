"""The contract as a PDF (API.md, "Contract document and programme report"): its parties with
names and credit codes, its terms, the amount in figures and in Chinese capitals, the digest
the parties signed, each party's signing time and signer, and the audit-log leaf of each
signature with the way to verify it. Headings and labels in Chinese and English."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from marketplace.pdf.amounts_in_words import amount_in_capitals
from marketplace.pdf.contract_facts import ContractFacts, PartyFacts
from marketplace.pdf.fonts import Sheet

CST = timezone(timedelta(hours=8), "CST")
NOT_SIGNED = "未签署 / not signed"
KINDS = {"sale": ("购销合同", "Sale contract"), "loan": ("借款合同", "Loan contract")}
STATUSES = {
    "drafted": "待签署 drafted",
    "signed": "已签署 signed",
    "completed": "已履行 completed",
    "cancelled": "已取消 cancelled",
}
ROLES = {
    "buyer": ("买方", "Buyer"),
    "seller": ("卖方", "Seller"),
    "lender": ("贷款人", "Lender"),
    "borrower": ("借款人", "Borrower"),
}
TERMS = {  # the terms' keys in the order printed; others follow under their own key
    "title": ("标的", "Subject"),
    "category": ("类别", "Category"),
    "quantity": ("数量", "Quantity"),
    "unit": ("单位", "Unit"),
    "unit_price": ("单价", "Unit price"),
    "delivery_days": ("交付期限（天）", "Delivery (days)"),
    "product_type": ("产品类型", "Product type"),
    "purpose": ("借款用途", "Purpose"),
    "annual_rate": ("年利率（%）", "Annual rate (%)"),
    "term_months": ("期限（月）", "Term (months)"),
    "conditions": ("条件", "Conditions"),
}
DIGEST_ZH = (
    "摘要为 {kind, parties, terms, amount, currency} 的 RFC 8785 规范 JSON 的 SHA-256，"
    "各方签署的即是此摘要。"
)
DIGEST_EN = (
    "The digest is the SHA-256 of the RFC 8785 canonical JSON of {kind, parties, terms, amount,"
    " currency}; each party signed this digest."
)
VERIFY_ZH = (
    "每个签署事件都是平台审计日志（RFC 6962 Merkle 树，叶子 = SHA-256(0x00 ‖ 记录)）中的一个叶子。"
    "验证方法：运营方或审计方调用 GET /api/v1/audit/proofs/inclusion?leaf_index=叶序号&tree_size=N "
    "取得包含证明，并与 GET /api/v1/audit/checkpoint 返回的 Ed25519 签名树头"
    "（tree_size 为 N）核对；"
    "或离线验证：market audit export 目录，再 market audit verify-bundle 目录 --trusted-key 公钥，"
    "然后在 leaves.jsonl 中按叶序号找到该叶子，核对其 stream_id（合同编号）与 leaf_hash。"
)
VERIFY_EN = (
    "Each signature event is a leaf of the platform's audit log (an RFC 6962 Merkle tree, leaf ="
    " SHA-256(0x00 ‖ record)). To verify: an operator or auditor asks GET"
    " /api/v1/audit/proofs/inclusion?leaf_index=LEAF&tree_size=N for the inclusion proof and"
    " checks it against the Ed25519-signed tree head of GET /api/v1/audit/checkpoint (of size N);"
    " or offline: market audit export DIR, then market audit verify-bundle DIR --trusted-key KEY,"
    " and find the leaf by its index in leaves.jsonl: its stream_id is the contract's id and its"
    " leaf_hash the one printed here."
)


def contract_pdf(contract: ContractFacts) -> bytes:
    kind_zh, kind_en = KINDS.get(contract.kind, ("合同", "Contract"))
    sheet = Sheet(f"{kind_zh} {kind_en} {contract.id}")
    sheet.title_block(kind_zh, kind_en)
    sheet.fields(
        [
            ("合同编号", "Contract ID", contract.id),
            ("状态", "Status", STATUSES.get(contract.status, contract.status)),
            ("起草时间", "Drafted at", cst(contract.drafted_at)),
        ]
    )
    sheet.heading("当事方", "Parties")
    for party in contract.parties:
        zh, en = ROLES.get(party.role, (party.role, party.role))
        sheet.fields([(zh, en, party.name), ("统一社会信用代码", "Credit code", party.credit_code)])
    sheet.heading("合同条款", "Terms")
    sheet.fields(_terms(contract.terms))
    _documents(sheet, contract.terms.get("documents"))
    sheet.heading("合同金额", "Amount")
    sheet.fields(_amount(contract.amount, contract.currency))
    sheet.heading("合同摘要", "Digest")
    sheet.fields([("SHA-256", "digest", contract.digest)])
    sheet.text_block(DIGEST_ZH, size=8.5)
    sheet.text_block(DIGEST_EN, size=8.5, words=True)
    sheet.heading("签署", "Signatures")
    for party in contract.parties:
        sheet.fields(_signature(party))
    sheet.heading("如何验证", "How to verify")
    sheet.text_block(VERIFY_ZH, size=8.5)
    sheet.text_block(VERIFY_EN, size=8.5, words=True)
    return sheet.bytes()


def cst(moment: datetime) -> str:
    """China Standard Time to the second, e.g. `2026-12-07 17:55:01 CST (UTC+8)`."""
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S CST (UTC+8)")


def figures(amount: Decimal) -> str:
    """Exact, with thousands separators: 12,345.67 (the places given are kept)."""
    return format(amount, ",f")


def _terms(terms: dict[str, Any]) -> list[tuple[str, str, str]]:
    known = [key for key in TERMS if key in terms]
    others = sorted(key for key in terms if key not in TERMS and key != "documents")
    rows = []
    for key in known + others:
        zh, en = TERMS.get(key, (key, ""))
        rows.append((zh, en, _text(terms[key])))
    return rows


def _documents(sheet: Sheet, documents: Any) -> None:
    if not isinstance(documents, list) or not documents:
        return
    rows: list[tuple[str, ...]] = [("附件 Attachment", "SHA-256")]
    for document in documents:
        item = document if isinstance(document, dict) else {}
        rows.append((_text(item.get("filename")), _text(item.get("sha256"))))
    sheet.text_block(
        "附件（其 SHA-256 计入摘要） Attachments (their SHA-256 is part of the digest)"
    )
    sheet.grid(rows, widths=(40, 60))


def _amount(amount: Decimal, currency: str) -> list[tuple[str, str, str]]:
    rows = [("小写", "In figures", f"{currency} {figures(amount)}")]
    if currency == "CNY":
        rows.append(("大写", "In capitals", f"人民币{amount_in_capitals(amount)}"))
    else:
        rows.append(("大写", "In capitals", "大写金额仅用于人民币 / for CNY amounts only"))
    return rows


def _signature(party: PartyFacts) -> list[tuple[str, str, str]]:
    zh, en = ROLES.get(party.role, (party.role, party.role))
    rows = [(zh, en, party.name)]
    signed = party.signature
    if signed is None:
        return [*rows, ("签署时间", "Signed at", NOT_SIGNED)]
    leaf = "—（无叶子 / no leaf）" if signed.leaf_index is None else str(signed.leaf_index)
    return [
        *rows,
        ("签署时间", "Signed at", cst(signed.signed_at)),
        ("签署人", "Signed by", signed.signer),
        ("审计日志叶序号", "Audit leaf index", leaf),
        ("叶哈希", "Leaf hash", signed.leaf_hash or "—"),
        ("日志位置", "Log position", str(signed.position)),
    ]


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
