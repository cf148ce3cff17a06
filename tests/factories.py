"""Small builders for test data. They write rows directly; rules are exercised by the tests."""

from __future__ import annotations

import itertools

from community.people import load_actor
from marketplace.funding import fund
from models.actor import Actor
from models.enums import Role
from models.grid import Community, Courtyard, MicroGrid
from models.people import GridAssignment, User, UserRole

_phones = itertools.count(13900000000)
# Points enter a pool only by funding: every test community's pool starts with plenty.
TEST_POOL_FUNDING = 1_000_000


async def community(name: str = "Xingrong") -> Community:
    existing = await Community.get_or_none(name=name)
    home = existing or await Community.create(name=name)
    await funded(home.id)
    return home


async def funded(community_id: int, points: int = TEST_POOL_FUNDING) -> None:
    """Fund the community's pool once (later calls replay the first funding)."""
    await fund(
        community_id=community_id,
        amount=points,
        memo="Test funding",
        actor_id=None,
        idempotency_key=f"test-funding:{community_id}",
    )


async def grid(name: str = "Grid 1", courtyard: str = "Courtyard 1") -> MicroGrid:
    home = await community()
    yard, _ = await Courtyard.get_or_create(
        community=home, name=courtyard, defaults={"party_branch": f"{courtyard} branch"}
    )
    found, _ = await MicroGrid.get_or_create(courtyard=yard, name=name)
    return found


async def user(
    *roles: Role,
    name: str = "Resident",
    home_grid: MicroGrid | None = None,
    grids: tuple[MicroGrid, ...] = (),
    phone: str | None = None,
) -> Actor:
    """A user holding the roles (RESIDENT always), assigned to `grids` as member/worker."""
    home = await community()
    row = await User.create(
        community=home,
        phone=phone or str(next(_phones)),
        password_hash="not-a-real-hash",
        display_name=name,
        home_grid=home_grid,
    )
    for role in {Role.RESIDENT, *roles}:
        await UserRole.create(user=row, role=role)
    for assigned in grids:
        for role in roles:
            if role in (Role.GRID_MEMBER, Role.GRID_WORKER):
                await GridAssignment.create(user=row, micro_grid=assigned, role=role)
    actor = await load_actor(row.id)
    assert actor is not None
    return actor
