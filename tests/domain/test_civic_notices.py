"""Notices: published by admins and grid workers, read by everyone in the community."""

from __future__ import annotations

import pytest

from community.notices import list_notices, publish_notice
from models.civic import Notice
from models.enums import NoticeKind, Role
from models.errors import Forbidden, InvalidInput
from tests import factories
from tests.domain.civic_helpers import admin_elsewhere


async def test_admins_and_grid_workers_publish_others_may_not() -> None:
    grid = await factories.grid()
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    worker = await factories.user(Role.GRID_WORKER, grids=(grid,))
    for author in (admin, worker):
        notice = await publish_notice(
            actor=author, kind=NoticeKind.ANNOUNCEMENT, title=" Water off ", body="Tue 9-12."
        )
        assert (notice.author_id, notice.title) == (author.user_id, "Water off")
    refused = [
        await factories.user(),
        await factories.user(Role.GRID_MEMBER, grids=(grid,)),
        await factories.user(Role.PROPERTY_MANAGER),
        await factories.user(Role.MERCHANT),
        await factories.user(Role.MOBILE_REPORTER),
    ]
    for intruder in refused:
        with pytest.raises(Forbidden):
            await publish_notice(actor=intruder, kind=NoticeKind.POLICY, title="T", body="B")
    assert await Notice.all().count() == 2


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [(" ", "Body", "title"), ("x" * 101, "Body", "title"), ("Title", "", "body")],
)
async def test_invalid_notices_are_refused(title: str, body: str, field: str) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    with pytest.raises(InvalidInput) as refused:
        await publish_notice(actor=admin, kind=NoticeKind.JOB, title=title, body=body)
    assert refused.value.field == field
    assert await Notice.all().count() == 0


async def test_everyone_reads_notices_newest_first_by_kind() -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN)
    resident = await factories.user()
    kinds = [NoticeKind.ANNOUNCEMENT, NoticeKind.JOB, NoticeKind.ACTIVITY, NoticeKind.JOB]
    ids = [
        (await publish_notice(actor=admin, kind=kind, title=f"N{n}", body="...")).id
        for n, kind in enumerate(kinds)
    ]
    assert [n.id for n in (await list_notices(actor=resident)).items] == ids[::-1]
    jobs = await list_notices(actor=resident, kind=NoticeKind.JOB)
    assert [n.id for n in jobs.items] == [ids[3], ids[1]]
    page = await list_notices(actor=resident, first=3)
    rest = await list_notices(actor=resident, first=3, after=page.items[-1].id)
    assert (page.has_next, [n.id for n in rest.items]) == (True, [ids[0]])
    assert (await list_notices(actor=await admin_elsewhere())).items == []
