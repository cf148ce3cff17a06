"""The report journeys end to end: the hazard path, the dispute path, escalation."""

from __future__ import annotations

from pathlib import Path

import pytest

from community.report_queries import timelines_for
from community.report_workflow import (
    accept_report,
    dispatch_report,
    escalate_report,
    reject_report,
    resolve_report,
    verify_report,
)
from models.civic import Report
from models.enums import ReportCategory, Role
from models.enums import ReportStatus as S
from models.errors import Forbidden, InvalidTransition
from tests import factories
from tests.domain.civic_helpers import (
    PNG,
    balance,
    cast,
    files_in,
    make_overdue,
    snapshot,
    steps,
    submitted,
)


async def test_full_journey_awards_the_reporter_once(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(people, tmp_path, ReportCategory.SAFETY_HAZARD)
    assert report.status is S.SUBMITTED
    assert report.micro_grid_id == people.grid.id

    report = await accept_report(actor=people.worker, report_id=report.id, note="On my way")
    assert report.status is S.ACCEPTED
    report = await dispatch_report(
        actor=people.worker, report_id=report.id, assignee_id=people.manager.user_id
    )
    assert (report.status, report.assignee_id) == (S.DISPATCHED, people.manager.user_id)
    report = await resolve_report(
        actor=people.manager,
        report_id=report.id,
        note="Cover replaced",
        photos=[PNG],
        media_dir=tmp_path,
    )
    assert (report.status, report.resolved_by_id) == (S.RESOLVED, people.manager.user_id)
    assert len(report.photos) == 1 and report.photos[0].endswith(".png")
    assert files_in(tmp_path) == report.photos

    report = await verify_report(actor=people.worker, report_id=report.id)
    assert report.status is S.VERIFIED
    assert report.points_awarded == 10
    assert (await Report.get(id=report.id)).points_awarded == 10
    assert await balance(people.reporter) == 10

    assert await steps(report.id) == [
        (None, S.SUBMITTED, people.reporter.user_id),
        (S.SUBMITTED, S.ACCEPTED, people.worker.user_id),
        (S.ACCEPTED, S.DISPATCHED, people.worker.user_id),
        (S.DISPATCHED, S.RESOLVED, people.manager.user_id),
        (S.RESOLVED, S.VERIFIED, people.worker.user_id),
    ]
    timeline = (await timelines_for([report.id]))[report.id]
    assert [entry.note for entry in timeline] == [None, "On my way", None, "Cover replaced", None]

    with pytest.raises(InvalidTransition):
        await verify_report(actor=people.second_worker, report_id=report.id)
    assert await balance(people.reporter) == 10


async def test_the_resolver_cannot_verify_their_own_fix(tmp_path: Path) -> None:
    people = await cast()
    both = await factories.user(
        Role.GRID_MEMBER, Role.GRID_WORKER, name="Member and worker", grids=(people.grid,)
    )
    report = await submitted(people, tmp_path)
    await accept_report(actor=people.worker, report_id=report.id)
    await dispatch_report(actor=people.worker, report_id=report.id, assignee_id=both.user_id)
    await resolve_report(actor=both, report_id=report.id, note="Done", media_dir=tmp_path)
    before = await snapshot(report.id)
    with pytest.raises(Forbidden):
        await verify_report(actor=both, report_id=report.id)
    assert await snapshot(report.id) == before
    await verify_report(actor=people.second_worker, report_id=report.id)
    assert await balance(people.reporter) == 10


async def test_dispute_mediated_by_the_grid_member_and_verified(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(
        people, tmp_path, ReportCategory.DISPUTE, description="Noise from flat 302 every night"
    )
    await accept_report(actor=people.member, report_id=report.id)
    report = await resolve_report(
        actor=people.member, report_id=report.id, note="Agreed quiet hours", media_dir=tmp_path
    )
    assert (report.status, report.resolved_by_id) == (S.RESOLVED, people.member.user_id)
    report = await verify_report(actor=people.worker, report_id=report.id)
    assert report.status is S.VERIFIED
    assert await balance(people.reporter) == 10
    assert [to for _, to, _ in await steps(report.id)] == [
        S.SUBMITTED,
        S.ACCEPTED,
        S.RESOLVED,
        S.VERIFIED,
    ]


async def test_dispute_escalated_when_mediation_fails_then_settled_by_admins(
    tmp_path: Path,
) -> None:
    people = await cast()
    report = await submitted(people, tmp_path, ReportCategory.DISPUTE)
    await accept_report(actor=people.member, report_id=report.id)
    report = await escalate_report(
        actor=people.member, report_id=report.id, note="Neither side will meet"
    )
    assert report.status is S.ESCALATED

    # From ESCALATED only admins act; grid staff no longer can.
    before = await snapshot(report.id)
    with pytest.raises(Forbidden):
        await resolve_report(
            actor=people.member, report_id=report.id, note="Tried again", media_dir=tmp_path
        )
    with pytest.raises(InvalidTransition):
        await accept_report(actor=people.admin, report_id=report.id)
    assert await snapshot(report.id) == before

    report = await resolve_report(
        actor=people.admin, report_id=report.id, note="Community mediation", media_dir=tmp_path
    )
    # The admin who settled it does not sign it off; the grid worker checks on site.
    with pytest.raises(Forbidden):
        await verify_report(actor=people.admin, report_id=report.id)
    report = await verify_report(actor=people.worker, report_id=report.id)
    assert report.status is S.VERIFIED
    assert await balance(people.reporter) == 10
    assert [(frm, to) for frm, to, _ in await steps(report.id)] == [
        (None, S.SUBMITTED),
        (S.SUBMITTED, S.ACCEPTED),
        (S.ACCEPTED, S.ESCALATED),
        (S.ESCALATED, S.RESOLVED),
        (S.RESOLVED, S.VERIFIED),
    ]


async def test_admins_handle_escalated_reports(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(people, tmp_path)
    await escalate_report(actor=people.worker, report_id=report.id)
    report = await dispatch_report(
        actor=people.admin, report_id=report.id, assignee_id=people.manager.user_id
    )
    assert report.status is S.DISPATCHED

    rejected = await submitted(people, tmp_path, ReportCategory.NOISE)
    await escalate_report(actor=people.member, report_id=rejected.id)
    rejected = await reject_report(actor=people.admin, report_id=rejected.id, note="Not ours")
    assert rejected.status is S.REJECTED

    verified = await submitted(people, tmp_path, ReportCategory.SANITATION)
    await escalate_report(actor=people.worker, report_id=verified.id)
    verified = await verify_report(actor=people.admin, report_id=verified.id)
    assert (verified.status, verified.points_awarded) == (S.VERIFIED, 10)


async def test_a_rejected_report_earns_nothing(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(people, tmp_path)
    report = await reject_report(actor=people.member, report_id=report.id, note="Private property")
    assert (report.status, report.points_awarded) == (S.REJECTED, 0)
    assert (await steps(report.id))[-1] == (S.SUBMITTED, S.REJECTED, people.member.user_id)
    assert await balance(people.reporter) == 0


async def test_reporter_may_escalate_only_once_overdue(tmp_path: Path) -> None:

    people = await cast()
    report = await submitted(people, tmp_path)
    before = await snapshot(report.id)
    with pytest.raises(Forbidden):
        await escalate_report(actor=people.reporter, report_id=report.id)
    assert await snapshot(report.id) == before
    await make_overdue(report.id)
    report = await escalate_report(actor=people.reporter, report_id=report.id, note="Still dark")
    assert report.status is S.ESCALATED
