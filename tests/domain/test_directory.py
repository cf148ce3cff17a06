"""The directory rule without GraphQL: who may look whom up (community/directory.py)."""

from __future__ import annotations

from community.directory import visible_person
from models.actor import Actor
from models.enums import Role
from models.people import User
from tests import factories


async def _sees(viewer: Actor | None, person: Actor) -> bool:
    return await visible_person(viewer=viewer, user_id=person.user_id) is not None


async def test_who_may_look_whom_up() -> None:
    x, y = await factories.grid("Grid X"), await factories.grid("Grid Y")
    resident_x = await factories.user(name="Resident X", home_grid=x)
    neighbour_x = await factories.user(name="Neighbour X", home_grid=x)
    resident_y = await factories.user(name="Resident Y", home_grid=y)
    member_x = await factories.user(Role.GRID_MEMBER, name="Member X", grids=(x,))
    worker_y = await factories.user(Role.GRID_WORKER, name="Worker Y", grids=(y,))
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    everyone = [resident_x, neighbour_x, resident_y, member_x, worker_y, admin]
    seen = {
        viewer.user_id: {p.user_id for p in everyone if await _sees(viewer, p)}
        for viewer in everyone
    }
    ids = {a.user_id: a for a in everyone}
    named = {ids[v].user_id: sorted(ids[p].user_id for p in people) for v, people in seen.items()}
    assert named == {
        # residents: themselves and their own grid's staff
        resident_x.user_id: sorted([resident_x.user_id, member_x.user_id]),
        neighbour_x.user_id: sorted([neighbour_x.user_id, member_x.user_id]),
        resident_y.user_id: sorted([resident_y.user_id, worker_y.user_id]),
        # grid staff: themselves and the residents of the grids they look after
        member_x.user_id: sorted([member_x.user_id, resident_x.user_id, neighbour_x.user_id]),
        worker_y.user_id: sorted([worker_y.user_id, resident_y.user_id]),
        # admins: everyone in their community
        admin.user_id: sorted(a.user_id for a in everyone),
    }
    assert not await _sees(None, resident_x)


async def test_nobody_sees_people_of_another_community() -> None:
    home = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    other = await factories.community("Elsewhere")
    stranger = await factories.user(name="Stranger")
    await User.filter(id=stranger.user_id).update(community_id=other.id)
    assert await visible_person(viewer=home, user_id=stranger.user_id) is None
    assert await visible_person(viewer=home, user_id=home.user_id) is not None
