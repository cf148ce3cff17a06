"""community/grid.py without GraphQL: who may grow the grid tree, and what bad names get."""

from __future__ import annotations

import pytest

from community import grid
from models.enums import Role
from models.errors import AlreadyExists, Forbidden, InvalidInput, NotFound
from models.grid import Community, Courtyard, MicroGrid
from tests import factories
from tests.harness.snapshots import rows_of

TREE = ("community", "courtyard", "micro_grid")


async def test_ensure_community_creates_once_and_then_returns_the_same_row() -> None:
    first, created = await grid.ensure_community(name="Xingrong")
    again, created_again = await grid.ensure_community(name="Xingrong")
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert await Community.filter(name="Xingrong").count() == 1


async def test_an_admin_adds_a_courtyard_and_a_micro_grid() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    yard = await grid.create_courtyard(actor=admin, name=" East yard ", party_branch="East branch")
    cell = await grid.create_micro_grid(actor=admin, courtyard_id=yard.id, name="Grid E1")
    assert (yard.name, yard.party_branch, yard.community_id) == (
        "East yard",
        "East branch",
        admin.community_id,
    )
    assert (await MicroGrid.get(id=cell.id)).courtyard_id == yard.id
    assert cell.id in [g.id for g in await grid.micro_grids(actor=admin)]


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.GRID_WORKER, Role.PROPERTY_MANAGER])
async def test_only_admins_grow_the_tree_and_a_refusal_writes_nothing(role: Role) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    yard = await grid.create_courtyard(actor=admin, name="East yard", party_branch=None)
    someone = await factories.user(role, name="Someone")
    before = await rows_of(TREE)
    with pytest.raises(Forbidden):
        await grid.create_courtyard(actor=someone, name="West yard", party_branch=None)
    with pytest.raises(Forbidden):
        await grid.create_micro_grid(actor=someone, courtyard_id=yard.id, name="Grid W1")
    assert await rows_of(TREE) == before


async def test_bad_names_duplicates_and_foreign_courtyards_are_refused_writing_nothing() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    yard = await grid.create_courtyard(actor=admin, name="East yard", party_branch=None)
    await grid.create_micro_grid(actor=admin, courtyard_id=yard.id, name="Grid E1")
    elsewhere = await Community.create(name="Elsewhere")
    foreign = await Courtyard.create(community=elsewhere, name="Far yard")
    before = await rows_of(TREE)
    with pytest.raises(InvalidInput) as blank:
        await grid.create_courtyard(actor=admin, name="   ", party_branch=None)
    assert blank.value.field == "name"
    with pytest.raises(InvalidInput) as long_branch:
        await grid.create_courtyard(actor=admin, name="North", party_branch="b" * 101)
    assert long_branch.value.field == "partyBranch"
    with pytest.raises(AlreadyExists):
        await grid.create_courtyard(actor=admin, name="East yard", party_branch=None)
    with pytest.raises(AlreadyExists):
        await grid.create_micro_grid(actor=admin, courtyard_id=yard.id, name="Grid E1")
    with pytest.raises(NotFound) as missing:
        await grid.create_micro_grid(actor=admin, courtyard_id=foreign.id, name="Grid F1")
    assert missing.value.field == "courtyardId"
    assert await rows_of(TREE) == before


async def test_the_community_is_the_viewers_and_the_first_for_anonymous_callers() -> None:
    home = await factories.community()
    await Community.create(name="Later")
    resident = await factories.user(name="Resident")
    mine = await grid.the_community(actor=resident)
    anonymous = await grid.the_community(actor=None)
    assert mine is not None and anonymous is not None
    assert (mine.id, anonymous.id) == (home.id, home.id)
