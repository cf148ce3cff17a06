"""The authorization matrix: every operation of the served schema × every role × own and other
objects → the one outcome it must have, over HTTP with real tokens.

The operations are read from the served schema: an operation with no row for a role fails
(`<operation>-<role>-MISSING`), so a new query, mutation or subscription cannot ship without
deciding who may use it. There is no list of excused rows: a row the code does not meet fails.

Outcomes (as written in MATRIX):

    DATA     a non-null result; for a mutation, its payload with `errors: []`
    NULL     null, an empty list or connection, or a NOT_FOUND payload error: nothing revealed
    FORBID   a GraphQL error with extensions.code FORBIDDEN, the field null
    UNAUTH   a GraphQL error with extensions.code UNAUTHENTICATED, the field null
    BADCRED  the payload error INVALID_CREDENTIALS
    UNUSABL  the payload error VOUCHER_NOT_USABLE
    -        no such row (anonymous callers own nothing; some targets exist for some roles only)

Targets: own / own_report / self are the caller's own (report, voucher, merchant, suggestion,
user); other is someone else's; report_x is resident A's report in grid X, report_y resident
B's in grid Y, grid_x / grid_y such a report built for the row; assigned is dispatched to the
property manager (reads) or to the caller (writes); resolver was resolved by the caller; node's
other targets name resident A's objects and fields (voucher, entry, signup, phone, balance ...)
and the world's merchants, offers, event, suggestion, notice and grid tree.

Reads run as the people of tests/api/matrix_world.py against its objects; each mutation runs as
a twin of the role (same roles, grids and merchants) against objects built for that row, so no
row changes what another sees. The table is tests/api/matrix_table.py, how each operation is run
tests/api/matrix_cases.py; tests/api/test_authorization_relations.py checks that an object
reached through a relation is what node(id) gives the same viewer, and that private fields stay
private on every path.
"""

from __future__ import annotations

import pytest

from tests.api import matrix_fixtures
from tests.api.client import GraphQLClient
from tests.api.matrix_cases import CASES, Row
from tests.api.matrix_table import EXPECTED, matrix_rows, row_id, served_operations
from tests.api.matrix_world import PEOPLE, ROLES, World

# The module-wide app and world the matrix's modules share (see matrix_fixtures.py).
clean_database = matrix_fixtures.clean_database
client = matrix_fixtures.client
quick_password_hashing = matrix_fixtures.quick_password_hashing
world = matrix_fixtures.world

# ---------------------------------------------------------------- the matrix


def test_every_row_names_a_served_operation_and_a_case() -> None:
    served = served_operations()
    assert sorted({operation for operation, _, _ in EXPECTED} - set(served)) == []
    assert sorted(set(served) - set(CASES)) == []
    assert sorted(set(CASES) - set(served)) == []
    # A report is seen alike by id, in the list and by subscription (anonymous callers get
    # null from node, which never refuses, and UNAUTHENTICATED from the other two).
    for role in PEOPLE:
        for target in ("report_x", "report_y", "assigned", "own_report"):
            seen = {EXPECTED[(op, role, target)] for op in ("node", "reports", "reportUpdated")}
            assert len(seen) == 1, (role, target, seen)
    assert {"node", "redeemOffer", "reportUpdated"} <= set(served)


def test_an_operation_without_rows_fails_for_every_role() -> None:
    rows = matrix_rows([*served_operations(), "newOperation"])
    missing = [row.id for row in rows if row.values[2] is None]
    assert missing == [f"newOperation-{role}-MISSING" for role in ROLES]


@pytest.mark.parametrize(("operation", "role", "target", "expected"), matrix_rows())
async def test_authorization_matrix(
    client: GraphQLClient,
    world: World,
    operation: str,
    role: str,
    target: str | None,
    expected: str | None,
) -> None:
    assert target is not None and expected is not None, (
        f"{operation} is served but MATRIX has no row for {role}: decide what it may do"
    )
    assert operation in CASES, f"{operation} has rows but no case to run them"
    person = world.people.get(role)
    writes = served_operations()[operation] == "mutation"
    actor = await world.twin(role) if writes and person is not None else person
    row = Row(client, world, operation, role, target, actor)
    observed, response = await CASES[operation].run(row)
    assert observed == expected, f"{row_id(operation, role, target)}: {response}"
