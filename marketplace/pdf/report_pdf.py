"""The programme report as a PDF: the period, the log position every figure is folded up to,
and each section's figures with their zh and en labels, valued as the JSON report values them
(counts as integers, amounts in CNY and rates as exact decimals; a rate also in percent)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from aggregates.decimals import format_decimal
from marketplace.pdf.fonts import Sheet

NONE = "—（无 / none）"


def report_pdf(start: date, end: date, position: int, sections: list[dict[str, Any]]) -> bytes:
    """`sections` as `marketplace.report.report_sections` gives them."""
    sheet = Sheet(f"项目报表 Programme report {start.isoformat()} – {end.isoformat()}")
    sheet.title_block("项目报表", "Programme report")
    sheet.fields(
        [
            (
                "统计期间",
                "Period",
                f"{start.isoformat()} 至 to {end.isoformat()}（含 inclusive, CST）",
            ),
            ("日志位置", "Log position", str(position)),
        ]
    )
    sheet.text_block(f"所有数字均由事件日志折叠至位置 {position}。", size=8.5)
    sheet.text_block(
        f"Every figure is folded from the event log up to position {position}.",
        size=8.5,
        words=True,
    )
    for section in sections:
        label = section["label"]
        sheet.heading(label["zh"], label["en"])
        rows: list[tuple[str, ...]] = [("指标", "Figure", "数值 Value")]
        for figure in section["figures"]:
            rows.append((figure["label"]["zh"], figure["label"]["en"], value_text(figure)))
        sheet.grid(rows, widths=(38, 44, 18), align=("LEFT", "LEFT", "RIGHT"))
    return sheet.bytes()


def value_text(figure: dict[str, Any]) -> str:
    """The value as the JSON report writes it; a rate with its percentage after it."""
    value = figure["value"]
    if value is None:
        return NONE
    if isinstance(value, Decimal):
        text = format_decimal(value)
        if figure["key"].endswith("_rate"):
            percent = (value * 100).quantize(Decimal("0.01"))
            return f"{text} ({format_decimal(percent)}%)"
        return text
    return str(value)
