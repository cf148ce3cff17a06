"""Fields that are one domain call: a mutation's input lists the fields, the domain acts.

A mutation's fields are written in two places only: the strawberry input (names, types and
descriptions, for the SDL) and the domain function's keyword arguments (the command, with its
rules). `perform` is the one generic step between them, as Saleor's BaseMutation is: it loads
the viewer, turns the input into the command's keyword arguments (global ids decoded to
primary keys), calls the domain function and builds the payload (schema/mutation.py).

Which arguments are global ids follows the naming convention: `<name>_id` (or `_ids`, a list)
is a global id of node type `<Name>`; an input whose field names another type says so in
`NODE_TYPES`; `after` is a page's cursor. tests/test_commands.py checks every input against
its domain function, so a field added on one side only fails a test. `ask` is the same step
for a read that is one domain query taking the viewer as `actor`, `ask_anyone` for one that
anonymous callers may make too; a field of a type passes its row's keys as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, TypeVar

from resolvers.ids import decode_cursor, decode_id
from schema.context import Info
from schema.mutation import mutate

T = TypeVar("T")
P = TypeVar("P")


class CommandInput:
    """Mixed into a strawberry input whose fields are a domain command's arguments."""

    # field name -> node type, where the name does not say it (home_grid_id -> MicroGrid)
    NODE_TYPES: ClassVar[Mapping[str, str]] = {}

    def command(self) -> dict[str, Any]:
        """The domain command's keyword arguments: every field, global ids decoded."""
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}  # type: ignore[arg-type]
        return decoded(values, self.NODE_TYPES)


def decoded(
    values: Mapping[str, Any], node_types: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """`values` with each global id (by name, see the module docstring) decoded to a key."""
    return {name: _decode(name, value, node_types or {}) for name, value in values.items()}


def _decode(name: str, value: Any, node_types: Mapping[str, str]) -> Any:
    if isinstance(value, int):  # a key the server holds (a parent type's), not a client's id
        return value
    if name == "after":
        return decode_cursor(value)
    type_name = node_types.get(name) or node_type_named(name)
    if type_name is None or value is None:
        return value
    field = _camel(name)
    if isinstance(value, list):
        return [decode_id(item, type_name, field=field) for item in value]
    return decode_id(value, type_name, field=field)


def node_type_named(name: str) -> str | None:
    """`offer_id` -> "Offer", `micro_grid_ids` -> "MicroGrid"; None for other names."""
    for suffix in ("_ids", "_id"):
        if name.endswith(suffix):
            return "".join(part.title() for part in name.removesuffix(suffix).split("_"))
    return None


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


async def perform(
    info: Info,
    handler: Callable[..., Awaitable[T]],
    command: CommandInput | Mapping[str, Any],
    payload: Callable[..., P],
    *,
    settings: Mapping[str, Any] | None = None,
    **fields: Callable[[T], Any],
) -> P:
    """Run `handler(actor=viewer, **command, **settings)` as a mutation (see `mutate`).

    `command` is a CommandInput, or a mapping for a mutation whose arguments are bare (its
    global ids decoded the same way); `settings` are deployment values the command takes
    (a voucher's lifetime). A bad id is a payload error, as the domain's own refusals are.
    """
    scope = info.context.scope

    async def action() -> T:
        actor = await scope.require_viewer()
        arguments = command.command() if isinstance(command, CommandInput) else decoded(command)
        return await handler(actor=actor, **arguments, **(settings or {}))

    return await mutate(info, action, payload, **fields)


async def ask(info: Info, query: Callable[..., Awaitable[T]], **arguments: Any) -> T:
    """`query(actor=viewer, **arguments)`, ids and cursors decoded by name: a read that is one
    domain query needs no resolver of its own. Not logged in, a bad id or a bad cursor is a
    GraphQL error, as the query's own refusals are."""
    actor = await info.context.scope.require_viewer()
    return await query(actor=actor, **decoded(arguments))


async def ask_anyone(info: Info, query: Callable[..., Awaitable[T]], **arguments: Any) -> T:
    """`ask` for a read anonymous callers may make too: the query gets `actor=None` for them."""
    return await query(actor=await info.context.scope.viewer(), **decoded(arguments))
