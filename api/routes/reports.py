"""The programme report, for operators and auditors: the figures a service centre reports
upward for a period, as JSON, one XLSX sheet or a PDF document."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from openpyxl import Workbook

from api.deps import StaffOnly, StatsQueriesDep, fresh
from api.exports import PDF_TYPE, XLSX_TYPE, attachment
from api.routes.stats import POSITION_HEADER, MinPosition, answered_at, period
from api.schemas.common import DateIn
from api.schemas.reports import ProgrammeReport, ReportSection
from marketplace.pdf.report_pdf import report_pdf
from marketplace.report import report_sections
from projections.stats import StatsView

router = APIRouter(
    prefix="/reports", tags=["statistics"], dependencies=[StaffOnly, fresh(StatsView)]
)

ReportFormat = Literal["json", "xlsx", "pdf"]
FILE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            PDF_TYPE: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


def _xlsx(report: ProgrammeReport) -> bytes:
    """One sheet: each figure's section, key, zh and en label and value (numbers as numbers)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "programme"
    sheet.append(["section", "figure", "指标", "figure (en)", "value"])
    for section in report.sections:
        for figure in section.figures:
            row = [section.key, figure.key, figure.label.zh, figure.label.en, figure.value]
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@router.get("/programme", response_model=ProgrammeReport, responses=FILE_ANSWERS)
def read_programme_report(
    stats: StatsQueriesDep,
    response: Response,
    start: Annotated[DateIn, Query(alias="from", description="first day, inclusive (CST)")],
    end: Annotated[DateIn, Query(alias="to", description="last day, inclusive (CST)")],
    fmt: Annotated[ReportFormat, Query(alias="format")] = "json",
    min_position: MinPosition = None,
) -> ProgrammeReport | Response:
    """Enterprises served, service requests, policies, activities, persons trained,
    supply–demand postings and deals, financing, exhibitions and contracts in the period."""
    row = stats.programme(period(start, end))
    position = answered_at(int(row["position"]), min_position)
    sections = report_sections(row)
    report = ProgrammeReport(
        start=start,
        end=end,
        position=position,
        sections=[ReportSection.model_validate(s) for s in sections],
    )
    response.headers[POSITION_HEADER] = str(position)
    if fmt == "json":
        return report
    name = f"programme-report-{start.isoformat()}-{end.isoformat()}.{fmt}"
    headers = {POSITION_HEADER: str(position), **attachment(name)}
    if fmt == "pdf":
        content = report_pdf(start, end, position, sections)
        return Response(content, media_type=PDF_TYPE, headers=headers)
    return Response(_xlsx(report), media_type=XLSX_TYPE, headers=headers)
