"""The grid tree and role grants: admins may, everyone else may not, bad input writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from models.enums import Role
from models.grid import Courtyard, MicroGrid
from models.people import GridAssignment, User, UserRole
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient

CREATE_COURTYARD = """
mutation($name: String!, $branch: String) {
  createCourtyard(input: {name: $name, partyBranch: $branch}) {
    courtyard { name partyBranch community { name } } errors { code field }
  }
}"""
CREATE_GRID = """
mutation($courtyard: ID!, $name: String!) {
  createMicroGrid(input: {courtyardId: $courtyard, name: $name}) {
    microGrid { name courtyard { name } residentCount } errors { code field }
  }
}"""
GRANT = """
mutation($user: ID!, $role: Role!, $grids: [ID!]) {
  grantRole(input: {userId: $user, role: $role, microGridIds: $grids}) {
    user { roles assignedGrids { name } } errors { code field }
  }
}"""
SET_HOME = """
mutation($user: ID!, $grid: ID!) {
  setHomeGrid(input: {userId: $user, microGridId: $grid}) {
    user { homeGrid { name } } errors { code field }
  }
}"""


async def counts() -> tuple[int, ...]:
    return (
        await Courtyard.all().count(),
        await MicroGrid.all().count(),
        await UserRole.all().count(),
        await GridAssignment.all().count(),
    )


async def test_admin_builds_the_tree(client: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    made = await client.execute(
        CREATE_COURTYARD, {"name": "一院", "branch": "一院党支部"}, as_=admin
    )
    assert made == {
        "data": {
            "createCourtyard": {
                "errors": [],
                "courtyard": {
                    "name": "一院",
                    "partyBranch": "一院党支部",
                    "community": {"name": "Xingrong"},
                },
            }
        }
    }
    yard = await Courtyard.get(name="一院")
    grid = await client.execute(
        CREATE_GRID, {"courtyard": global_id("Courtyard", yard.id), "name": "1-1"}, as_=admin
    )
    assert grid["data"]["createMicroGrid"] == {
        "errors": [],
        "microGrid": {"name": "1-1", "courtyard": {"name": "一院"}, "residentCount": 0},
    }
    tree = await client.execute(
        "{ community { name courtyards { name microGrids { name } } } microGrids { name } }",
        as_=admin,
    )
    assert tree["data"]["community"]["courtyards"] == [
        {"name": "一院", "microGrids": [{"name": "1-1"}]}
    ]
    assert tree["data"]["microGrids"] == [{"name": "1-1"}]


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.GRID_WORKER, Role.MERCHANT])
async def test_non_admins_may_not_change_the_tree(client: GraphQLClient, role: Role | None) -> None:
    grid = await factories.grid()
    someone = await factories.user(role) if role else None
    target = await factories.user(name="Target")
    before = await counts()
    variables: list[tuple[str, dict[str, Any]]] = [
        (CREATE_COURTYARD, {"name": "X"}),
        (CREATE_GRID, {"courtyard": global_id("Courtyard", grid.courtyard_id), "name": "X"}),
        (GRANT, {"user": global_id("User", target.user_id), "role": "COMMUNITY_ADMIN"}),
        (
            SET_HOME,
            {"user": global_id("User", target.user_id), "grid": global_id("MicroGrid", grid.id)},
        ),
    ]
    for query, values in variables:
        result = await client.execute(query, values, as_=someone)
        expected = "FORBIDDEN" if someone else "UNAUTHENTICATED"
        assert result["data"] is None
        assert [e["extensions"]["code"] for e in result["errors"]] == [expected]
    assert await counts() == before


async def test_bad_input_is_refused_and_nothing_written(client: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    grid = await factories.grid()
    target = await factories.user(name="Target")
    before = await counts()
    cases: list[tuple[str, dict[str, Any], str, tuple[str, str]]] = [
        (CREATE_COURTYARD, {"name": ""}, "createCourtyard", ("INVALID_INPUT", "name")),
        (CREATE_COURTYARD, {"name": "Courtyard 1"}, "createCourtyard", ("ALREADY_EXISTS", "name")),
        (
            CREATE_GRID,
            {"courtyard": global_id("Courtyard", 999), "name": "x"},
            "createMicroGrid",
            ("NOT_FOUND", "courtyardId"),
        ),
        (
            CREATE_GRID,
            {"courtyard": global_id("Courtyard", grid.courtyard_id), "name": "Grid 1"},
            "createMicroGrid",
            ("ALREADY_EXISTS", "name"),
        ),
        (
            GRANT,
            {"user": global_id("User", target.user_id), "role": "GRID_WORKER"},
            "grantRole",
            ("INVALID_INPUT", "microGridIds"),
        ),
        (
            GRANT,
            {"user": global_id("User", 999), "role": "MERCHANT"},
            "grantRole",
            ("NOT_FOUND", "userId"),
        ),
        (
            GRANT,
            {
                "user": global_id("User", target.user_id),
                "role": "GRID_MEMBER",
                "grids": [global_id("MicroGrid", 999)],
            },
            "grantRole",
            ("NOT_FOUND", "microGridIds"),
        ),
        (
            SET_HOME,
            {"user": global_id("User", target.user_id), "grid": global_id("MicroGrid", 999)},
            "setHomeGrid",
            ("NOT_FOUND", "microGridId"),
        ),
    ]
    for query, values, field, expected in cases:
        result = await client.execute(query, values, as_=admin)
        payload = result["data"][field]
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [expected], (field, values)
    assert await counts() == before


async def test_a_granted_role_applies_to_the_next_request(client: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    grid = await factories.grid()
    target = await factories.user(name="Target")
    token = client.token_for(target)
    assert (await client.execute("{ me { roles } }", token=token))["data"]["me"]["roles"] == [
        "RESIDENT"
    ]
    granted = await client.execute(
        GRANT,
        {
            "user": global_id("User", target.user_id),
            "role": "GRID_WORKER",
            "grids": [global_id("MicroGrid", grid.id)],
        },
        as_=admin,
    )
    assert granted["data"]["grantRole"] == {
        "errors": [],
        "user": {"roles": ["GRID_WORKER", "RESIDENT"], "assignedGrids": [{"name": "Grid 1"}]},
    }
    again = await client.execute(
        GRANT,
        {
            "user": global_id("User", target.user_id),
            "role": "GRID_WORKER",
            "grids": [global_id("MicroGrid", grid.id)],
        },
        as_=admin,
    )
    assert again["data"]["grantRole"]["errors"] == []
    assert await GridAssignment.filter(user_id=target.user_id).count() == 1
    me = await client.execute("{ me { roles } }", token=token)
    assert me["data"]["me"]["roles"] == ["GRID_WORKER", "RESIDENT"]
    await UserRole.filter(user_id=target.user_id, role=Role.GRID_WORKER).delete()
    me = await client.execute("{ me { roles } }", token=token)
    assert me["data"]["me"]["roles"] == ["RESIDENT"]


async def test_admin_moves_a_resident_to_another_grid(client: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    old, new = await factories.grid("Old"), await factories.grid("New")
    resident = await factories.user(home_grid=old)
    moved = await client.execute(
        SET_HOME,
        {"user": global_id("User", resident.user_id), "grid": global_id("MicroGrid", new.id)},
        as_=admin,
    )
    assert moved["data"]["setHomeGrid"] == {"errors": [], "user": {"homeGrid": {"name": "New"}}}
    assert (await User.get(id=resident.user_id)).home_grid_id == new.id


async def test_phone_is_private_to_the_user_and_admins(client: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    grid = await factories.grid()
    # the resident's grid worker may look the resident up (community/directory.py)
    neighbour = await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,))
    resident = await factories.user(phone="13811112222", home_grid=grid)
    query = "query($id: ID!) { node(id: $id) { ... on User { displayName phone } } }"
    variables = {"id": global_id("User", resident.user_id)}
    as_admin = await client.execute(query, variables, as_=admin)
    as_neighbour = await client.execute(query, variables, as_=neighbour)
    as_nobody = await client.execute(query, variables)
    assert as_admin["data"]["node"] == {"displayName": "Resident", "phone": "13811112222"}
    assert as_neighbour["data"]["node"] == {"displayName": "Resident", "phone": None}
    assert as_nobody["data"]["node"] is None
