"""Realistic demo data: enterprises in Hangzhou, Xiamen, Qingdao and Shenzhen, postings, bids,
verified banks with their products, financing needs of every type and offers, a trade fair in
Hangzhou, an online matchmaking event, a lecture and a training with signups, and a dozen
policy items; service providers (law, testing, accounting, training, IT) with their
service products."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from aggregates.errors import ConflictError, NotFoundError
from aggregates.organization import organization_id
from aggregates.values import make_credit_code
from marketplace.application import Marketplace
from marketplace.demo.exhibitions import load_exhibitions_demo
from marketplace.demo.financing import BANKS, load_financing_demo
from marketplace.demo.policies import load_policies_demo
from marketplace.demo.services import load_services_demo

DEMO_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class DemoOrg:
    key: str
    kind: str
    name: str
    region: str
    industry: str | None
    body: str  # 9 characters of the credit code after the region
    categories: tuple[str, ...] = ()  # a provider's service categories

    @property
    def credit_code(self) -> str:
        return make_credit_code(
            ("91" if self.kind != "operator" else "12") + self.region + self.body
        )


ORGS = [
    DemoOrg("operator", "operator", "杭州市中小企业服务中心", "330106", None, "MB1234560"),
    DemoOrg("hz_steel", "enterprise", "杭州钱塘精密制造有限公司", "330114", "C34", "MA2H3K7Q1"),
    DemoOrg("hz_tea", "enterprise", "杭州西湖龙井茶业有限公司", "330106", "C15", "MA27XYN45"),
    DemoOrg("xm_elec", "enterprise", "厦门海沧电子科技有限公司", "350205", "C39", "MA8RTL2W3"),
    DemoOrg("qd_food", "enterprise", "青岛崂山食品进出口有限公司", "370212", "F51", "MA3C9PJ16"),
    DemoOrg("sz_smart", "enterprise", "深圳南山智能硬件有限公司", "440305", "C39", "MA5FQK8X2"),
    DemoOrg(
        "sz_logi", "enterprise", "Shenzhen Bay Logistics Co., Ltd.", "440304", "G54", "MA5GE3N77"
    ),
    DemoOrg("hz_bank", "bank", "杭州科创银行西湖支行", "330106", None, "MB7K3P2X1"),
    DemoOrg("xm_bank", "bank", "厦门海湾商业银行海沧支行", "350205", None, "MA8BNK7Q2"),
    DemoOrg("sz_bank", "bank", "深圳前海农商银行南山支行", "440305", None, "MA5BK9R31"),
    DemoOrg("hz_law", "provider", "浙江钱江律师事务所", "330106", None, "MD3L4W8K2", ("legal",)),
    DemoOrg(
        "xm_lab",
        "provider",
        "厦门海西检验检测中心有限公司",
        "350205",
        None,
        "MA8TQ5C61",
        ("testing_inspection", "certification"),
    ),
    DemoOrg(
        "qd_acct",
        "provider",
        "青岛信诚会计师事务所",
        "370212",
        None,
        "MA3K6N2P7",
        ("business", "financing", "management"),
    ),
    DemoOrg(
        "sz_school",
        "provider",
        "深圳南山职业培训学校",
        "440305",
        None,
        "MA5TR4H83",
        ("training_startup", "human_resources"),
    ),
    DemoOrg(
        "sz_it",
        "provider",
        "Shenzhen Cloudbridge IT Services Co., Ltd.",
        "440305",
        None,
        "MA5CL8D24",
        ("informatization", "technology"),
    ),
    DemoOrg("auditor", "auditor", "杭州明鉴会计师事务所（审计）", "330106", None, "MA2AUD7T3"),
]

# (owner, side, title, description, category, quantity, unit, price_min, price_max, region)
POSTINGS = [
    ("hz_steel", "supply", "304不锈钢冷轧板材 现货200吨",
     "厚度0.5-3mm，宽幅1219/1500，提供质保书，杭州仓库自提或配送。", "C31", "200", "吨",
     "14500", "15800", "330114"),
    ("xm_elec", "demand", "采购工业级锂电池模组 5000套",
     "用于储能设备，需通过UN38.3认证，分批交货，厦门海沧交付。", "C38", "5000", "套",
     "380", "460", "350205"),
    ("sz_smart", "demand", "Seeking PCB assembly partner for smart home sensors",
     "Monthly volume 20,000 boards, SMT + THT, IPC-A-610 class 2, delivery to Shenzhen.", "C39",
     "20000", "pcs", "6.5", "9.0", "440305"),
    ("qd_food", "supply", "崂山绿茶与海产干货 出口级货源",
     "可提供出口检验检疫证明，支持冷链运输到华东、华南。", "F51", "30", "吨", "52000", "68000",
     "370212"),
    ("hz_tea", "supply", "明前西湖龙井 特级 礼盒装",
     "Premium West Lake Longjing tea, gift boxes, OEM packaging available.", "C15", "2000", "盒",
     "680", "980", "330106"),
    ("sz_logi", "supply", "Cross-border freight: Shenzhen to Hangzhou and Xiamen, weekly trucks",
     "Full and less-than-truckload, bonded warehouse in Qianhai, customs brokerage.", "G54",
     "40", "trips", "5200", "7800", "440304"),
    ("hz_steel", "demand", "求购数控机床伺服电机 120台",
     "功率1.5-5.5kW，需配套驱动器，长三角地区优先。", "C38", "120", "台", "2600", "4200",
     "330114"),
    # In English and open, so that the English search box's examples (stainless steel, battery,
    # PCB) find them (the PCB posting above is awarded, so it is no longer listed as open).
    ("hz_steel", "supply", "Stainless steel sheet 304/316L, cold rolled, 2B finish",
     "Cold-rolled stainless steel sheets and coils, 0.5-6 mm, mill certificates, delivery "
     "from Hangzhou.", "C31", "120", "tons", "15200", "18600", "330114"),
    ("xm_elec", "supply", "LiFePO4 battery packs for energy storage, 51.2 V 100 Ah",
     "Lithium iron phosphate battery modules with BMS, UN38.3 and IEC 62619 certified; OEM "
     "packaging welcome.", "C38", "800", "sets", "5200", "6800", "350205"),
    ("sz_smart", "supply", "PCB assembly for small batches: SMT + THT, 2-12 layer boards",
     "Prototypes to 50,000 boards a month, IPC-A-610 class 2, AOI and X-ray inspection, "
     "Shenzhen Nanshan.", "C39", "50000", "pcs", "3.5", "12.0", "440305"),
]  # fmt: skip

# (bidder, posting index, unit_price, quantity, delivery_days, message)
BIDS = [
    ("sz_smart", 1, "420", "5000", 45, "可提供储能级电芯，支持分批交货。"),
    ("hz_steel", 2, "8.20", "20000", 30, "We can start with a pilot run of 2,000 boards."),
    ("xm_elec", 2, "7.90", "20000", 25, None),
    ("sz_smart", 6, "3900", "120", 20, "含驱动器与调试服务。"),
]


# (index into BIDS, completed too): deals awarded and signed by both parties.
DEALS = [(3, True), (1, False)]


def load_demo(app: Marketplace, password: str = DEMO_PASSWORD) -> int:
    """Load the demo once; later calls find it and do nothing. The number of events written."""
    written, present = 0, False
    for org in ORGS:
        if _registered(app, org.credit_code):
            present = True  # by an earlier load (perhaps one from before this account was added)
            continue
        try:
            app.register_organization(
                kind=org.kind,
                name=org.name,
                credit_code=org.credit_code,
                region=org.region,
                industry=org.industry,
                contact={"name": "演示联系人", "phone": "0571-88880000", "email": None},
                password=password,
                service_categories=list(org.categories) or None,
            )
            written += 1
        except ConflictError:
            present = True  # by a load running at the same time
    if present:
        return written
    ids = {org.key: organization_id(org.credit_code) for org in ORGS}
    if app.starts_unverified("enterprise"):  # MARKET_ENTERPRISE_VERIFICATION=required
        for org in ORGS:
            if org.kind == "enterprise":
                app.verify_organization(ids[org.key])
                written += 1
    postings: list[UUID] = []
    expires_at = app.clock() + timedelta(days=60)
    for owner, side, title, description, category, qty, unit, low, high, region in POSTINGS:
        outcome = app.publish_posting(
            ids[owner], side=side, title=title, description=description, category=category,
            quantity=Decimal(qty), unit=unit, price_min=Decimal(low), price_max=Decimal(high),
            currency="CNY", region=region, expires_at=expires_at,
        )  # fmt: skip
        postings.append(outcome.aggregate.id)
        written += 1
    bids: list[UUID] = []
    for bidder, index, price, qty, days, message in BIDS:
        placed = app.place_bid(
            postings[index], ids[bidder], unit_price=Decimal(price), quantity=Decimal(qty),
            delivery_days=days, message=message,
        )  # fmt: skip
        bids.append(placed.bid.id)
        written += 1
    written += close_deals(app, postings, bids)
    for bank in BANKS:
        app.verify_organization(ids[bank])
        written += 1
    written += load_exhibitions_demo(app, ids)
    written += load_policies_demo(app, ids["operator"])
    providers = [org.key for org in ORGS if org.kind == "provider"]
    written += load_services_demo(app, ids, providers)
    return written + load_financing_demo(app, ids)


def _registered(app: Marketplace, credit_code: str) -> bool:
    try:
        app.get_organization(organization_id(credit_code))
    except NotFoundError:
        return False
    return True


def close_deals(app: Marketplace, postings: list[UUID], bids: list[UUID]) -> int:
    """Award the postings of DEALS to their bid and have both parties sign (some deals to count)."""
    written = 0
    for bid_index, complete in DEALS:
        _, posting_index, *_ = BIDS[bid_index]
        posting = app.get_posting(postings[posting_index])
        accepted = app.accept_bid(posting.id, bids[bid_index], posting.owner_id)
        contract_id = accepted.contract.id
        contract = app.get_contract(contract_id)
        parties = {party["role"]: UUID(party["organization_id"]) for party in contract.parties}
        for party_id in parties.values():
            app.sign_contract(contract_id, party_id, contract.digest)
        written += 2 + len(parties)  # the acceptance writes the posting's event and the contract
        if complete:
            app.complete_contract(contract_id, parties["buyer"])
            written += 1
    return written


def demo_accounts() -> list[tuple[str, str, str]]:
    """(kind, name, credit code) of the demo accounts, for the quick start."""
    return [(org.kind, org.name, org.credit_code) for org in ORGS]
