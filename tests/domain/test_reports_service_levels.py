"""Service levels per category, overdue reports, and the overdue escalation job."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from community.jobs import OVERDUE_NOTE, escalate_overdue
from community.report_workflow import (
    accept_report,
    dispatch_report,
    reject_report,
    resolve_report,
    verify_report,
)
from community.service_levels import is_overdue, service_levels, set_service_level
from models.civic import Report, ReportEvent
from models.enums import ReportCategory
from models.enums import ReportStatus as S
from models.errors import Forbidden, InvalidInput
from tests.domain.civic_helpers import at_status, cast, make_overdue, steps, submitted

HOUR = timedelta(hours=1)
OPEN = {S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.RESOLVED}


async def test_defaults_and_admin_changes(tmp_path: Path) -> None:
    people = await cast()
    levels = await service_levels(actor=people.admin)
    assert levels == {
        category: 1.0 if category is ReportCategory.SAFETY_HAZARD else 24.0
        for category in ReportCategory
    }
    changed = await set_service_level(actor=people.admin, category=ReportCategory.NOISE, hours=4.5)
    assert changed[ReportCategory.NOISE] == 4.5
    await set_service_level(actor=people.admin, category=ReportCategory.NOISE, hours=720)
    assert (await service_levels(actor=people.admin))[ReportCategory.NOISE] == 720
    report = await submitted(people, tmp_path, ReportCategory.NOISE)
    assert report.due_at == report.created_at + timedelta(hours=720)


@pytest.mark.parametrize("hours", [0, -1, 720.5, float("inf"), float("nan")])
async def test_hours_out_of_range_are_refused(hours: float) -> None:
    people = await cast()
    with pytest.raises(InvalidInput) as refused:
        await set_service_level(actor=people.admin, category=ReportCategory.OTHER, hours=hours)
    assert refused.value.field == "hours"
    assert (await service_levels(actor=people.admin))[ReportCategory.OTHER] == 24.0


@pytest.mark.parametrize("who", ["worker", "member", "reporter", "manager"])
async def test_only_admins_set_levels(who: str) -> None:
    people = await cast()
    with pytest.raises(Forbidden):
        await set_service_level(actor=getattr(people, who), category=ReportCategory.OTHER, hours=2)
    assert (await service_levels(actor=people.admin))[ReportCategory.OTHER] == 24.0


async def test_overdue_is_open_and_past_due(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(people, tmp_path, ReportCategory.SAFETY_HAZARD)
    assert report.due_at is not None
    assert not is_overdue(report, report.due_at)
    assert is_overdue(report, report.due_at + timedelta(seconds=1))
    for closed in (S.VERIFIED, S.REJECTED):
        report.status = closed
        assert not is_overdue(report, report.due_at + HOUR)
    report.status = S.ESCALATED
    assert is_overdue(report, report.due_at + HOUR)


async def test_the_job_escalates_each_overdue_report_once(tmp_path: Path) -> None:
    people = await cast()
    overdue = [await at_status(people, tmp_path, status) for status in S if status in OPEN]
    on_time = await submitted(people, tmp_path)
    closed = await submitted(people, tmp_path)
    await reject_report(actor=people.worker, report_id=closed.id, note="Not ours")
    for report in [*overdue, closed]:
        await make_overdue(report.id)

    assert await escalate_overdue() == len(overdue)
    for report in overdue:
        fresh = await Report.get(id=report.id)
        assert fresh.status is S.ESCALATED and fresh.overdue_escalated_at is not None
        last = await ReportEvent.filter(report_id=report.id).order_by("-id").first()
        assert last is not None
        assert (last.from_status, last.to_status, last.actor_id, last.note) == (
            report.status,
            S.ESCALATED,
            None,
            OVERDUE_NOTE,
        )
    assert (await Report.get(id=on_time.id)).status is S.SUBMITTED
    assert (await Report.get(id=closed.id)).status is S.REJECTED
    assert await escalate_overdue() == 0


async def test_escalated_reports_are_not_escalated_again_after_admins_act(
    tmp_path: Path,
) -> None:
    people = await cast()
    report = await submitted(people, tmp_path)
    await make_overdue(report.id)
    assert await escalate_overdue() == 1
    await dispatch_report(
        actor=people.admin, report_id=report.id, assignee_id=people.manager.user_id
    )
    assert await escalate_overdue() == 0
    assert (await Report.get(id=report.id)).status is S.DISPATCHED


async def test_two_replicas_running_at_once_escalate_each_report_once(tmp_path: Path) -> None:
    people = await cast()
    reports = [await submitted(people, tmp_path) for _ in range(12)]
    for report in reports:
        await make_overdue(report.id)
    done = await asyncio.gather(escalate_overdue(), escalate_overdue())
    assert sum(done) == 12
    for report in reports:
        assert [to for _, to, _ in await steps(report.id)] == [S.SUBMITTED, S.ESCALATED]


async def test_the_job_respects_now_and_limit(tmp_path: Path) -> None:
    people = await cast()
    reports = [await submitted(people, tmp_path, ReportCategory.SAFETY_HAZARD) for _ in range(3)]
    assert await escalate_overdue(now=datetime.now(UTC)) == 0
    later = datetime.now(UTC) + 2 * HOUR
    assert await escalate_overdue(now=later, limit=2) == 2
    assert await escalate_overdue(now=later, limit=2) == 1
    assert {(await Report.get(id=r.id)).status for r in reports} == {S.ESCALATED}
    with pytest.raises(InvalidInput) as refused:
        await escalate_overdue(now=later.replace(tzinfo=None))
    assert refused.value.field == "now"


async def test_a_resolved_report_escalated_as_overdue_is_signed_off_by_admins(
    tmp_path: Path,
) -> None:
    people = await cast()
    report = await submitted(people, tmp_path)
    await accept_report(actor=people.worker, report_id=report.id)
    await dispatch_report(
        actor=people.worker, report_id=report.id, assignee_id=people.manager.user_id
    )
    await resolve_report(actor=people.manager, report_id=report.id, note="Done", media_dir=tmp_path)
    await make_overdue(report.id)
    assert await escalate_overdue() == 1
    verified = await verify_report(actor=people.admin, report_id=report.id)
    assert (verified.status, verified.points_awarded) == (S.VERIFIED, 10)
