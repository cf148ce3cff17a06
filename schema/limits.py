"""Limits on what one operation may ask for, checked before any resolver runs.

Depth, aliases, a cost that multiplies through lists (a connection's `first`, or a guess for
plain lists), and `first` itself between 0 and 100. The document is walked once per request
with its variables, after the cached validation, so a rejected operation never reaches SQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.type.definition import GraphQLInterfaceType, GraphQLObjectType, GraphQLOutputType

from models.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_cost: int = 10_000
    list_guess: int = 10


@dataclass(slots=True)
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    depth: int = 0
    aliases: int = 0
    cost: int = 0
    errors: list[GraphQLError] = field(default_factory=list)


def _selections(
    walk: _Walk, selection_set: SelectionSetNode, parent: Any, seen: frozenset[str]
) -> Iterator[tuple[FieldNode, Any]]:
    """Fields of a selection set with their parent type, fragments inlined once each."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection, parent
        elif isinstance(selection, InlineFragmentNode):
            inner = parent
            if selection.type_condition is not None:
                inner = walk.schema.get_type(selection.type_condition.name.value) or parent
            yield from _selections(walk, selection.selection_set, inner, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in seen:
                continue
            inner = walk.schema.get_type(fragment.type_condition.name.value) or parent
            yield from _selections(walk, fragment.selection_set, inner, seen | {name})


def _first(walk: _Walk, node: FieldNode) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            raw = walk.variables.get(value.name.value)
            return raw if isinstance(raw, int) else None
        if isinstance(value, IntValueNode):
            return int(value.value)
    return None


def _is_list(output: GraphQLOutputType) -> bool:
    inner = output.of_type if isinstance(output, GraphQLNonNull) else output
    return isinstance(inner, GraphQLList)


def _has_first_argument(definition: Any) -> bool:
    return "first" in getattr(definition, "args", {})


def _multiplier(walk: _Walk, node: FieldNode, definition: Any, limits: Limits) -> int:
    if node.name.value == "edges":
        return 1  # a connection's edges: its `first` already multiplied them
    if _has_first_argument(definition):
        first = _first(walk, node)
        if first is not None and not 0 <= first <= MAX_PAGE_SIZE:
            walk.errors.append(
                GraphQLError(f"first must be between 0 and {MAX_PAGE_SIZE}.", [node])
            )
        return DEFAULT_PAGE_SIZE if first is None else max(first, 0)
    if definition is not None and _is_list(definition.type):
        return limits.list_guess
    return 1


def _visit(
    walk: _Walk,
    selection_set: SelectionSetNode,
    parent: Any,
    depth: int,
    weight: int,
    limits: Limits,
) -> None:
    walk.depth = max(walk.depth, depth)
    for node, parent_type in _selections(walk, selection_set, parent, frozenset()):
        name = node.name.value
        if name.startswith("__"):
            continue  # introspection: off in production, and not a data cost
        if node.alias is not None:
            walk.aliases += 1
        definition = None
        if isinstance(parent_type, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent_type.fields.get(name)
        walk.cost += weight
        if node.selection_set is None or definition is None:
            continue
        inner_weight = weight * _multiplier(walk, node, definition, limits)
        _visit(
            walk,
            node.selection_set,
            get_named_type(definition.type),
            depth + 1,
            inner_weight,
            limits,
        )


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


def check_limits(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: Limits = Limits(),
) -> list[GraphQLError]:
    """Errors for every limit the operation exceeds; empty when it may run."""
    operation = _operation(document, operation_name)
    if operation is None:
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, variables or {})
    root = schema.get_root_type(operation.operation)
    _visit(walk, operation.selection_set, root, 1, 1, limits)
    if walk.depth > limits.max_depth:
        walk.errors.append(
            GraphQLError(
                f"The query is {walk.depth} levels deep; at most {limits.max_depth} are allowed."
            )
        )
    if walk.aliases > limits.max_aliases:
        walk.errors.append(
            GraphQLError(
                f"The query uses {walk.aliases} aliases; at most {limits.max_aliases} are allowed."
            )
        )
    if walk.cost > limits.max_cost:
        walk.errors.append(
            GraphQLError(f"The query would cost {walk.cost}; the budget is {limits.max_cost}.")
        )
    return walk.errors
