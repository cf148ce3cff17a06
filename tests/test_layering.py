"""Business rules stay callable without GraphQL: the lower layers never import the upper."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"strawberry", "starlette", "schema", "resolvers", "gateway", "uvicorn"}
RULES = {
    "models": FORBIDDEN | {"community", "marketplace"},
    "marketplace": FORBIDDEN | {"community"},
    "community": FORBIDDEN,
    "resolvers": {"schema", "gateway"},
    "schema": {"gateway"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_imports_respect_the_dependency_direction(package: str) -> None:
    offences = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & RULES[package])
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_roots(path) & RULES[package]
    }
    assert offences == {}
