"""The GB/T 2260 list from the data package, region names in searches, and the pickers' data
files of the web pages (`python -m cli.web_data`)."""

from __future__ import annotations

import json

import pytest

from aggregates.categories import CATEGORIES
from aggregates.regions import PROVINCES, region_in_query, region_names, region_path, region_tree
from cli.web_data import WEB_DATA, rendered


def test_the_list_is_complete_down_to_counties() -> None:
    tree = region_tree()
    assert {p.code[:2] for p in tree} == set(PROVINCES)
    cities = [c for p in tree for c in p.children if c.children]
    counties = [k for c in cities for k in c.children]
    assert len(cities) > 330 and len(counties) > 2800  # 333 and 2,844 in 2024 (民政部)
    assert len(region_names()) == len({d.code for d in tree}) + len(
        {c.code for p in tree for c in p.children}
    ) + len({k.code for p in tree for c in p.children for k in c.children})


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("330114", ["浙江省", "杭州市", "钱塘区"]),  # made in 2021
        ("440305", ["广东省", "深圳市", "南山区"]),
        ("350205", ["福建省", "厦门市", "海沧区"]),
        ("659012", ["新疆维吾尔自治区", "自治区直辖县级行政区划", "白杨市"]),  # made in 2023
        ("419001", ["河南省", "省直辖县级行政区划", "济源市"]),
        ("3301", []),
        ("999999", []),
    ],
)
def test_a_code_has_its_names_from_province_down(code: str, path: list[str]) -> None:
    assert region_path(code) == path


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("浙江", ("33", "")),
        ("浙江省", ("33", "")),
        ("Zhejiang", ("33", "")),
        ("浙江 不锈钢", ("33", "不锈钢")),
        ("不锈钢 杭州市", ("3301", "不锈钢")),
        ("广西", ("45", "")),
        ("北京", ("11", "")),  # the province, not its city of the same name
        ("吉林", ("22", "")),  # the province wins over 吉林市
        ("不锈钢", (None, "不锈钢")),
        ("浙江不锈钢", (None, "浙江不锈钢")),  # only whole words name a region
        ("鼓楼区", (None, "鼓楼区")),  # counties are not searched by name
    ],
)
def test_a_word_naming_a_province_or_city_becomes_a_region_prefix(
    q: str, found: tuple[str | None, str]
) -> None:
    assert region_in_query(q) == found


def test_the_web_pickers_data_is_what_the_script_writes() -> None:
    """Fails when the data package or the tables changed and `python -m cli.web_data` was
    not run again."""
    for name, text in rendered().items():
        assert (WEB_DATA / name).read_text(encoding="utf-8") == text, name
    regions = json.loads((WEB_DATA / "regions.json").read_text(encoding="utf-8"))
    zhejiang = next(p for p in regions["provinces"] if p["code"] == "330000")
    assert (zhejiang["name"], zhejiang["name_en"]) == ("浙江省", "Zhejiang")
    hangzhou = next(c for c in zhejiang["children"] if c["code"] == "330100")
    assert {"code": "330106", "name": "西湖区", "name_en": "Xihu District"} in hangzhou["children"]
    industries = json.loads((WEB_DATA / "industries.json").read_text(encoding="utf-8"))
    divisions = [d["code"] for s in industries["sections"] for d in s["children"]]
    assert divisions == list(CATEGORIES)
    manufacturing = next(s for s in industries["sections"] if s["code"] == "C")
    assert manufacturing["name"] == "制造业" and len(manufacturing["children"]) == 31
