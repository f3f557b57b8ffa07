"""The programme report's layout (API.md, "Contract document and programme report"): its
sections and figures in order, each with its zh and en label and the column of the report's
row (`projections.stats_report_queries`) that holds its value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    key: str
    zh: str
    en: str
    column: str


@dataclass(frozen=True)
class Section:
    key: str
    zh: str
    en: str
    figures: tuple[Figure, ...]


F = Figure
SECTIONS: tuple[Section, ...] = (
    Section(
        "enterprises",
        "服务企业",
        "Enterprises served",
        (
            F(
                "served",
                "服务企业数（发布、投标、融资或服务申请、活动报名）",
                "Enterprises served (posted, bid, asked for financing or a service, signed up)",
                "enterprises_served",
            ),
        ),
    ),
    Section(
        "service_requests",
        "服务需求",
        "Service requests",
        (
            F("received", "受理服务需求数", "Service requests received", "service_requests"),
            F("closed", "其中已办结", "Of which closed", "service_closed"),
            F("response_rate", "响应率", "Response rate", "response_rate"),
            F("resolution_rate", "按时办结率", "On-time resolution rate", "resolution_rate"),
            F("satisfaction_rate", "满意率", "Satisfaction rate", "satisfaction_rate"),
        ),
    ),
    Section(
        "policies",
        "政策信息",
        "Policy information",
        (F("published", "发布政策条数", "Policies published", "policies"),),
    ),
    Section(
        "activities",
        "活动",
        "Activities",
        (
            F("exhibitions", "举办展会场次", "Exhibitions held", "held_exhibition"),
            F("matchmaking", "举办对接会场次", "Matchmaking events held", "held_matchmaking"),
            F("lectures", "举办讲座场次", "Lectures held", "held_lecture"),
            F("trainings", "举办培训场次", "Trainings held", "held_training"),
            F("participants", "参加活动人次", "Participants (persons checked in)", "participants"),
            F("trained", "培训人次", "Persons trained (lectures and trainings)", "trained"),
        ),
    ),
    Section(
        "supply_demand",
        "供需对接",
        "Supply and demand",
        (
            F("postings", "发布供需信息条数", "Postings published", "postings"),
            F("deals", "促成交易数", "Deals (sale contracts signed)", "sale_contracts"),
            F("deal_amount", "交易金额（元）", "Deal amount (CNY)", "sale_amount"),
        ),
    ),
    Section(
        "financing",
        "融资服务",
        "Financing",
        (
            F("needs", "融资需求数", "Financing needs posted", "needs"),
            F("matched", "对接成功数", "Needs matched", "matched"),
            F("amount_matched", "对接金额（元）", "Amount matched (CNY)", "amount_matched"),
            F("amount_disbursed", "放款金额（元）", "Amount disbursed (CNY)", "amount_disbursed"),
            F("enterprises_financed", "获得融资企业数", "Enterprises financed", "financed"),
        ),
    ),
    Section(
        "exhibitions",
        "展会",
        "Exhibitions",
        (
            F("held", "举办展会场次", "Exhibitions held", "held_exhibition"),
            F(
                "exhibitors",
                "参展企业数（签到）",
                "Enterprises taking part (checked in)",
                "exhibitors",
            ),
        ),
    ),
    Section(
        "contracts",
        "合同",
        "Contracts",
        (
            F("sale_signed", "签订购销合同数", "Sale contracts signed", "sale_contracts"),
            F("sale_amount", "购销合同金额（元）", "Sale contract amount (CNY)", "sale_amount"),
            F("loan_signed", "签订借款合同数", "Loan contracts signed", "loan_contracts"),
            F("loan_amount", "借款合同金额（元）", "Loan contract amount (CNY)", "loan_amount"),
        ),
    ),
)


def report_sections(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections with their figures' values taken from the report's row."""
    return [
        {
            "key": s.key,
            "label": {"zh": s.zh, "en": s.en},
            "figures": [
                {"key": f.key, "label": {"zh": f.zh, "en": f.en}, "value": row[f.column]}
                for f in s.figures
            ],
        }
        for s in SECTIONS
    ]
