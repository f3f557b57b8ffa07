"""Demo data of financing docking: verified banks' products, needs of every type, offers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from marketplace.application import Marketplace

BANKS = ["hz_bank", "xm_bank", "sz_bank"]

# (bank, name, type, amount_min, amount_max, term_min, term_max, rate_min, rate_max, regions)
PRODUCTS = [
    ("hz_bank", "科创信用贷", "credit_loan", "100000", "5000000", 6, 36, "3.45", "6.50", ["33"]),
    ("hz_bank", "应收账款e融", "receivables", "500000", "20000000", 3, 12, "3.60", "5.80",
     ["3301", "3302"]),
    ("hz_bank", "仓单质押通", "warehouse_receipt", "1000000", "30000000", 3, 12, "3.90", "6.00",
     ["31", "32", "33", "37"]),
    ("xm_bank", "订单贷", "order_financing", "200000", "10000000", 3, 12, "3.80", "6.20",
     ["35", "44"]),
    ("xm_bank", "存货质押贷", "inventory_pledge", "500000", "15000000", 6, 24, "4.10", "6.80",
     ["3502", "33"]),
    ("sz_bank", "政府性融资担保贷", "guaranteed_loan", "100000", "10000000", 12, 36, "3.20", "4.80",
     ["44"]),
    ("sz_bank", "Cross-border receivables finance", "receivables", "1000000", "50000000", 3, 6,
     "4.00", "6.50", ["44", "35"]),
    ("sz_bank", "科技信用贷", "credit_loan", "100000", "3000000", 12, 36, "3.85", "7.50",
     ["4403", "330114"]),
]  # fmt: skip

# (owner, type, amount, term_months, purpose, region, days to respond or None)
NEEDS = [
    ("hz_steel", "credit_loan", "2000000", 24, "采购数控机床伺服电机的流动资金。", "330114", 30),
    ("xm_elec", "receivables", "8000000", 6, "以对储能设备客户的应收账款融资，账期90天。",
     "350205", None),
    ("sz_smart", "order_financing", "3000000", 6,
     "Financing a confirmed order of 20,000 smart home sensors.", "440305", 21),
    ("qd_food", "warehouse_receipt", "5000000", 6, "冷库仓单质押，用于海产品收购旺季。", "370212",
     45),
    ("hz_tea", "inventory_pledge", "1500000", 12, "以明前龙井库存质押，补充包装与物流资金。",
     "330106", None),
    ("sz_logi", "guaranteed_loan", "2000000", 24,
     "Fleet expansion for weekly Shenzhen–Hangzhou trucks, guaranteed by the city fund.",
     "440304", 30),
]  # fmt: skip

# (bank, need index, amount, annual_rate, term_months, conditions)
OFFERS = [
    ("hz_bank", 0, "2000000", "4.35", 24, "需提供近两年财务报表。"),
    ("sz_bank", 2, "3000000", "4.20", 6, "以订单回款账户作为还款来源。"),
    ("xm_bank", 2, "2500000", "3.95", 6, None),
    ("xm_bank", 1, "8000000", "3.85", 6, "应收账款须在中征应收账款融资服务平台登记。"),
    ("hz_bank", 4, "1500000", "4.60", 12, "质押物由第三方仓储监管。"),
]

ACCEPTED = 3  # the receivables offer to Xiamen is accepted, signed and paid out in full


def load_financing_demo(app: Marketplace, ids: dict[str, UUID]) -> int:
    """Products, needs and offers of the demo banks (already registered and verified)."""
    written = 0
    for bank, name, kind, low, high, t_min, t_max, r_min, r_max, regions in PRODUCTS:
        app.publish_bank_product(
            ids[bank], name=name, product_type=kind, amount_min=Decimal(low),
            amount_max=Decimal(high), term_min=t_min, term_max=t_max, rate_min=Decimal(r_min),
            rate_max=Decimal(r_max), regions=regions,
        )  # fmt: skip
        written += 1
    needs: list[UUID] = []
    for owner, kind, amount, term, purpose, region, days in NEEDS:
        respond_by = None if days is None else app.clock() + timedelta(days=days)
        outcome = app.post_financing_need(
            ids[owner], amount=Decimal(amount), term_months=term, purpose=purpose,
            product_type=kind, region=region, respond_by=respond_by,
        )  # fmt: skip
        needs.append(outcome.aggregate.id)
        written += 1
    offers: list[UUID] = []
    for bank, index, amount, rate, term, conditions in OFFERS:
        outcome = app.make_offer(
            needs[index], ids[bank], amount=Decimal(amount), annual_rate=Decimal(rate),
            term_months=term, conditions=conditions,
        )  # fmt: skip
        offers.append(outcome.offer.id)
        written += 1
    bank, index, amount, *_ = OFFERS[ACCEPTED]
    contract = app.accept_offer(needs[index], offers[ACCEPTED], ids[NEEDS[index][0]]).contract
    for party in (ids[bank], ids[NEEDS[index][0]]):
        app.sign_contract(contract.id, party, contract.digest)
    app.disburse_loan(needs[index], ids[bank], Decimal(amount))
    return written + 5  # the acceptance writes the need's event and the loan contract
