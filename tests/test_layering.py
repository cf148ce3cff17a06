"""Business rules stay callable without GraphQL: each layer imports only the layers below it.

The order is `models` <- `marketplace` <- `community` <- `resolvers` <- `schema` <- `gateway`:
`community/` may call `marketplace/` (a verified report or an attended event awards points),
`marketplace/` never calls `community/`. Each package's allowance is spelled out below, with
no exception elsewhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("models", "marketplace", "community", "resolvers", "schema", "gateway")
# The domain never imports the web frameworks, so a job or the CLI can call any rule.
FRAMEWORKS = {"strawberry", "starlette", "uvicorn"}
DOMAIN = {"models", "marketplace", "community"}


def may_import(package: str) -> set[str]:
    """The layers below `package`: the only ones of ours it may import."""
    return set(LAYERS[: LAYERS.index(package)])


def refused(package: str) -> set[str]:
    ours = set(LAYERS) - may_import(package) - {package}
    return ours | FRAMEWORKS if package in DOMAIN else ours


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_allowances_are_exactly_the_stated_direction() -> None:
    assert may_import("marketplace") == {"models"}
    assert may_import("community") == {"models", "marketplace"}
    assert refused("marketplace") == {
        "community",
        "resolvers",
        "schema",
        "gateway",
        *FRAMEWORKS,
    }


@pytest.mark.parametrize("package", LAYERS)
def test_package_imports_respect_the_dependency_direction(package: str) -> None:
    offences = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & refused(package))
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_roots(path) & refused(package)
    }
    assert offences == {}


def test_community_really_calls_marketplace() -> None:
    """The allowance is used (so the README's arrow is true), one way only."""
    community = set().union(*(imported_roots(p) for p in (ROOT / "community").rglob("*.py")))
    assert "marketplace" in community
