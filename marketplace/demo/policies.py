"""Demo data of policy information: a dozen items of the kinds the seeds' platforms push
(fiscal and tax relief, credit support, social-security relief, digitalization subsidies,
recruitment), targeted at different regions and industries. Titles and issuers follow real
ones; the texts are short summaries written for the demo, and the links are placeholders."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from marketplace.policies import PolicyUseCases

# (title, issuer, document number, topics, regions, industries, body)
POLICIES = [
    ("关于进一步实施小微企业“六税两费”减免政策的公告",
     "财政部 税务总局", "财政部 税务总局公告2023年第12号",
     ["fiscal_tax"], [], [],
     "对小型微利企业和个体工商户减半征收资源税、城市维护建设税、房产税、城镇土地使用税、印花税等。"
     " Halved local taxes and fees for small low-profit enterprises."),
    ("关于增值税小规模纳税人减免增值税政策的公告",
     "财政部 税务总局", "财政部 税务总局公告2023年第19号",
     ["fiscal_tax"], [], [],
     "小规模纳税人月销售额10万元以下免征增值税；适用3%征收率的减按1%征收。"
     " VAT exemption for small-scale taxpayers with monthly sales under CNY 100,000."),
    ("关于做好2026年普惠小微贷款投放工作的通知",
     "中国人民银行杭州中心支行", None,
     ["finance"], ["33"], [],
     "引导辖内银行扩大首贷、信用贷和中长期贷款投放，小微企业贷款利率保持在合理水平。"
     " Inclusive credit support: first loans and unsecured credit for small firms in Zhejiang."),
    ("深圳市中小微企业银行贷款风险补偿资金池管理办法",
     "深圳市中小企业服务局", "深工信规〔2024〕3号",
     ["finance"], ["4403"], [],
     "合作银行向中小微企业发放的贷款发生不良的，资金池按比例给予风险补偿。"
     " Risk compensation pool for bank loans to SMEs in Shenzhen."),
    ("关于延续实施阶段性降低失业保险费率政策的通知",
     "人力资源社会保障部 财政部", "人社部发〔2023〕19号",
     ["social_security"], [], [],
     "失业保险总费率继续按1%执行。 The unemployment insurance rate stays at 1%."),
    ("失业保险稳岗返还政策（中小微企业）",
     "杭州市人力资源和社会保障局", None,
     ["social_security", "employment"], ["3301"], [],
     "上年度未裁员或裁员率不高于规定比例的中小微企业，按上年度实际缴纳失业保险费的60%返还。"
     " Job-retention refunds of 60% of unemployment insurance paid."),
    ("关于开展中小企业数字化转型城市试点工作的通知",
     "财政部 工业和信息化部", "财建〔2024〕93号",
     ["digitalization", "innovation"], [], ["C34", "C39"],
     "支持试点城市中小企业实施数字化改造，对“小快轻准”数字化产品和服务给予支持。"
     " Digital transformation subsidies for manufacturing SMEs in pilot cities."),
    ("厦门市中小企业上云上平台补助实施细则",
     "厦门市工业和信息化局", None,
     ["digitalization"], ["3502"], ["C39", "I65"],
     "对中小企业购买云服务、工业互联网平台服务的费用给予最高50%补助。"
     " Up to 50% subsidy on cloud and industrial internet platform fees in Xiamen."),
    ("关于做好2026届高校毕业生到中小企业就业工作的通知",
     "工业和信息化部办公厅", "工信厅企业函〔2026〕12号",
     ["employment"], [], [],
     "组织中小企业专场招聘，对吸纳高校毕业生就业的中小企业给予一次性吸纳就业补贴。"
     " Recruitment fairs and hiring subsidies for SMEs taking on graduates."),
    ("青岛市吸纳就业困难人员社会保险补贴办法",
     "青岛市人力资源和社会保障局", None,
     ["employment", "social_security"], ["3702"], [],
     "企业吸纳就业困难人员并缴纳社会保险的，按实际缴费给予补贴。"
     " Social insurance subsidies for hiring people with employment difficulties in Qingdao."),
    ("关于促进外贸食品企业稳订单拓市场的若干措施",
     "山东省商务厅", None,
     ["market"], ["37"], ["F51", "C13", "C14"],
     "支持企业参加境内外展会，给予展位费补贴；扩大出口信用保险覆盖面。"
     " Trade-fair booth subsidies and export credit insurance for food exporters."),
    ("关于支持专精特新中小企业高质量发展的通知",
     "财政部 工业和信息化部", "财建〔2021〕2号",
     ["innovation", "fiscal_tax"], [], ["C34", "C39", "C15"],
     "中央财政分三批支持重点“小巨人”企业开展技术创新、上下游协作与数字化赋能。"
     " Support for specialized and sophisticated 'little giant' SMEs."),
]  # fmt: skip


def load_policies_demo(app: PolicyUseCases, operator: UUID) -> int:
    """The demo operator's policy items, in force from a month ago; the events written."""
    today = app.clock().date()
    for i, (title, issuer, number, topics, regions, industries, body) in enumerate(POLICIES):
        app.publish_policy(
            operator, title=title, body=body, issuer=issuer, document_number=number,
            topics=topics, regions=regions, industries=industries,
            effective_from=today - timedelta(days=30 + i),
            effective_until=date(today.year + 2, 12, 31),
            url=f"https://policy.example.gov.cn/{i + 1}",
        )  # fmt: skip
    return len(POLICIES)
