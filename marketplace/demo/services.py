"""Demo data of the service hall: verified providers (a law firm, a testing lab, an accounting
firm, a training school, an IT service company) and their service products, free, discounted
and at market prices, for different regions and with different promised response times; one
product revised and one retired, as a living catalogue has them."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from marketplace.application import Marketplace
from marketplace.demo.requests import load_requests_demo

# (provider, name, category, pricing, price, unit, regions, response_hours, description)
PRODUCTS = [
    ("hz_law", "中小企业合同审查", "legal", "discounted", "800", "次", ["33"], 24,
     "执业律师审查采购、销售、租赁合同，出具风险提示与修改建议。"
     " Contract review for SMEs by licensed lawyers."),
    ("hz_law", "企业法律体检（公益）", "legal", "free", None, "次", ["3301"], 48,
     "每季度一次免费法律风险排查：劳动用工、知识产权、合同管理。"),
    ("hz_law", "Labour dispute mediation", "legal", "market", "3000", "件", ["33", "31"], 72,
     "Mediation and representation in labour arbitration for employers in Zhejiang and "
     "Shanghai."),
    ("xm_lab", "电子产品安规检测", "testing_inspection", "discounted", "2600", "项",
     ["35", "44"], 24,
     "依据 GB 4943.1 开展安全检测，出具 CMA/CNAS 报告。 Safety testing of IT equipment."),
    ("xm_lab", "食品理化与微生物检验", "testing_inspection", "market", "680", "批次",
     ["3502", "37"], 48, "出口食品检验，含农残、重金属与微生物项目，7 个工作日出报告。"),
    ("xm_lab", "ISO 9001 认证辅导", "certification", "discounted", "12000", "项", ["35"], 72,
     "质量管理体系建立、内审员培训与认证审核陪同。 ISO 9001 certification coaching."),
    ("qd_acct", "小微企业代理记账", "business", "discounted", "300", "月", ["3702"], 24,
     "小规模纳税人记账报税，每月出具财务报表。 Bookkeeping and tax filing for small firms."),
    ("qd_acct", "融资财务规范辅导（公益）", "financing", "free", None, "次", ["37"], 72,
     "帮助企业整理近两年财务报表，准备银行授信材料。"),
    ("qd_acct", "Financial due diligence", "management", "market", "20000", "项",
     ["37", "33"], 168, "Due diligence before investment or acquisition, by CPAs."),
    ("sz_school", "创业培训（SYB）公益班", "training_startup", "free", None, "期", ["4403"],
     168, "人社部门认定的创业培训课程，结业颁发合格证书，可申请创业担保贷款。"),
    ("sz_school", "Workplace English for export sales", "human_resources", "discounted", "1500",
     "人", ["44"], 72, "Eight evenings of English for export sales staff, small classes."),
    ("sz_it", "中小企业上云诊断（公益）", "informatization", "free", None, "次", ["44", "35"],
     24, "免费数字化诊断，提出上云与数据安全方案。 Free digital-readiness check."),
    ("sz_it", "ERP implementation for small factories", "informatization", "market", "60000",
     "项", ["4403", "3301"], 48,
     "Open-source ERP set up for production, stock and orders; training included."),
    ("sz_it", "等保二级测评整改", "technology", "discounted", "18000", "项", ["44"], 72,
     "网络安全等级保护二级差距分析与整改，协助通过测评。"),
]  # fmt: skip

REVISED = 0  # the contract review gets cheaper for Hangzhou and Shanghai too
RETIRED = 4  # the food test moved to another lab


def load_services_demo(app: Marketplace, ids: dict[str, UUID], providers: list[str]) -> int:
    """Verify the demo providers, publish their products, and load the requests."""
    for provider in providers:
        app.verify_organization(ids[provider])
    products: list[UUID] = []
    for key, name, category, pricing, price, unit, regions, hours, description in PRODUCTS:
        outcome = app.publish_service_product(
            ids[key], name=name, category=category, description=description, pricing=pricing,
            price=None if price is None else Decimal(price), unit=unit, regions=regions,
            response_hours=hours,
        )  # fmt: skip
        products.append(outcome.aggregate.id)
    law = ids[PRODUCTS[REVISED][0]]
    changes = {"price": Decimal("600"), "regions": ["33", "31"]}
    app.revise_service_product(products[REVISED], law, changes)
    app.retire_service_product(products[RETIRED], ids[PRODUCTS[RETIRED][0]])
    written = len(providers) + len(PRODUCTS) + 2
    return written + load_requests_demo(app, ids, products[REVISED])
