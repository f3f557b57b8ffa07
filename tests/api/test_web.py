"""The web front end in web/: served by the app, CSP-safe markup and scripts, complete catalogues.

What the pages do is tested in a real browser (tests/browser); these are the static guarantees.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from aggregates.categories import CATEGORIES
from aggregates.regions import PROVINCES
from api.main import WEB_DIR

SCRIPTS = sorted(str(path.relative_to(WEB_DIR)) for path in WEB_DIR.rglob("*.js"))
LANGUAGES = ["zh-CN", "en"]
SVG_NAMESPACE = "http://www.w3.org/2000/svg"  # a name, never fetched
AREAS = [
    "common",
    "public",
    "trade",
    "financing",
    "events",
    "audit",
    "services",
    "accounts",
    "policies",
    "workbench",
]
# Calls whose first string argument is a message key; field(name, "key") has it second.
KEY_CALLS = re.compile(r"""\b(?:t|heading|button|fact)\(\s*["']([\w.-]+)["']""")
FIELD_CALLS = re.compile(r"""\bfield\(\s*["'][\w.-]+["']\s*,\s*["']([\w.-]+)["']""")
KEY_OPTIONS = re.compile(r"""\b(?:hintKey|labelKey|successKey)\s*:\s*["']([\w.-]+)["']""")
OPTION_PAIRS = re.compile(r"""\[\s*["'][\w-]*["']\s*,\s*["']([a-zA-Z]+\.[\w.-]+)["']\s*\]""")
I18N_ATTRIBUTES = ("data-i18n", "data-i18n-placeholder", "data-i18n-title", "data-i18n-aria-label")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Markup(HTMLParser):
    """Collects what the tests check: tags with their attributes, and text inside <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)


def parse(html: str) -> Markup:
    markup = Markup()
    markup.feed(html)
    return markup


def area_catalogue(language: str, area: str) -> dict[str, str]:
    path = WEB_DIR / "messages" / language / f"{area}.json"
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def catalogue(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in AREAS:
        merged.update(area_catalogue(language, area))
    return merged


def scripts_text() -> str:
    return "\n".join((WEB_DIR / name).read_text(encoding="utf-8") for name in SCRIPTS)


@pytest.fixture(scope="module")
def index(client: TestClient) -> str:
    response = client.get("/")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_index_is_served_with_a_language(index: str) -> None:
    html_tags = [attrs for tag, attrs in parse(index).tags if tag == "html"]
    assert html_tags, "no <html> element"
    assert html_tags[0].get("lang") == "zh-CN"


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_are_served_as_javascript(client: TestClient, name: str) -> None:
    response = client.get(f"/{name}")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("area", AREAS)
def test_catalogues_are_served_as_json(client: TestClient, language: str, area: str) -> None:
    response = client.get(f"/messages/{language}/{area}.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == area_catalogue(language, area)


def test_no_key_is_defined_by_two_areas() -> None:
    seen: dict[str, str] = {}
    for area in AREAS:
        for key in area_catalogue("zh-CN", area):
            assert key not in seen, f"{key} is in both {seen[key]} and {area}"
            seen[key] = area


def test_index_has_no_inline_script_or_handlers(index: str) -> None:
    """A Content-Security-Policy `default-src 'self'` must not break the page."""
    markup = parse(index)
    assert "".join(markup.script_text).strip() == ""
    for tag, attrs in markup.tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"<{tag}> has inline handlers {handlers}"
        assert "style" not in attrs, f"<{tag}> has an inline style"
        if tag == "script":
            assert attrs.get("src"), "every script must come from a file"
            assert attrs.get("type") == "module"


def test_index_references_only_local_files_that_exist(client: TestClient, index: str) -> None:
    for tag, attrs in parse(index).tags:
        reference = attrs.get("src") if tag == "script" else attrs.get("href")
        if tag not in {"script", "link"} or not reference:
            continue
        assert "//" not in reference, f"external resource {reference}"
        assert client.get(f"/{reference.lstrip('/')}").status_code == 200, reference


def test_form_controls_are_labelled(index: str) -> None:
    tags = parse(index).tags
    labelled = {attrs.get("for") for tag, attrs in tags if tag == "label"}
    controls = [attrs for tag, attrs in tags if tag in {"input", "select", "textarea"}]
    assert controls
    for attrs in controls:
        assert attrs.get("id") in labelled or attrs.get("aria-label"), attrs


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert zh.keys() == en.keys(), zh.keys() ^ en.keys()
    for key in zh:
        assert zh[key].strip() and en[key].strip(), key
        assert set(PLACEHOLDER.findall(zh[key])) == set(PLACEHOLDER.findall(en[key])), key
    assert zh["app.name"] == "中小企业供需对接平台"
    assert en["app.name"] == "SME Supply & Demand Marketplace"


def test_every_message_used_is_in_the_catalogue(index: str) -> None:
    keys = catalogue("zh-CN").keys()
    used = {
        value
        for _, attrs in parse(index).tags
        for name, value in attrs.items()
        if name in I18N_ATTRIBUTES and value
    }
    source = scripts_text()
    for pattern in (KEY_CALLS, FIELD_CALLS, KEY_OPTIONS, OPTION_PAIRS):
        used |= set(pattern.findall(source))
    for key in re.findall(r"""\btCount\(\s*["']([\w.-]+)["']""", source):
        used |= {f"{key}.one", f"{key}.other"}
    assert used
    assert used <= keys, used - keys


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_never_write_html(name: str) -> None:
    """API and user text reach the page through textContent and DOM nodes only."""
    source = (WEB_DIR / name).read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, f"{name} uses {sink}"
    addresses = set(re.findall(r"https?://[^\s\"'`]+", source)) - {SVG_NAMESPACE}
    assert not addresses, f"{name} refers to external addresses {addresses}"


def test_region_and_industry_names_match_the_domain_lists() -> None:
    """The pages name codes from the catalogues and list codes in public-labels.js: both are
    copies of aggregates/regions.py and categories.py and must not drift from them."""
    labels = (WEB_DIR / "pages" / "public-labels.js").read_text(encoding="utf-8")
    codes_in = re.compile(r"""["']([A-Z]?\d{2})["']""")
    category_list = labels[labels.index("CATEGORY_CODES") : labels.index("];")]
    assert codes_in.findall(category_list) == list(CATEGORIES)
    province_list = labels[labels.index("KNOWN_PROVINCES") :]
    province_list = province_list[: province_list.index("]);")]
    assert codes_in.findall(province_list) == list(PROVINCES)
    for index, language in enumerate(LANGUAGES):
        names = area_catalogue(language, "public")
        for code, pair in CATEGORIES.items():
            assert names[f"public.category.{code}"] == pair[index], (language, code)
        for code, pair in PROVINCES.items():
            assert names[f"public.province.{code}"] == pair[index], (language, code)


@pytest.mark.parametrize(("name", "key"), [("regions", "provinces"), ("industries", "sections")])
def test_the_pickers_division_lists_are_served_as_json(
    client: TestClient, name: str, key: str
) -> None:
    """Written by `python -m cli.web_data` (tests/unit/test_regions.py keeps them current)."""
    response = client.get(f"/data/{name}.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()[key]
