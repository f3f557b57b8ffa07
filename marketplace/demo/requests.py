"""Demo data of service requests (诉求), one in every state, written through the use cases:
asked, dispatched by the centre's operator (or ordered from a product), accepted, noted,
resolved, rated (closed, or reopened by a poor rating), withdrawn, and one returned by its
provider to the operator."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from marketplace.application import Marketplace

# (enterprise, category, urgency, title, description, provider or None, steps)
# Steps after the dispatch: accept, note, return, resolve, feedback (satisfaction, resolved).
REQUESTS = [
    ("qd_food", "testing_inspection", "urgent", "出口日本的海产干货需加急检测报告",
     "客户要求两周内提供农残与重金属检测报告，请推荐有 CMA 资质的检测机构。", None, []),
    ("sz_smart", "informatization", "general", "Moving our ERP to the cloud",
     "About 60 users; we need advice on cloud hosting and data protection.", "sz_it", []),
    ("hz_steel", "legal", "timely", "供应商拖欠货款，需律师发函",
     "供应商逾期 90 天未付款约 86 万元，希望律师出具律师函并评估诉讼风险。", "hz_law",
     ["accept", "note"]),
    ("xm_elec", "certification", "complex", "储能产品 ISO 9001 认证辅导",
     "计划半年内通过 ISO 9001 认证，需要体系文件编写与内审员培训。", "xm_lab",
     ["accept", "resolve"]),
    ("sz_logi", "human_resources", "general", "English training for customs staff",
     "Six staff handle foreign customers; we need a short course this quarter.", "sz_school",
     ["accept", "resolve", "poor"]),
    ("xm_elec", "technology", "timely", "等保二级测评咨询",
     "客户要求我司通过等保二级测评，需要差距分析。", "sz_it", ["return"]),
    ("hz_steel", "management", "general", "精益生产管理咨询",
     "希望改善车间排产与库存周转。", None, ["withdraw"]),
]  # fmt: skip

NOTE = "已电话联系企业财务负责人，周三上门了解合同与往来凭证。"
SUMMARY = "已完成体系文件编写与两次内审员培训，企业已提交认证申请。"
RETURN = "本公司暂无具备等保测评资质的人员，请改派其他机构。"
ORDER = ("hz_tea", "新签经销合同审查", "与 12 家经销商续签年度经销合同，请审查条款风险。")


def load_requests_demo(app: Marketplace, ids: dict[str, UUID], ordered: UUID) -> int:
    """The requests above, and one order of the product `ordered` rated and closed."""
    written = 0
    operator = ids["operator"]
    for enterprise, category, urgency, title, description, provider, steps in REQUESTS:
        request = app.submit_service_request(
            ids[enterprise], product_id=None, category=category, title=title,
            description=description, urgency=urgency, region=None,
        ).aggregate.id  # fmt: skip
        written += 1
        if provider is not None:
            app.dispatch_service_request(request, operator, ids[provider], None)
            written += 1
        for step in steps:
            _STEPS[step](app, request, ids[enterprise], ids[provider] if provider else operator)
            written += 1
    enterprise, title, description = ORDER
    order = app.submit_service_request(
        ids[enterprise], product_id=ordered, category=None, title=title,
        description=description, urgency="timely", region=None,
    )  # fmt: skip
    assignee = order.aggregate.provider_id
    assert assignee is not None  # an order goes to the product's provider at once
    request = order.aggregate.id
    app.accept_service_request(request, assignee)
    app.resolve_service_request(request, assignee, "已逐份审查并出具修改意见，企业已据此签约。")
    app.give_service_feedback(request, ids[enterprise], 5, True, "律师很专业，响应及时。")
    # The order: Submitted and Dispatched, Accepted, Resolved, FeedbackGiven and Closed.
    return written + 6


Step = Callable[[Marketplace, UUID, UUID, UUID], object]
_STEPS: dict[str, Step] = {
    "accept": lambda app, r, _, p: app.accept_service_request(r, p),
    "note": lambda app, r, _, p: app.add_service_request_note(r, p, "provider", NOTE),
    "resolve": lambda app, r, _, p: app.resolve_service_request(r, p, SUMMARY),
    "poor": lambda app, r, e, _: app.give_service_feedback(r, e, 2, False, "课程与岗位需求不符。"),
    "return": lambda app, r, _, p: app.return_service_request(r, p, RETURN),
    "withdraw": lambda app, r, e, _: app.withdraw_service_request(r, e, "已自行解决。"),
}
