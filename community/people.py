"""People: loading the acting user with their roles, and granting roles and home grids."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from models.actor import Actor
from models.enums import Role
from models.errors import Forbidden, InvalidInput, NotFound
from models.grid import MicroGrid
from models.people import GridAssignment, User, UserRole
from models.sql import fetch

GRID_ROLES = (Role.GRID_MEMBER, Role.GRID_WORKER)


async def load_viewer(user_id: int) -> tuple[Actor, User] | None:
    """The user and their current roles, in one statement; None if the user is gone."""
    rows = await fetch(
        "SELECT u.*, r.role AS current_role FROM app_user u "
        "LEFT JOIN user_role r ON r.user_id = u.id WHERE u.id = ?",
        user_id,
    )
    if not rows:
        return None
    columns = {k: v for k, v in rows[0].items() if k != "current_role"}
    user = User._init_from_db(**columns)
    actor = Actor(
        user_id=user.id,
        community_id=user.community_id,
        roles=frozenset(Role(row["current_role"]) for row in rows if row["current_role"]),
        home_grid_id=user.home_grid_id,
    )
    return actor, user


async def load_actor(user_id: int) -> Actor | None:
    """The user's Actor with their current roles; None if the user is gone."""
    loaded = await load_viewer(user_id)
    return loaded[0] if loaded else None


async def _grid_in_community(grid_id: int, community_id: int, field: str) -> MicroGrid:
    grid = await MicroGrid.get_or_none(id=grid_id, courtyard__community_id=community_id)
    if grid is None:
        raise NotFound("No such micro-grid.", field=field)
    return grid


async def _user_in_community(user_id: int, community_id: int) -> User:
    user = await User.get_or_none(id=user_id, community_id=community_id)
    if user is None:
        raise NotFound("No such user.", field="userId")
    return user


async def grant_role(
    *, actor: Actor, user_id: int, role: Role, micro_grid_ids: list[int] | None = None
) -> User:
    """Give a user a role (admins only); grid roles also assign the grids they look after.

    Granting again is harmless: the role and assignments are only ever added once.
    """
    if not actor.is_admin:
        raise Forbidden()
    user = await _user_in_community(user_id, actor.community_id)
    grid_ids = sorted(set(micro_grid_ids or []))
    if role in GRID_ROLES and not grid_ids:
        raise InvalidInput("Grid members and grid workers need their grids.", field="microGridIds")
    if role not in GRID_ROLES and grid_ids:
        raise InvalidInput("Only grid roles are assigned to grids.", field="microGridIds")
    for grid_id in grid_ids:
        await _grid_in_community(grid_id, actor.community_id, "microGridIds")
    async with in_transaction():
        await UserRole.get_or_create(user_id=user.id, role=role)
        for grid_id in grid_ids:
            await GridAssignment.get_or_create(user_id=user.id, micro_grid_id=grid_id, role=role)
    return user


async def set_home_grid(*, actor: Actor, user_id: int, micro_grid_id: int) -> User:
    """Move a resident to another home grid (admins only)."""
    if not actor.is_admin:
        raise Forbidden()
    user = await _user_in_community(user_id, actor.community_id)
    await _grid_in_community(micro_grid_id, actor.community_id, "microGridId")
    user.home_grid_id = micro_grid_id
    await user.save(update_fields=["home_grid_id"])
    return user
