"""Who may fetch which part of the grid tree by id (`node`, `nodes`): what `community` and
`microGrids` already show them. A user sees their own community's tree; an anonymous caller
sees the public community's (the first, as `community` answers them), never another's.
"""

from __future__ import annotations

from community import grid
from models.actor import Actor


async def viewing_community_id(*, actor: Actor | None) -> int | None:
    """The community whose tree and catalogue the caller sees, or None when there is none."""
    if actor is not None:
        return actor.community_id
    public = await grid.the_community(actor=None)
    return public.id if public is not None else None


def may_see_grid_tree(*, tree_community_id: int, viewing_community_id: int | None) -> bool:
    """A community, courtyard or micro-grid is seen by those viewing its community."""
    return viewing_community_id is not None and tree_community_id == viewing_community_id
