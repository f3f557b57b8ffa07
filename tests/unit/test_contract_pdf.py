"""The contract document's rendering from its facts, without a server: attached documents in
`terms.documents`, terms it has no label for, other currencies, and the font's fallbacks."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from marketplace.pdf.contract_facts import ContractFacts, PartyFacts, Signature
from marketplace.pdf.contract_pdf import contract_pdf
from marketplace.pdf.fonts import Sheet
from tests.pdf_text import pdf_text, squeezed

SHA = "ab" * 32
SIGNED = Signature(
    datetime(2026, 3, 1, 2, 3, 4, tzinfo=UTC), "王晓 (clerk.wang)", 41, "cd" * 32, 57
)


def facts(**changes: Any) -> ContractFacts:
    base: dict[str, Any] = {
        "id": "7d2c0b1e-0000-4000-8000-000000000001",
        "kind": "sale",
        "status": "drafted",
        "parties": [
            PartyFacts("a", "buyer", "青岛鑫淼贸易有限公司", "91370200MA3C4XYZ0K", SIGNED),
            PartyFacts("b", "seller", "Qingdao Steel Co.", "91370200MA3C4XYZ1L", None),
        ],
        "terms": {"title": "钢板", "quantity": "2", "unit_price": "0.5", "unit": "吨"},
        "amount": Decimal("1.00"),
        "currency": "CNY",
        "digest": "ef" * 32,
        "drafted_at": datetime(2026, 2, 28, 16, 0, tzinfo=UTC),
    }
    return ContractFacts(**(base | changes))


def test_signed_and_unsigned_parties_and_times_in_china_standard_time() -> None:
    text = pdf_text(contract_pdf(facts()))
    flat = squeezed(text)
    assert "2026-03-01 00:00:00 CST (UTC+8)" in text  # drafted at 16:00 UTC
    assert "2026-03-01 10:03:04 CST (UTC+8)" in text  # signed at 02:03:04 UTC
    assert "王晓 (clerk.wang)" in text and "未签署 / not signed" in text
    assert "Auditleafindex41" in flat and "cd" * 32 in flat and "Logposition57" in flat
    assert "人民币壹元整" in text and "CNY 1.00" in text


def test_attached_documents_are_listed_with_their_hashes() -> None:
    terms = {"title": "钢板", "documents": [{"sha256": SHA, "filename": "质检报告.pdf"}]}
    flat = squeezed(pdf_text(contract_pdf(facts(terms=terms))))
    assert "质检报告.pdf" in flat and SHA in flat
    assert "Attachments" in flat


def test_terms_without_a_label_are_printed_under_their_key() -> None:
    terms = {"title": "钢板", "warranty": {"months": 12}, "note": None}
    text = pdf_text(contract_pdf(facts(terms=terms)))
    assert "warranty" in text and '{"months": 12}' in text and "note" in text


def test_capitals_only_for_renminbi() -> None:
    text = pdf_text(contract_pdf(facts(currency="USD", amount=Decimal("1234567.5"))))
    assert "USD 1,234,567.5" in text
    assert "大写金额仅用于人民币" in text and "人民币壹" not in text


def test_the_font_comes_from_its_package_and_lacks_are_spelled_out() -> None:
    sheet = Sheet("t")
    assert sheet.printable("杭州龘靐 Co.") == "杭州龘靐 Co."
    assert sheet.printable("𠀀企业😀") == "[U+20000]企业[U+1F600]"
