"""The application boundary (docs/architecture.md): routes parse and answer; reads and who
may see what live in `marketplace/queries/`; no arrow runs back up the layers."""

from __future__ import annotations

import ast
from pathlib import Path
from uuid import uuid4

import pytest

from marketplace.queries.viewer import ANONYMOUS, Viewer

ROOT = Path(__file__).resolve().parents[2]
ROUTES = sorted((ROOT / "api" / "routes").glob("*.py"))
LAYERS = ["cli", "api", "marketplace", "projections", "aggregates"]  # top to bottom


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
    }


@pytest.mark.parametrize("route", ROUTES, ids=lambda p: p.name)
def test_routes_take_narrow_dependencies_not_the_services_bag(route: Path) -> None:
    assert "marketplace.bootstrap" not in _imports(route)
    assert not {"ServicesDep", "Services", "services"} & _names(route)


@pytest.mark.parametrize("route", ROUTES, ids=lambda p: p.name)
def test_routes_read_no_aggregate_and_no_view_directly(route: Path) -> None:
    """Reads go through a query object, which owns who may see what."""
    names = _names(route)
    loads = {n for n in names if n.startswith("get_")}
    assert not loads, f"{route.name} loads {loads} itself"


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_runs_back_up_the_layers(layer: str) -> None:
    above = LAYERS[: LAYERS.index(layer)]
    for path in (ROOT / layer).rglob("*.py"):
        wrong = {m for m in _imports(path) if m.split(".")[0] in above}
        assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_one_rule_for_sealed_things() -> None:
    owner, bidder, other = uuid4(), uuid4(), uuid4()
    assert Viewer(owner, "enterprise").sees_as_party({owner, bidder})
    assert Viewer(bidder, "enterprise").sees_as_party({owner, bidder})
    assert not Viewer(other, "enterprise").sees_as_party({owner, bidder})
    assert Viewer(other, "operator").sees_as_party({owner})
    assert Viewer(other, "auditor").sees_as_party(set())
    assert not ANONYMOUS.sees_as_party({None})
