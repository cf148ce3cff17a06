"""Who may see what of people and the grid, each rule once, for every path (HTTP, WebSocket,
jobs, CLI). Field descriptions in schema/ state these rules; keep them in step.

Who may look whom up is community/directory.py, who may see a report
community/report_queries.py, who may fetch the grid tree by id community/visibility.py.
"""

from __future__ import annotations

from models.actor import Actor
from models.people import User


def may_see_phone(*, viewer: Actor | None, user: User) -> bool:
    """A phone number: the user themselves and the admins of their community."""
    return viewer is not None and viewer.is_self_or_admin_of(
        user_id=user.id, community_id=user.community_id
    )


def may_look_anyone_up(viewer: Actor | None) -> bool:
    """Anonymous callers see nobody: the grid tree is public, the people in it are not."""
    return viewer is not None
