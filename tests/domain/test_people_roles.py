"""community/people.py without GraphQL: granting roles and moving home grids (admins only)."""

from __future__ import annotations

import pytest

from community.people import grant_role, load_actor, set_home_grid
from models.enums import Role
from models.errors import Forbidden, InvalidInput, NotFound
from models.grid import Community, Courtyard, MicroGrid
from models.people import User
from tests import factories
from tests.harness.snapshots import rows_of

PEOPLE = ("user_role", "grid_assignment", "app_user")


async def test_an_admin_grants_a_grid_role_with_its_grids_once() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    grid = await factories.grid("Grid 1")
    resident = await factories.user(name="Resident")
    for _ in range(2):  # granting again is harmless
        await grant_role(
            actor=admin, user_id=resident.user_id, role=Role.GRID_WORKER, micro_grid_ids=[grid.id]
        )
    fresh = await load_actor(resident.user_id)
    assert fresh is not None and Role.GRID_WORKER in fresh.roles
    rows = await rows_of(("user_role", "grid_assignment"))
    assert [r["role"] for r in rows["user_role"] if r["user_id"] == resident.user_id].count(
        Role.GRID_WORKER.value
    ) == 1
    assert [(r["user_id"], r["micro_grid_id"]) for r in rows["grid_assignment"]] == [
        (resident.user_id, grid.id)
    ]


async def test_refusals_of_grant_role_and_set_home_grid_write_nothing() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    worker = await factories.user(Role.GRID_WORKER, name="Worker")
    grid = await factories.grid("Grid 1")
    resident = await factories.user(name="Resident")
    elsewhere = await Community.create(name="Elsewhere")
    far_grid = await MicroGrid.create(
        courtyard=await Courtyard.create(community=elsewhere, name="Far yard"), name="Far grid"
    )
    before = await rows_of(PEOPLE)
    uid = resident.user_id
    with pytest.raises(Forbidden):
        await grant_role(actor=worker, user_id=uid, role=Role.GRID_WORKER, micro_grid_ids=[grid.id])
    with pytest.raises(Forbidden):
        await set_home_grid(actor=worker, user_id=uid, micro_grid_id=grid.id)
    with pytest.raises(InvalidInput) as no_grids:
        await grant_role(actor=admin, user_id=uid, role=Role.GRID_MEMBER)
    assert no_grids.value.field == "microGridIds"
    with pytest.raises(InvalidInput) as stray_grids:
        await grant_role(
            actor=admin, user_id=uid, role=Role.PROPERTY_MANAGER, micro_grid_ids=[grid.id]
        )
    assert stray_grids.value.field == "microGridIds"
    with pytest.raises(NotFound):
        await grant_role(
            actor=admin, user_id=uid, role=Role.GRID_MEMBER, micro_grid_ids=[far_grid.id]
        )
    with pytest.raises(NotFound):
        await set_home_grid(actor=admin, user_id=uid, micro_grid_id=far_grid.id)
    with pytest.raises(NotFound):
        await set_home_grid(actor=admin, user_id=10_000, micro_grid_id=grid.id)
    assert await rows_of(PEOPLE) == before


async def test_an_admin_moves_a_resident_to_another_home_grid() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    first, second = await factories.grid("Grid 1"), await factories.grid("Grid 2")
    resident = await factories.user(name="Resident", home_grid=first)
    await set_home_grid(actor=admin, user_id=resident.user_id, micro_grid_id=second.id)
    assert (await User.get(id=resident.user_id)).home_grid_id == second.id
