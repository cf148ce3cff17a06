"""Who sees which report, the work queues, and the batched timelines."""

from __future__ import annotations

from pathlib import Path

import pytest

from community.report_queries import get_report, list_reports, timelines_for
from community.report_workflow import accept_report, dispatch_report
from models.actor import Actor
from models.civic import Report
from models.enums import ReportCategory, Role
from models.enums import ReportStatus as S
from models.errors import InvalidInput, NotFound
from models.people import GridAssignment, UserRole
from tests import factories
from tests.domain.civic_helpers import Cast, admin_elsewhere, cast, submitted
from tests.statements import counting_statements as statements


async def ids(actor: Actor, **kwargs: object) -> list[int]:
    page = await list_reports(actor=actor, **kwargs)  # type: ignore[arg-type]
    return [report.id for report in page.items]


async def three_reports(people: Cast, media: Path) -> tuple[Report, Report, Report]:
    """Reporter's in grid 1, resident's in grid 1 (dispatched to the manager), rider's in grid 2."""
    rider = await factories.user(Role.MOBILE_REPORTER, name="Rider")
    mine = await submitted(people, media)
    neighbours = await submitted(people, media, ReportCategory.NOISE, reporter=people.resident)
    await accept_report(actor=people.worker, report_id=neighbours.id)
    neighbours = await dispatch_report(
        actor=people.worker, report_id=neighbours.id, assignee_id=people.manager.user_id
    )
    elsewhere = await submitted(people, media, reporter=rider, micro_grid_id=people.other_grid.id)
    return mine, neighbours, elsewhere


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("reporter", {"mine"}),
        ("resident", {"neighbours"}),
        ("member", {"mine", "neighbours"}),
        ("worker", {"mine", "neighbours"}),
        ("manager", {"neighbours"}),
        ("other_member", {"elsewhere"}),
        ("other_worker", {"elsewhere"}),
        ("admin", {"mine", "neighbours", "elsewhere"}),
        ("far_admin", set()),
    ],
)
async def test_visibility_both_ways(who: str, sees: set[str], tmp_path: Path) -> None:
    people = await cast()
    mine, neighbours, elsewhere = await three_reports(people, tmp_path)
    actor = await admin_elsewhere() if who == "far_admin" else getattr(people, who)
    reports = {"mine": mine, "neighbours": neighbours, "elsewhere": elsewhere}
    for name, report in reports.items():
        if name in sees:
            assert (await get_report(actor=actor, report_id=report.id)).id == report.id
        else:
            with pytest.raises(NotFound):
                await get_report(actor=actor, report_id=report.id)
    assert set(await ids(actor)) == {reports[name].id for name in sees}


async def test_missing_reports_look_like_hidden_ones(tmp_path: Path) -> None:
    people = await cast()
    with pytest.raises(NotFound) as missing:
        await get_report(actor=people.admin, report_id=12345)
    assert missing.value.field == "reportId"


async def test_a_revoked_role_stops_showing_the_grid(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(people, tmp_path)
    assert await ids(people.member) == [report.id]
    await UserRole.filter(user_id=people.member.user_id, role=Role.GRID_MEMBER).delete()
    still_assigned = await GridAssignment.filter(user_id=people.member.user_id).exists()
    assert still_assigned
    demoted = Actor(
        user_id=people.member.user_id,
        community_id=people.member.community_id,
        roles=frozenset({Role.RESIDENT}),
    )
    assert await ids(demoted) == []
    with pytest.raises(NotFound):
        await get_report(actor=demoted, report_id=report.id)


async def test_residents_see_their_own_newest_first_staff_a_queue_oldest_first(
    tmp_path: Path,
) -> None:
    people = await cast()
    reports = [await submitted(people, tmp_path, category) for category in list(ReportCategory)[:5]]
    created = [report.id for report in reports]
    assert await ids(people.reporter) == created[::-1]
    assert await ids(people.worker) == created
    assert await ids(people.admin) == created


async def test_queues_page_by_keyset_and_filter_by_status(tmp_path: Path) -> None:
    people = await cast()
    created = [(await submitted(people, tmp_path)).id for _ in range(5)]
    await accept_report(actor=people.worker, report_id=created[1])
    await accept_report(actor=people.worker, report_id=created[3])

    first = await list_reports(actor=people.worker, first=2)
    assert ([r.id for r in first.items], first.has_next) == (created[:2], True)
    rest = await list_reports(actor=people.worker, first=2, after=first.items[-1].id)
    assert [r.id for r in rest.items] == created[2:4]
    last = await list_reports(actor=people.worker, first=2, after=rest.items[-1].id)
    assert ([r.id for r in last.items], last.has_next) == (created[4:], False)

    newest = await list_reports(actor=people.reporter, first=2)
    assert [r.id for r in newest.items] == created[:-3:-1]
    older = await list_reports(actor=people.reporter, first=2, after=newest.items[-1].id)
    assert [r.id for r in older.items] == created[2:0:-1]

    assert await ids(people.worker, status=S.ACCEPTED) == [created[1], created[3]]
    assert await ids(people.reporter, status=S.SUBMITTED) == [created[4], created[2], created[0]]
    with pytest.raises(InvalidInput) as refused:
        await list_reports(actor=people.worker, first=101)
    assert refused.value.field == "first"


@pytest.mark.parametrize("who", ["reporter", "worker", "manager", "admin"])
async def test_a_page_is_one_statement(who: str, tmp_path: Path) -> None:
    people = await cast()
    await three_reports(people, tmp_path)
    actor = getattr(people, who)
    with statements() as sent:
        page = await list_reports(actor=actor)
    assert page.items
    assert len(sent) == 1, sent


async def test_timelines_for_many_reports_in_one_statement(tmp_path: Path) -> None:
    people = await cast()
    mine, neighbours, elsewhere = await three_reports(people, tmp_path)
    with statements() as sent:
        timelines = await timelines_for([mine.id, neighbours.id, elsewhere.id, 999])
    assert len(sent) == 1
    assert [e.to_status for e in timelines[neighbours.id]] == [
        S.SUBMITTED,
        S.ACCEPTED,
        S.DISPATCHED,
    ]
    assert [e.to_status for e in timelines[mine.id]] == [S.SUBMITTED]
    assert timelines[999] == []
    assert await timelines_for([]) == {}
