"""The programme report (API.md, "Contract document and programme report"): sections of
figures, each with its zh and en label; counts are integers, amounts (CNY) and rates decimal
strings, a rate null when nothing was counted under it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from api.schemas.common import DecimalOut


class Label(BaseModel):
    zh: str
    en: str


class ReportFigure(BaseModel):
    key: str
    label: Label
    value: int | DecimalOut | None = Field(
        description="a count (integer), an amount in CNY or a rate in [0, 1] (decimal string)"
    )


class ReportSection(BaseModel):
    key: str
    label: Label
    figures: list[ReportFigure]


class ProgrammeReport(BaseModel):
    start: date = Field(serialization_alias="from", description="first day, inclusive (CST)")
    end: date = Field(serialization_alias="to", description="last day, inclusive (CST)")
    position: int = Field(description="every figure is the fold of the log up to here")
    sections: list[ReportSection]
