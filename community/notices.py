"""Notices: announcements, policies, jobs and activities published to the whole community."""

from __future__ import annotations

from models.actor import Actor
from models.civic import Notice
from models.enums import NoticeKind, Role
from models.errors import Forbidden, NotFound
from models.inputs import required_text
from models.paging import Page, keyset_page

PUBLISHERS = (Role.COMMUNITY_ADMIN, Role.GRID_WORKER)
MAX_TITLE_LENGTH = 100
MAX_BODY_LENGTH = 10_000


async def publish_notice(*, actor: Actor, kind: NoticeKind, title: str, body: str) -> Notice:
    """Publish a notice to the community (admins and grid workers)."""
    if not actor.has(*PUBLISHERS):
        raise Forbidden()
    return await Notice.create(
        community_id=actor.community_id,
        author_id=actor.user_id,
        kind=kind,
        title=required_text(title, field="title", max_length=MAX_TITLE_LENGTH),
        body=required_text(body, field="body", max_length=MAX_BODY_LENGTH),
    )


async def get_notice(*, actor: Actor, notice_id: int) -> Notice:
    """One notice of the actor's community, else NotFound."""
    notice = await Notice.get_or_none(id=notice_id, community_id=actor.community_id)
    if notice is None:
        raise NotFound("No such notice.", field="id")
    return notice


async def list_notices(
    *,
    actor: Actor,
    kind: NoticeKind | None = None,
    first: int | None = None,
    after: int | None = None,
) -> Page[Notice]:
    """The community's notices, newest first, for every logged-in member."""
    query = Notice.filter(community_id=actor.community_id)
    if kind is not None:
        query = query.filter(kind=kind)
    return await keyset_page(query, first=first, after=after, newest_first=True)
