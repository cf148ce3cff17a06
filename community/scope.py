"""Who is responsible for which micro-grid: the one place that answers it.

Grid members and grid workers look after the grids they are assigned to; community admins
look after every grid of their community. Every visibility and handling rule asks here.
"""

from __future__ import annotations

from tortoise.expressions import Q, Subquery

from models.actor import Actor
from models.enums import Role
from models.people import GridAssignment

GRID_STAFF = (Role.GRID_MEMBER, Role.GRID_WORKER)


async def assigned_grid_ids(user_id: int, roles: tuple[Role, ...] = GRID_STAFF) -> set[int]:
    """The micro-grids this user looks after in any of the given roles."""
    rows = await GridAssignment.filter(user_id=user_id, role__in=roles).values("micro_grid_id")
    return {int(row["micro_grid_id"]) for row in rows}


async def looks_after(actor: Actor, grid_id: int, roles: tuple[Role, ...] = GRID_STAFF) -> bool:
    """Is this actor assigned to the grid in one of the roles (and still holding the role)?"""
    held = tuple(role for role in roles if role in actor.roles)
    if not held:
        return False
    return await GridAssignment.filter(
        user_id=actor.user_id, micro_grid_id=grid_id, role__in=held
    ).exists()


async def is_grid_worker_of(actor: Actor, grid_id: int) -> bool:
    return await looks_after(actor, grid_id, (Role.GRID_WORKER,))


async def is_grid_member_of(actor: Actor, grid_id: int) -> bool:
    return await looks_after(actor, grid_id, (Role.GRID_MEMBER,))


async def is_grid_staff_of(actor: Actor, grid_id: int) -> bool:
    return await looks_after(actor, grid_id, GRID_STAFF)


def looked_after_filter(actor: Actor, roles: tuple[Role, ...] = GRID_STAFF) -> Q | None:
    """A filter on micro_grid_id for the grids the actor looks after, as a subquery so the
    caller's query stays one statement; None when the actor holds none of the roles."""
    held = tuple(role for role in roles if role in actor.roles)
    if not held:
        return None
    grids = GridAssignment.filter(user_id=actor.user_id, role__in=held).values("micro_grid_id")
    return Q(micro_grid_id__in=Subquery(grids))
