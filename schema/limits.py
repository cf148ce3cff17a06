"""Limits on what one operation may ask for, checked before any resolver runs.

Depth, aliases (`__typename` ones included), a cost that multiplies through lists (a
connection's `first`, or the list's size hint), and `first` itself between 0 and 100. The
check runs after the cached validation, with the request's variables, so a rejected operation
never reaches SQL.

Every fragment is summarised once (its cost per unit of weight, its depth and its aliases) and
the summary reused wherever it is spread: a chain of fragments that each spread the next twice
costs one walk of the document, not 2**n. Costs are linear in the weight a selection is used
under, which is what makes a per-fragment summary exact. Numbers are capped just above their
budget, so they stay small however often fragments multiply each other, and a walk stops as
soon as a budget is exceeded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
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
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.type.definition import GraphQLInterfaceType, GraphQLObjectType, GraphQLOutputType

from models.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.codes import TopLevelCode

# Plain lists (no `first`) are costed by how many rows they really return. The community this
# models has 19 courtyards and 68 micro-grids; the hints leave room for a larger one. Lists
# not named here are small (a user's roles, a report's photos) and cost DEFAULT_LIST_SIZE.
DEFAULT_LIST_SIZE = 10
MAX_IDS = 100  # resolvers/node.py refuses more
LIST_SIZES: Mapping[str, int] = {
    "Query.microGrids": 100,
    "Community.courtyards": 30,
    "Courtyard.microGrids": 20,
    "MicroGrid.gridMembers": 5,  # "one grid, one person": 140 grid members for 68 grids
    "User.assignedGrids": 3,
    "Report.timeline": 20,
}


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_cost: int = 10_000


@dataclass(frozen=True, slots=True)
class Summary:
    """One selection set, relative to where it is used: its cost at weight 1, its depth
    (nested selection sets, itself included) and its aliases; each capped above its budget."""

    cost: int = 0
    depth: int = 0
    aliases: int = 0


EMPTY = Summary()


@dataclass(slots=True)
class Measure:
    """What one check found, and the work it did (for tests: each fragment walked once)."""

    cost: int = 0
    depth: int = 0
    aliases: int = 0
    fields_walked: int = 0
    fragments_walked: Counter[str] = field(default_factory=Counter)
    errors: list[GraphQLError] = field(default_factory=list)


@dataclass(slots=True)
class _Checker:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    limits: Limits
    measure: Measure = field(default_factory=Measure)
    summaries: dict[str, Summary] = field(default_factory=dict)
    in_progress: set[str] = field(default_factory=set)
    nesting: int = 1  # selection sets open on the walk's stack, the operation's own included

    def capped(self, cost: int, depth: int, aliases: int) -> Summary:
        limits = self.limits
        return Summary(
            min(cost, limits.max_cost + 1),
            min(depth, limits.max_depth + 1),
            min(aliases, limits.max_aliases + 1),
        )

    def over(self, summary: Summary) -> bool:
        """Depth and aliases add up whatever weight a selection has: past their budget,
        nothing after can bring them back. (A cost can still be multiplied by `first: 0`.)"""
        return summary.depth > self.limits.max_depth or summary.aliases > self.limits.max_aliases

    def summarise(self, selection_set: SelectionSetNode, parent: Any) -> Summary:
        total = EMPTY
        for selection in selection_set.selections:
            part = self.selection(selection, parent)
            total = self.capped(
                total.cost + part.cost, max(total.depth, part.depth), total.aliases + part.aliases
            )
            if self.over(total):
                break
        return total

    def selection(self, selection: Any, parent: Any) -> Summary:
        if isinstance(selection, FieldNode):
            return self.field(selection, parent)
        if isinstance(selection, InlineFragmentNode):
            inner = parent
            if selection.type_condition is not None:
                inner = self.schema.get_type(selection.type_condition.name.value) or parent
            return self.summarise(selection.selection_set, inner)
        if isinstance(selection, FragmentSpreadNode):
            return self.fragment(selection.name.value, parent)
        return EMPTY

    def fragment(self, name: str, parent: Any) -> Summary:
        if name in self.summaries:
            return self.summaries[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return EMPTY  # unknown or cyclic: validation refuses both; never loop here
        self.in_progress.add(name)
        self.measure.fragments_walked[name] += 1
        inner = self.schema.get_type(definition.type_condition.name.value) or parent
        summary = self.summarise(definition.selection_set, inner)
        self.in_progress.discard(name)
        self.summaries[name] = summary
        return summary

    def field(self, node: FieldNode, parent: Any) -> Summary:
        self.measure.fields_walked += 1
        aliases = 1 if node.alias is not None else 0
        name = node.name.value
        if name.startswith("__"):
            return Summary(0, 1, aliases)  # introspection: off in production, not a data cost
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        if node.selection_set is None or definition is None:
            return Summary(1, 1, aliases)
        multiplier = self.multiplier(node, parent, definition)
        if self.nesting > self.limits.max_depth:
            # Too deep wherever this is used: where it is used now makes the operation too
            # deep, so a summary reused elsewhere may say so too. Deeper is never walked.
            return Summary(1, self.limits.max_depth + 1, aliases)
        self.nesting += 1
        try:
            child = self.summarise(node.selection_set, get_named_type(definition.type))
        finally:
            self.nesting -= 1
        return self.capped(1 + multiplier * child.cost, 1 + child.depth, aliases + child.aliases)

    def multiplier(self, node: FieldNode, parent: Any, definition: Any) -> int:
        if node.name.value == "edges":
            return 1  # a connection's edges: its `first` already multiplied them
        if "first" in getattr(definition, "args", {}):
            first = self.first(node)
            if first is not None and not 0 <= first <= MAX_PAGE_SIZE:
                self.measure.errors.append(
                    GraphQLError(
                        f"first must be between 0 and {MAX_PAGE_SIZE}.",
                        [node],
                        extensions={"code": TopLevelCode.PAGE_SIZE_OUT_OF_RANGE.value},
                    )
                )
            return DEFAULT_PAGE_SIZE if first is None else max(first, 0)
        if "ids" in getattr(definition, "args", {}):
            return self.ids(node)
        if _is_list(definition.type):
            return LIST_SIZES.get(f"{parent.name}.{node.name.value}", DEFAULT_LIST_SIZE)
        return 1

    def ids(self, node: FieldNode) -> int:
        """`nodes(ids:)` returns one object per id: as many as it is given, at most MAX_IDS."""
        for argument in node.arguments or ():
            if argument.name.value != "ids":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                return min(len(raw), MAX_IDS) if isinstance(raw, list) else MAX_IDS
            if isinstance(value, ListValueNode):
                return min(len(value.values), MAX_IDS)
        return MAX_IDS

    def first(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                return raw if isinstance(raw, int) else None
            if isinstance(value, IntValueNode):
                return int(value.value)
        return None


def _is_list(output: GraphQLOutputType) -> bool:
    inner = output.of_type if isinstance(output, GraphQLNonNull) else output
    return isinstance(inner, GraphQLList)


def operation_of(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


def _refusal(message: str, code: TopLevelCode) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value})


def measure_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: Limits = Limits(),
) -> Measure:
    """The operation's depth, aliases and cost (each capped just above its budget), with an
    error for every limit it exceeds."""
    operation = operation_of(document, operation_name)
    if operation is None:
        return Measure()
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    checker = _Checker(schema, fragments, variables or {}, limits)
    root = schema.get_root_type(operation.operation)
    summary = checker.summarise(operation.selection_set, root)
    measure = checker.measure
    measure.cost, measure.depth, measure.aliases = summary.cost, summary.depth, summary.aliases
    if summary.depth > limits.max_depth:
        measure.errors.append(
            _refusal(
                f"The query is more than {limits.max_depth} levels deep; "
                f"at most {limits.max_depth} are allowed.",
                TopLevelCode.QUERY_TOO_DEEP,
            )
        )
    if summary.aliases > limits.max_aliases:
        measure.errors.append(
            _refusal(
                f"The query uses more than {limits.max_aliases} aliases; "
                f"at most {limits.max_aliases} are allowed.",
                TopLevelCode.TOO_MANY_ALIASES,
            )
        )
    if summary.cost > limits.max_cost:
        measure.errors.append(
            _refusal(
                f"The query would cost more than {limits.max_cost}; "
                f"the budget is {limits.max_cost}.",
                TopLevelCode.QUERY_TOO_COMPLEX,
            )
        )
    return measure


def check_limits(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: Limits = Limits(),
) -> list[GraphQLError]:
    """Errors for every limit the operation exceeds; empty when it may run."""
    return measure_operation(schema, document, operation_name, variables, limits).errors
