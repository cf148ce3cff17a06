"""The limit checker does bounded work for any document, and every refusal has its code.

Work is counted (fields and fragments walked), never timed: bench/limits_checker.py has the
timing. A chain of fragments where each spreads the next twice is 2**n fields when inlined;
the checker must walk each fragment once.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLSchema, parse, validate

from schema.codes import TopLevelCode
from schema.limits import Limits, Measure, measure_operation
from schema.root import build_schema
from tests import factories
from tests.api.client import GraphQLClient


def _schema() -> GraphQLSchema:
    return build_schema()._schema


def doubling_chain(levels: int, leaf: str = "me { id }") -> str:
    """`fragment F0 on Query { ...F1 ...F1 }` ... down to a leaf selection."""
    fragments = [f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)]
    fragments.append(f"fragment F{levels} on Query {{ {leaf} }}")
    return "query Chain { ...F0 }\n" + "\n".join(fragments)


def _measure(document: str, variables: dict[str, Any] | None = None) -> Measure:
    return measure_operation(_schema(), parse(document), None, variables)


def _codes(measure: Measure) -> list[str]:
    return [str((error.extensions or {}).get("code")) for error in measure.errors]


def test_a_doubling_fragment_chain_walks_each_fragment_once() -> None:
    levels = 40
    document = doubling_chain(levels)
    assert validate(_schema(), parse(document)) == []  # graphql-core accepts it
    measure = _measure(document)
    assert measure.fragments_walked == {f"F{n}": 1 for n in range(levels + 1)}
    assert measure.fields_walked == 2  # `me` and `id`, once each
    assert _codes(measure) == [TopLevelCode.QUERY_TOO_COMPLEX]
    assert measure.cost == Limits().max_cost + 1  # capped just above the budget


def test_a_chain_of_free_fields_passes_and_still_walks_each_fragment_once() -> None:
    measure = _measure(doubling_chain(60, leaf="__typename"))
    assert measure.errors == []
    assert set(measure.fragments_walked.values()) == {1}
    assert (measure.cost, measure.depth, measure.aliases) == (0, 1, 0)


def test_aliases_multiplied_by_fragments_are_counted_and_capped() -> None:
    measure = _measure(doubling_chain(50, leaf="a: __typename"))
    assert _codes(measure) == [TopLevelCode.TOO_MANY_ALIASES]
    assert measure.aliases == Limits().max_aliases + 1
    assert set(measure.fragments_walked.values()) == {1}


def test_typename_aliases_count_against_the_alias_limit() -> None:
    allowed = _measure("{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }")
    refused = _measure("{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }")
    assert (allowed.aliases, allowed.errors) == (30, [])
    assert _codes(refused) == [TopLevelCode.TOO_MANY_ALIASES]


def test_cyclic_fragments_end_the_walk() -> None:
    document = parse("{ ...A } fragment A on Query { ...B me { id } } fragment B on Query { ...A }")
    assert validate(_schema(), document) != []  # graphql-core refuses the cycle first
    measure = measure_operation(_schema(), document, None, None)
    assert measure.fragments_walked == {"A": 1, "B": 1}
    assert (measure.cost, measure.depth) == (2, 2)


def test_depth_is_counted_through_fragments_and_stops_the_walk() -> None:
    chain = [
        f"fragment G{n} on Courtyard {{ microGrids {{ courtyard {{ ...G{n + 1} }} }} }}"
        for n in range(8)
    ]
    chain.append("fragment G8 on Courtyard { name }")
    measure = _measure("{ community { courtyards { ...G0 } } }\n" + "\n".join(chain))
    assert _codes(measure) == [TopLevelCode.QUERY_TOO_DEEP, TopLevelCode.QUERY_TOO_COMPLEX]
    assert measure.depth == Limits().max_depth + 1
    # the walk stopped once too deep: the fragments past the limit were never summarised
    assert set(measure.fragments_walked) == {f"G{n}" for n in range(5)}


def test_plain_lists_are_costed_by_their_size_hint() -> None:
    assert _measure("{ microGrids { name } }").cost == 1 + 100
    assert _measure("{ community { courtyards { microGrids { name } } } }").cost == (
        1 + 1 * (1 + 30 * (1 + 20))
    )
    nested = "{ microGrids { courtyard { microGrids { gridMembers { id } } } } }"
    assert _codes(_measure(nested)) == [TopLevelCode.QUERY_TOO_COMPLEX]


def test_nodes_is_costed_by_the_ids_it_is_given() -> None:
    three = '{ nodes(ids: ["a", "b", "c"]) { id } }'
    assert _measure(three).cost == 1 + 3 * 1
    by_variable = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    assert _measure(by_variable, {"ids": ["a"] * 7}).cost == 1 + 7 * 1
    assert _measure(by_variable, {"ids": ["a"] * 500}).cost == 1 + 100 * 1  # refused beyond
    heavy = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on MicroGrid { gridMembers { id } } } }"
    assert _codes(_measure(heavy, {"ids": ["a"] * 2})) == []
    assert _codes(
        _measure(
            heavy.replace("{ id }", "{ id assignedGrids { gridMembers { id } } }"),
            {"ids": ["a"] * 100},
        )
    ) == [TopLevelCode.QUERY_TOO_COMPLEX]


def test_page_sizes_out_of_range_are_refused_once_per_field() -> None:
    document = (
        "query($n: Int) { ...A ...A } "
        "fragment A on Query { offers(first: $n) { edges { cursor } } }"
    )
    measure = _measure(document, {"n": 101})
    assert _codes(measure) == [TopLevelCode.PAGE_SIZE_OUT_OF_RANGE]
    assert _measure(document, {"n": 100}).errors == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (doubling_chain(25), TopLevelCode.QUERY_TOO_COMPLEX),
        ("{ " + " ".join(f"a{i}: me {{ id }}" for i in range(31)) + " }", "TOO_MANY_ALIASES"),
        ("{ " + " ".join("me { id }" for _ in range(700)) + " }", "TOO_MANY_TOKENS"),
        ("{ offers(first: 101) { edges { cursor } } }", "PAGE_SIZE_OUT_OF_RANGE"),
        (
            "{ me { homeGrid { courtyard { microGrids { courtyard { microGrids { courtyard {"
            " microGrids { courtyard { microGrids { name } } } } } } } } } } }",
            "QUERY_TOO_DEEP",
        ),
    ],
    ids=["cost", "aliases", "tokens", "page-size", "depth"],
)
async def test_every_limit_refusal_carries_its_code(
    client: GraphQLClient, query: str, code: str
) -> None:
    actor = await factories.user()
    result = await client.execute(query, as_=actor)
    assert result.get("data") is None
    assert [e["extensions"]["code"] for e in result["errors"]][:1] == [code]
