"""The 97 divisions (大类) of GB/T 4754-2017, Industrial classification for national economic
activities, keyed by section letter + two-digit division."""

from __future__ import annotations

# code → (name_zh, name_en)
CATEGORIES: dict[str, tuple[str, str]] = {
    # A 农、林、牧、渔业
    "A01": ("农业", "Agriculture"),
    "A02": ("林业", "Forestry"),
    "A03": ("畜牧业", "Animal husbandry"),
    "A04": ("渔业", "Fishery"),
    "A05": (
        "农、林、牧、渔专业及辅助性活动",
        "Professional and support activities for agriculture, forestry, animal husbandry "
        "and fishery",
    ),
    # B 采矿业
    "B06": ("煤炭开采和洗选业", "Mining and washing of coal"),
    "B07": ("石油和天然气开采业", "Extraction of petroleum and natural gas"),
    "B08": ("黑色金属矿采选业", "Mining and processing of ferrous metal ores"),
    "B09": ("有色金属矿采选业", "Mining and processing of non-ferrous metal ores"),
    "B10": ("非金属矿采选业", "Mining and processing of non-metal ores"),
    "B11": ("开采专业及辅助性活动", "Professional and support activities for mining"),
    "B12": ("其他采矿业", "Other mining"),
    # C 制造业
    "C13": ("农副食品加工业", "Processing of food from agricultural products"),
    "C14": ("食品制造业", "Manufacture of foods"),
    "C15": ("酒、饮料和精制茶制造业", "Manufacture of liquor, beverages and refined tea"),
    "C16": ("烟草制品业", "Manufacture of tobacco products"),
    "C17": ("纺织业", "Manufacture of textiles"),
    "C18": ("纺织服装、服饰业", "Manufacture of textile wearing apparel and accessories"),
    "C19": (
        "皮革、毛皮、羽毛及其制品和制鞋业",
        "Manufacture of leather, fur, feathers and related products, and footwear",
    ),
    "C20": (
        "木材加工和木、竹、藤、棕、草制品业",
        "Processing of timber; manufacture of wood, bamboo, rattan, palm and straw products",
    ),
    "C21": ("家具制造业", "Manufacture of furniture"),
    "C22": ("造纸和纸制品业", "Manufacture of paper and paper products"),
    "C23": ("印刷和记录媒介复制业", "Printing and reproduction of recording media"),
    "C24": (
        "文教、工美、体育和娱乐用品制造业",
        "Manufacture of articles for culture, education, arts and crafts, sport and entertainment",
    ),
    "C25": ("石油、煤炭及其他燃料加工业", "Processing of petroleum, coal and other fuels"),
    "C26": (
        "化学原料和化学制品制造业",
        "Manufacture of raw chemical materials and chemical products",
    ),
    "C27": ("医药制造业", "Manufacture of medicines"),
    "C28": ("化学纤维制造业", "Manufacture of chemical fibres"),
    "C29": ("橡胶和塑料制品业", "Manufacture of rubber and plastic products"),
    "C30": ("非金属矿物制品业", "Manufacture of non-metallic mineral products"),
    "C31": ("黑色金属冶炼和压延加工业", "Smelting and pressing of ferrous metals"),
    "C32": ("有色金属冶炼和压延加工业", "Smelting and pressing of non-ferrous metals"),
    "C33": ("金属制品业", "Manufacture of metal products"),
    "C34": ("通用设备制造业", "Manufacture of general-purpose machinery"),
    "C35": ("专用设备制造业", "Manufacture of special-purpose machinery"),
    "C36": ("汽车制造业", "Manufacture of motor vehicles"),
    "C37": (
        "铁路、船舶、航空航天和其他运输设备制造业",
        "Manufacture of railway, ship, aerospace and other transport equipment",
    ),
    "C38": ("电气机械和器材制造业", "Manufacture of electrical machinery and equipment"),
    "C39": (
        "计算机、通信和其他电子设备制造业",
        "Manufacture of computers, communication and other electronic equipment",
    ),
    "C40": ("仪器仪表制造业", "Manufacture of measuring instruments and meters"),
    "C41": ("其他制造业", "Other manufacturing"),
    "C42": ("废弃资源综合利用业", "Comprehensive utilisation of waste resources"),
    "C43": ("金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
    # D 电力、热力、燃气及水生产和供应业
    "D44": ("电力、热力生产和供应业", "Production and supply of electricity and heat"),
    "D45": ("燃气生产和供应业", "Production and supply of gas"),
    "D46": ("水的生产和供应业", "Production and supply of water"),
    # E 建筑业
    "E47": ("房屋建筑业", "Construction of buildings"),
    "E48": ("土木工程建筑业", "Civil engineering"),
    "E49": ("建筑安装业", "Building installation"),
    "E50": (
        "建筑装饰、装修和其他建筑业",
        "Building decoration, renovation and other construction",
    ),
    # F 批发和零售业
    "F51": ("批发业", "Wholesale trade"),
    "F52": ("零售业", "Retail trade"),
    # G 交通运输、仓储和邮政业
    "G53": ("铁路运输业", "Rail transport"),
    "G54": ("道路运输业", "Road transport"),
    "G55": ("水上运输业", "Water transport"),
    "G56": ("航空运输业", "Air transport"),
    "G57": ("管道运输业", "Pipeline transport"),
    "G58": ("多式联运和运输代理业", "Multimodal transport and transport agency"),
    "G59": ("装卸搬运和仓储业", "Loading, unloading, handling and warehousing"),
    "G60": ("邮政业", "Postal services"),
    # H 住宿和餐饮业
    "H61": ("住宿业", "Accommodation"),
    "H62": ("餐饮业", "Food and beverage services"),
    # I 信息传输、软件和信息技术服务业
    "I63": (
        "电信、广播电视和卫星传输服务",
        "Telecommunications, radio and television, and satellite transmission services",
    ),
    "I64": ("互联网和相关服务", "Internet and related services"),
    "I65": ("软件和信息技术服务业", "Software and information technology services"),
    # J 金融业
    "J66": ("货币金融服务", "Monetary financial services"),
    "J67": ("资本市场服务", "Capital market services"),
    "J68": ("保险业", "Insurance"),
    "J69": ("其他金融业", "Other financial activities"),
    # K 房地产业
    "K70": ("房地产业", "Real estate"),
    # L 租赁和商务服务业
    "L71": ("租赁业", "Leasing"),
    "L72": ("商务服务业", "Business services"),
    # M 科学研究和技术服务业
    "M73": ("研究和试验发展", "Research and experimental development"),
    "M74": ("专业技术服务业", "Professional technical services"),
    "M75": (
        "科技推广和应用服务业",
        "Technology promotion and application services",
    ),
    # N 水利、环境和公共设施管理业
    "N76": ("水利管理业", "Water conservancy management"),
    "N77": ("生态保护和环境治理业", "Ecological protection and environmental management"),
    "N78": ("公共设施管理业", "Public facilities management"),
    "N79": ("土地管理业", "Land management"),
    # O 居民服务、修理和其他服务业
    "O80": ("居民服务业", "Household services"),
    "O81": (
        "机动车、电子产品和日用产品修理业",
        "Repair of motor vehicles, electronic products and household goods",
    ),
    "O82": ("其他服务业", "Other services"),
    # P 教育
    "P83": ("教育", "Education"),
    # Q 卫生和社会工作
    "Q84": ("卫生", "Health"),
    "Q85": ("社会工作", "Social work"),
    # R 文化、体育和娱乐业
    "R86": ("新闻和出版业", "News and publishing"),
    "R87": (
        "广播、电视、电影和录音制作业",
        "Radio, television, film and sound recording production",
    ),
    "R88": ("文化艺术业", "Culture and arts"),
    "R89": ("体育", "Sports"),
    "R90": ("娱乐业", "Entertainment"),
    # S 公共管理、社会保障和社会组织
    "S91": ("中国共产党机关", "Organs of the Communist Party of China"),
    "S92": ("国家机构", "State organs"),
    "S93": (
        "人民政协、民主党派",
        "Chinese People's Political Consultative Conference and democratic parties",
    ),
    "S94": ("社会保障", "Social security"),
    "S95": (
        "群众团体、社会团体和其他成员组织",
        "Mass organisations, social organisations and other membership organisations",
    ),
    "S96": (
        "基层群众自治组织及其他组织",
        "Grassroots self-governing organisations and other organisations",
    ),
    # T 国际组织
    "T97": ("国际组织", "International organisations"),
}

# The 20 sections (门类) of GB/T 4754-2017 that group the divisions above (a division's code
# starts with its section's letter): code → (name_zh, name_en).
SECTIONS: dict[str, tuple[str, str]] = {
    "A": ("农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery"),
    "B": ("采矿业", "Mining"),
    "C": ("制造业", "Manufacturing"),
    "D": (
        "电力、热力、燃气及水生产和供应业",
        "Production and supply of electricity, heat, gas and water",
    ),
    "E": ("建筑业", "Construction"),
    "F": ("批发和零售业", "Wholesale and retail trade"),
    "G": ("交通运输、仓储和邮政业", "Transport, storage and postal services"),
    "H": ("住宿和餐饮业", "Accommodation and catering"),
    "I": (
        "信息传输、软件和信息技术服务业",
        "Information transmission, software and information technology services",
    ),
    "J": ("金融业", "Finance"),
    "K": ("房地产业", "Real estate"),
    "L": ("租赁和商务服务业", "Leasing and business services"),
    "M": ("科学研究和技术服务业", "Scientific research and technical services"),
    "N": (
        "水利、环境和公共设施管理业",
        "Management of water conservancy, environment and public facilities",
    ),
    "O": ("居民服务、修理和其他服务业", "Resident, repair and other services"),
    "P": ("教育", "Education"),
    "Q": ("卫生和社会工作", "Health and social work"),
    "R": ("文化、体育和娱乐业", "Culture, sports and entertainment"),
    "S": (
        "公共管理、社会保障和社会组织",
        "Public administration, social security and social organisations",
    ),
    "T": ("国际组织", "International organisations"),
}
