"""The directory rule over GraphQL beyond node(): gridMembers lists only people the viewer may
look up, and a person met through an object the viewer may see (a suggestion's author)
shows their name, but their roles and grids only to those who may look them up."""

from __future__ import annotations

from typing import Any

from community.suggestions import submit_suggestion
from models.actor import Actor
from models.enums import Role
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient

AUTHORS = """{ suggestions(first: 5) { edges { node { author {
  displayName roles homeGrid { name } assignedGrids { name } } } } } }"""
MEMBERS = "query($g: ID!) { node(id: $g) { ... on MicroGrid { gridMembers { displayName } } } }"


async def _author(client: GraphQLClient, viewer: Actor) -> dict[str, Any]:
    result = await client.execute(AUTHORS, as_=viewer)
    author: dict[str, Any] = result["data"]["suggestions"]["edges"][0]["node"]["author"]
    return author


async def test_an_author_shows_their_profile_only_to_who_may_look_them_up(
    client: GraphQLClient,
) -> None:
    x, y = await factories.grid("Grid X"), await factories.grid("Grid Y")
    author = await factories.user(Role.GRID_MEMBER, name="Member X", home_grid=x, grids=(x,))
    resident_x = await factories.user(name="Resident X", home_grid=x)
    resident_y = await factories.user(name="Resident Y", home_grid=y)
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    await submit_suggestion(actor=author, title="More benches", body="By the canal.")
    full: dict[str, Any] = {
        "displayName": "Member X",
        "roles": ["GRID_MEMBER", "RESIDENT"],
        "homeGrid": {"name": "Grid X"},
        "assignedGrids": [{"name": "Grid X"}],
    }
    name_only: dict[str, Any] = {
        "displayName": "Member X",
        "roles": [],
        "homeGrid": None,
        "assignedGrids": [],
    }
    seen = {
        "author": await _author(client, author),
        "resident_x": await _author(client, resident_x),
        "resident_y": await _author(client, resident_y),
        "admin": await _author(client, admin),
    }
    for who in ("author", "resident_x", "admin"):
        assert {**seen[who], "roles": sorted(seen[who]["roles"])} == full, who
    assert seen["resident_y"] == name_only


async def test_grid_members_list_only_people_the_viewer_may_look_up(
    client: GraphQLClient,
) -> None:
    x, y = await factories.grid("Grid X"), await factories.grid("Grid Y")
    await factories.user(Role.GRID_MEMBER, name="Member X", home_grid=x, grids=(x,))
    resident_x = await factories.user(name="Resident X", home_grid=x)
    resident_y = await factories.user(name="Resident Y", home_grid=y)
    worker_y = await factories.user(Role.GRID_WORKER, name="Worker Y", grids=(y,))
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    variables = {"g": global_id("MicroGrid", x.id)}
    members = {}
    for name, viewer in (
        ("resident_x", resident_x),
        ("resident_y", resident_y),
        ("worker_y", worker_y),
        ("admin", admin),
    ):
        result = await client.execute(MEMBERS, variables, as_=viewer)
        members[name] = [m["displayName"] for m in result["data"]["node"]["gridMembers"]]
    assert members == {
        "resident_x": ["Member X"],  # their own grid's staff
        "resident_y": [],  # another grid's staff
        "worker_y": [],  # staff see residents of their grids, not other staff
        "admin": ["Member X"],
    }
