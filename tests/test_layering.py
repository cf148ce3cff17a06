"""Business rules stay callable without GraphQL: each layer imports only the layers below it.

The order is `models` <- `marketplace` <- `community` <- `resolvers` <- `schema` <- `gateway`:
`community/` may call `marketplace/` (a verified report or an attended event awards points),
`marketplace/` never calls `community/`. Each package's allowance is spelled out below, with
no exception elsewhere.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
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


# Inside schema/ and resolvers/ imports point one way too, so a module can be read after the
# ones it builds on. GraphQL's own graph is circular (a User has vouchers, a voucher has a
# holder User): the sanctioned way back is strawberry's lazy annotation,
# `Annotated["VoucherType", strawberry.lazy("schema.market")]`, resolved when the schema is
# built, with its import under `if TYPE_CHECKING:` for mypy alone (schema/people.py). Those
# imports are not counted; every other one is, function-local imports included.
ONE_WAY = ("schema", "resolvers")


def _is_type_checking(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == (
        "TYPE_CHECKING"
    )


def _imported_modules(node: ast.AST, modules: set[str]) -> set[str]:
    if _is_type_checking(node):
        assert isinstance(node, ast.If)
        children: list[ast.AST] = list(node.orelse)
    else:
        children = list(ast.iter_child_nodes(node))
    found: set[str] = set()
    if isinstance(node, ast.Import):
        found = {alias.name for alias in node.names} & modules
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        named = {f"{node.module}.{alias.name}" for alias in node.names} & modules
        found = named or ({node.module} & modules)
    return found.union(*(_imported_modules(child, modules) for child in children))


def runtime_import_graph() -> dict[str, set[str]]:
    paths = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for package in ONE_WAY
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    modules = set(paths)
    return {
        name: _imported_modules(ast.parse(path.read_text()), modules) - {name}
        for name, path in paths.items()
    }


def test_schema_and_resolvers_import_without_a_circle() -> None:
    graph = runtime_import_graph()
    assert "schema.market" in graph["schema.points"]  # the graph is read at all
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as circle:
        pytest.fail("import circle: " + " imports ".join(reversed(circle.args[1])))
