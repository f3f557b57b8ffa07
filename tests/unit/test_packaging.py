"""What `pip install .` (a wheel, not the editable install the suite runs on) puts in place."""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_of_the_product_is_in_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    packaged = set(find_packages(str(ROOT), include=include))
    product = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("cli", "marketplace", "aggregates", "projections", "api", "web")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert "marketplace.queries" in product
    assert packaged == product
