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

from collections.abc import Collection

from models.actor import Actor
from models.people import GridAssignment, User


def may_see_person(
    *,
    viewer: Actor | None,
    viewer_grid_ids: Collection[int],
    person: User,
    person_grid_ids: Collection[int],
) -> bool:
    """The rule itself, on rows the caller has loaded (`*_grid_ids`: the grids each one is
    assigned to as staff), so lists can batch their lookups."""
    if viewer is None or person.community_id != viewer.community_id:
        return False
    if viewer.user_id == person.id or viewer.is_admin:
        return True
    if person.home_grid_id is not None and person.home_grid_id in viewer_grid_ids:
        return True
    return viewer.home_grid_id is not None and viewer.home_grid_id in person_grid_ids


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
    visible = may_see_person(
        viewer=viewer,
        viewer_grid_ids=await _assigned(viewer.user_id),
        person=person,
        person_grid_ids=await _assigned(person.id),
    )
    return person if visible else None
