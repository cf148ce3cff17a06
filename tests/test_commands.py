"""A mutation's fields are written twice: its input and its domain command. They must agree.

Every `perform(info, handler, input, ...)` in schema/ is found by reading the source; the
input's fields (global ids decoded by name) must be exactly the handler's keyword arguments,
`actor` and the settings aside, so a field added to one side only fails here. So must every
`ask(info, query, name=...)` and `ask_anyone(...)`: its keywords are the query's, and it gives
each one the query needs, `actor` aside (a read's arguments are not type-checked: `ask` takes
`**arguments`).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from schema.commands import CommandInput, decoded, node_type_named

SCHEMA = Path(__file__).resolve().parent.parent / "schema"


@dataclasses.dataclass(frozen=True)
class Call:
    where: str
    handler: Callable[..., Any]
    arguments: set[str]
    settings: set[str]


def _resolve(module: Any, node: ast.expr) -> Any:
    if isinstance(node, ast.Name):
        return getattr(module, node.id)
    assert isinstance(node, ast.Attribute), ast.dump(node)
    return getattr(_resolve(module, node.value), node.attr)


def _input_fields(module: Any, function: ast.AsyncFunctionDef, command: ast.expr) -> set[str]:
    if isinstance(command, ast.Dict):
        return {str(key.value) for key in command.keys if isinstance(key, ast.Constant)}
    assert isinstance(command, ast.Name), ast.dump(command)
    (argument,) = [arg for arg in function.args.args if arg.arg == command.id]
    annotation = argument.annotation
    if isinstance(annotation, ast.Subscript):  # Annotated[Input, strawberry.argument(...)]
        assert isinstance(annotation.slice, ast.Tuple)
        annotation = annotation.slice.elts[0]
    assert annotation is not None
    input_type = _resolve(module, annotation)
    input_type = getattr(input_type, "__origin__", input_type)  # a named Annotated alias
    assert issubclass(input_type, CommandInput), input_type
    return {field.name for field in dataclasses.fields(input_type)}


def _called(function: ast.AsyncFunctionDef, name: str) -> Iterator[ast.Call]:
    for call in ast.walk(function):
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == name:
            yield call


def _performed(module: Any, where: str, function: ast.AsyncFunctionDef) -> Iterator[Call]:
    for call in _called(function, "perform"):
        settings = next((k.value for k in call.keywords if k.arg == "settings"), None)
        yield Call(
            where=where,
            handler=_resolve(module, call.args[1]),
            arguments=_input_fields(module, function, call.args[2]),
            settings=set() if settings is None else _input_fields(module, function, settings),
        )


def _asked(module: Any, where: str, function: ast.AsyncFunctionDef) -> Iterator[Call]:
    asks = (call for name in ("ask", "ask_anyone") for call in _called(function, name))
    for call in asks:
        names = [keyword.arg for keyword in call.keywords]
        assert None not in names, f"{where}: name each of ask's arguments, no **spread"
        yield Call(
            where=f"{where}(ask)",
            handler=_resolve(module, call.args[1]),
            arguments={str(name) for name in names},
            settings=set(),
        )


def _calls() -> Iterator[Call]:
    for path in sorted(SCHEMA.glob("*.py")):
        module = importlib.import_module(f"schema.{path.stem}")
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, ast.AsyncFunctionDef):
                where = f"{path.name}:{function.name}"
                yield from _performed(module, where, function)
                yield from _asked(module, where, function)


CALLS = list(_calls())


def test_mutations_and_reads_are_found() -> None:
    assert len([call for call in CALLS if not call.where.endswith("(ask)")]) >= 9
    assert len([call for call in CALLS if call.where.endswith("(ask)")]) >= 20


@pytest.mark.parametrize("call", CALLS, ids=[call.where for call in CALLS])
def test_an_input_is_its_commands_arguments(call: Call) -> None:
    parameters = inspect.signature(call.handler).parameters
    keyword = {name for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    required = {name for name in keyword if parameters[name].default is inspect.Parameter.empty}
    given = call.arguments | call.settings | {"actor"}
    assert given <= keyword, f"not arguments of {call.handler.__qualname__}: {given - keyword}"
    assert required <= given, f"{call.handler.__qualname__} also needs {required - given}"


def test_global_ids_are_named_by_their_type() -> None:
    assert node_type_named("offer_id") == "Offer"
    assert node_type_named("micro_grid_ids") == "MicroGrid"
    assert node_type_named("idempotency_key") is None
    assert node_type_named("paid") is None


def test_a_key_the_server_holds_is_passed_as_it_is() -> None:
    assert decoded({"merchant_id": 7, "after": None}) == {"merchant_id": 7, "after": None}


def test_decoding_turns_global_ids_into_keys_and_leaves_the_rest() -> None:
    from resolvers.ids import global_id

    values = {"offer_id": global_id("Offer", 7), "title": "Tea", "valid_until": None}
    assert decoded(values) == {"offer_id": 7, "title": "Tea", "valid_until": None}
    grids = {"micro_grid_ids": [global_id("MicroGrid", 1), global_id("MicroGrid", 2)]}
    assert decoded(grids) == {"micro_grid_ids": [1, 2]}
    home = {"home_grid_id": global_id("MicroGrid", 3)}
    assert decoded(home, {"home_grid_id": "MicroGrid"}) == {"home_grid_id": 3}


def test_an_id_of_another_type_is_not_found_and_names_its_field() -> None:
    from models.errors import NotFound
    from resolvers.ids import global_id

    with pytest.raises(NotFound) as refused:
        decoded({"offer_id": global_id("Merchant", 1)})
    assert refused.value.field == "offerId"
