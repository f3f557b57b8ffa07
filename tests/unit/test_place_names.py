"""English names of cities and counties (Hanyu Pinyin) for the region pickers."""

import json

import pytest

from cli.place_names import READINGS, english_name
from cli.web_data import WEB_DATA


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("杭州市", "Hangzhou"),
        ("西湖区", "Xihu District"),
        ("余杭区", "Yuhang District"),
        ("义乌市", "Yiwu"),
        ("西安市", "Xi'an"),  # a syllable starting with a vowel is set apart
        ("六安市", "Lu'an"),
        ("宁都县", "Ningdu County"),  # 都 dū in place names
        ("长宁区", "Changning District"),  # 长 cháng
        ("长子县", "Zhangzi County"),  # ... but 长子 zhǎng
        ("乐清市", "Yueqing"),
        ("锡林郭勒盟", "Xilinguole League"),
        ("蔚县", "Yu County"),
        ("绿春县", "Lüchun County"),
        ("浦东新区", "Pudong New Area"),
        ("神农架林区", "Shennongjia Forestry District"),
        ("阿里地区", "Ali Prefecture"),
        ("延边朝鲜族自治州", "Yanbian Autonomous Prefecture"),  # the peoples left out
        ("积石山保安族东乡族撒拉族自治县", "Jishishan Autonomous County"),
        ("东乡族自治县", "Dongxiang Autonomous County"),  # a people's name that is the place's
        ("伊犁哈萨克自治州", "Yili Autonomous Prefecture"),
        ("鄂伦春自治旗", "Elunchun Autonomous Banner"),
        ("省直辖县级行政区划", "County-level divisions under the province"),
    ],
)
def test_english_names(chinese: str, english: str) -> None:
    assert english_name(chinese) == english


def test_every_city_and_county_in_the_web_data_has_an_english_name() -> None:
    provinces = json.loads((WEB_DATA / "regions.json").read_text(encoding="utf-8"))["provinces"]
    names: list[str] = []

    def walk(division: dict[str, object]) -> None:
        name_en = division.get("name_en")
        assert isinstance(name_en, str), division
        assert name_en.replace("ü", "u").isascii(), division
        names.append(str(name_en))
        for child in division.get("children", []):  # type: ignore[attr-defined]
            walk(child)

    for province in provinces:
        walk(province)
    assert len(names) > 3000
    assert all(name[:1].isupper() for name in names)


def test_every_fixed_reading_is_used_as_written() -> None:
    for base, reading in READINGS.items():
        assert (
            english_name(base + "县").lower().replace("'", "")
            == reading.replace(" ", "") + " county"
        )
