"""Who may look whom up: the directory rule, for `node(id:)` and every list of people.

- Everyone sees themselves.
- Community admins see everyone in their community.
- Grid staff (grid members and grid workers, by their grid assignments) see the residents
  whose home grid they look after.
- Residents see the staff of their own home grid.
- Nobody else, and anonymous callers nobody.

People met through an object the viewer may see (the reporter of a report a grid worker
handles, an event's organiser, a suggestion's author) are shown by name as part of that
object; their roles and grids only to those this rule lets look them up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection

from models.actor import Actor
from models.people import GridAssignment, User

# user id -> the grids the user is assigned to as staff
AssignedGrids = Callable[[int], Awaitable[Collection[int]]]


async def may_see_person(
    *, viewer: Actor | None, person: User, assigned_grid_ids: AssignedGrids
) -> bool:
    """The rule itself. `assigned_grid_ids` is asked only when the rule needs a grid (not for
    oneself nor an admin), so the caller can batch it for a list of people."""
    if viewer is None:
        return False
    if viewer.user_id == person.id:
        return True
    if person.community_id != viewer.community_id:
        return False
    if viewer.is_admin:
        return True
    home = person.home_grid_id
    if home is not None and home in await assigned_grid_ids(viewer.user_id):
        return True
    mine = viewer.home_grid_id
    return mine is not None and mine in await assigned_grid_ids(person.id)


async def _assigned(user_id: int) -> set[int]:
    rows = await GridAssignment.filter(user_id=user_id).values_list("micro_grid_id")
    return {int(row[0]) for row in rows}


async def visible_person(*, viewer: Actor | None, user_id: int) -> User | None:
    """The user, if the viewer may look them up; None otherwise (as if there were none)."""
    if viewer is None:
        return None
    person = await User.get_or_none(id=user_id)
    if person is None:
        return None
    visible = await may_see_person(viewer=viewer, person=person, assigned_grid_ids=_assigned)
    return person if visible else None
