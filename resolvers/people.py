"""Resolvers for identity and the grid tree."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from community import directory, identity, policies, sessions, visibility
from models.enums import Role
from models.grid import Community, Courtyard, MicroGrid
from models.people import User
from resolvers.ids import decode_id
from resolvers.node import viewing_community_id
from resolvers.rate_limits import RateLimit
from resolvers.scope import RequestScope


@dataclass(frozen=True, slots=True)
class Session:
    access_token: str
    refresh_token: str
    user: User


async def _session_for(
    scope: RequestScope, user: User, refresh_token: str | None = None
) -> Session:
    refresh = refresh_token or await sessions.issue_refresh_token(
        user_id=user.id, days=scope.refresh_token_days
    )
    scope.become(user.id)
    return Session(scope.issue_access_token(user.id), refresh, user)


async def register(
    scope: RequestScope, *, phone: str, password: str, display_name: str, home_grid_id: str | None
) -> Session:
    grid_pk = decode_id(home_grid_id, "MicroGrid", field="homeGridId") if home_grid_id else None
    user = await identity.register(
        phone=phone, password=password, display_name=display_name, home_grid_id=grid_pk
    )
    return await _session_for(scope, user)


async def login(scope: RequestScope, *, phone: str, password: str) -> Session:
    # the address's budget is charged for every login of the request before any runs
    # (schema/budgets.py); the phone's is charged here, once the phone is known
    await scope.limit(RateLimit.LOGIN_PER_PHONE, identity.normalise_phone(phone))
    user = await identity.authenticate(phone=phone, password=password)
    return await _session_for(scope, user)


async def refresh(scope: RequestScope, *, refresh_token: str) -> Session:
    user, rotated = await sessions.rotate_refresh_token(
        token=refresh_token,
        days=scope.refresh_token_days,
        grace_seconds=scope.refresh_grace_seconds,
    )
    return await _session_for(scope, user, rotated)


async def me(scope: RequestScope) -> User | None:
    actor = await scope.viewer()
    return await scope.loaders.user.load(actor.user_id) if actor else None


async def private_phone(scope: RequestScope, user: User) -> str | None:
    return user.phone if policies.may_see_phone(viewer=await scope.viewer(), user=user) else None


async def in_directory(scope: RequestScope, user: User) -> bool:
    """May the viewer look this user up (community/directory.py)? Batched per operation."""
    return await directory.may_see_person(
        viewer=await scope.viewer(),
        person=user,
        assigned_grid_ids=scope.loaders.assigned_grid_ids.load,
    )


async def visible_people(scope: RequestScope, users: Sequence[User | None]) -> list[User]:
    """The users the viewer may look up, in their order."""
    present = [user for user in users if user is not None]
    shown = await asyncio.gather(*(in_directory(scope, user) for user in present))
    return [user for user, visible in zip(present, shown, strict=True) if visible]


async def profile_roles(scope: RequestScope, user: User) -> list[Role]:
    """A user's roles, for those who may look them up; people met through an object the
    viewer may see (a report's reporter, an event's organiser) show only their name."""
    return await scope.loaders.roles.load(user.id) if await in_directory(scope, user) else []


async def profile_home_grid(scope: RequestScope, user: User) -> MicroGrid | None:
    if user.home_grid_id is None or not await in_directory(scope, user):
        return None
    return await scope.loaders.micro_grid.load(user.home_grid_id)


async def profile_assigned_grids(scope: RequestScope, user: User) -> list[MicroGrid]:
    if not await in_directory(scope, user):
        return []
    grid_ids = await scope.loaders.assigned_grid_ids.load(user.id)
    return [grid for grid in await scope.loaders.micro_grid.load_many(grid_ids) if grid]


async def grid_members(scope: RequestScope, grid_id: int) -> list[User]:
    """Who looks after a grid, leader first, as far as the viewer may look them up: the grid
    tree is public, the people in it are not."""
    if not policies.may_look_anyone_up(await scope.viewer()):
        return []
    user_ids = await scope.loaders.grid_member_ids.load(grid_id)
    return await visible_people(scope, await scope.loaders.user.load_many(user_ids))


async def visible_user(scope: RequestScope, pk: int) -> User | None:
    await scope.require_viewer()
    visible = await visible_people(scope, [await scope.loaders.user.load(pk)])
    return visible[0] if visible else None


async def visible_community(scope: RequestScope, pk: int) -> Community | None:
    row = await scope.loaders.community.load(pk)
    return row if row and await _may_see_tree_of(scope, row.id) else None


async def visible_courtyard(scope: RequestScope, pk: int) -> Courtyard | None:
    row = await scope.loaders.courtyard.load(pk)
    return row if row and await _may_see_tree_of(scope, row.community_id) else None


async def visible_micro_grid(scope: RequestScope, pk: int) -> MicroGrid | None:
    row = await scope.loaders.micro_grid.load(pk)
    if row is None:
        return None
    courtyard = await scope.loaders.courtyard.load(row.courtyard_id)
    return row if courtyard and await _may_see_tree_of(scope, courtyard.community_id) else None


async def _may_see_tree_of(scope: RequestScope, community_id: int) -> bool:
    return visibility.may_see_grid_tree(
        tree_community_id=community_id, viewing_community_id=await viewing_community_id(scope)
    )
