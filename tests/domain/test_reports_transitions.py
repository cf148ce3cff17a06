"""Every wrong step and every wrong person is refused, and a refusal changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from community.report_workflow import (
    accept_report,
    dispatch_report,
    escalate_report,
    reject_report,
    resolve_report,
    verify_report,
)
from models.actor import Actor
from models.civic import Report
from models.enums import ReportCategory, Role
from models.enums import ReportStatus as S
from models.errors import DomainError, Forbidden, InvalidInput, InvalidTransition, NotFound
from tests import factories
from tests.domain.civic_helpers import (
    Cast,
    admin_elsewhere,
    at_status,
    balance,
    cast,
    snapshot,
    steps,
    submitted,
)

StepCall = Callable[[Cast, Actor, int, Path], Awaitable[Report]]

STEPS: dict[str, StepCall] = {
    "accept": lambda p, a, r, d: accept_report(actor=a, report_id=r),
    "dispatch": lambda p, a, r, d: dispatch_report(
        actor=a, report_id=r, assignee_id=p.manager.user_id
    ),
    "resolve": lambda p, a, r, d: resolve_report(actor=a, report_id=r, note="Done", media_dir=d),
    "verify": lambda p, a, r, d: verify_report(actor=a, report_id=r),
    "reject": lambda p, a, r, d: reject_report(actor=a, report_id=r, note="No"),
    "escalate": lambda p, a, r, d: escalate_report(actor=a, report_id=r),
}

# Written out independently of the workflow's own table: the steps the issue allows.
LEGAL = {
    ("accept", S.SUBMITTED),
    ("dispatch", S.ACCEPTED),
    ("dispatch", S.ESCALATED),
    ("resolve", S.DISPATCHED),
    ("resolve", S.ESCALATED),
    ("verify", S.RESOLVED),
    ("verify", S.ESCALATED),
    ("reject", S.SUBMITTED),
    ("reject", S.ACCEPTED),
    ("reject", S.ESCALATED),
    ("escalate", S.SUBMITTED),
    ("escalate", S.ACCEPTED),
    ("escalate", S.DISPATCHED),
    ("escalate", S.RESOLVED),
}


@pytest.mark.parametrize("status", list(S))
async def test_steps_the_table_lacks_are_invalid_even_for_admins(status: S, tmp_path: Path) -> None:
    people = await cast()
    report = await at_status(people, tmp_path, status)
    assert report.status is status
    before = await snapshot(report.id)
    illegal = [name for name in STEPS if (name, status) not in LEGAL]
    assert illegal
    for name in illegal:
        with pytest.raises(InvalidTransition):
            await STEPS[name](people, people.admin, report.id, tmp_path)
        assert await snapshot(report.id) == before, name


async def test_only_disputes_are_resolved_straight_from_accepted(tmp_path: Path) -> None:
    people = await cast()
    for category in ReportCategory:
        report = await submitted(people, tmp_path, category)
        await accept_report(actor=people.member, report_id=report.id)
        before = await snapshot(report.id)
        if category is ReportCategory.DISPUTE:
            resolved = await resolve_report(
                actor=people.member, report_id=report.id, note="Talked", media_dir=tmp_path
            )
            assert resolved.status is S.RESOLVED
            continue
        with pytest.raises(InvalidTransition):
            await resolve_report(
                actor=people.member, report_id=report.id, note="Talked", media_dir=tmp_path
            )
        assert await snapshot(report.id) == before


# (step, status, who, error): the right step by the wrong person. Someone who cannot see the
# report at all is told it does not exist; someone who can is told they may not.
WRONG_PEOPLE: list[tuple[str, S, str, type[DomainError]]] = [
    ("accept", S.SUBMITTED, "reporter", Forbidden),
    ("accept", S.SUBMITTED, "manager", NotFound),
    ("accept", S.SUBMITTED, "resident", NotFound),
    ("accept", S.SUBMITTED, "other_worker", NotFound),
    ("accept", S.SUBMITTED, "other_member", NotFound),
    ("accept", S.SUBMITTED, "far_admin", NotFound),
    ("dispatch", S.ACCEPTED, "member", Forbidden),
    ("dispatch", S.ACCEPTED, "reporter", Forbidden),
    ("dispatch", S.ACCEPTED, "other_worker", NotFound),
    ("resolve", S.DISPATCHED, "worker", Forbidden),
    ("resolve", S.DISPATCHED, "member", Forbidden),
    ("resolve", S.DISPATCHED, "reporter", Forbidden),
    ("resolve", S.DISPATCHED, "other_manager", NotFound),
    ("verify", S.RESOLVED, "member", Forbidden),
    ("verify", S.RESOLVED, "manager", Forbidden),
    ("verify", S.RESOLVED, "reporter", Forbidden),
    ("verify", S.RESOLVED, "other_worker", NotFound),
    ("verify", S.RESOLVED, "far_admin", NotFound),
    ("reject", S.SUBMITTED, "reporter", Forbidden),
    ("reject", S.ACCEPTED, "other_member", NotFound),
    ("escalate", S.SUBMITTED, "reporter", Forbidden),
    ("escalate", S.DISPATCHED, "manager", Forbidden),
    ("escalate", S.RESOLVED, "other_worker", NotFound),
    ("dispatch", S.ESCALATED, "worker", Forbidden),
    ("resolve", S.ESCALATED, "member", Forbidden),
    ("verify", S.ESCALATED, "worker", Forbidden),
    ("reject", S.ESCALATED, "member", Forbidden),
]


@pytest.mark.parametrize(("step", "status", "who", "error"), WRONG_PEOPLE)
async def test_the_right_step_by_the_wrong_person_changes_nothing(
    step: str, status: S, who: str, error: type[DomainError], tmp_path: Path
) -> None:
    people = await cast()
    report = await at_status(people, tmp_path, status)
    extra: dict[str, Callable[[], Awaitable[Actor]]] = {
        "far_admin": admin_elsewhere,
        "other_manager": lambda: factories.user(Role.PROPERTY_MANAGER, name="Other manager"),
    }
    actor = await extra[who]() if who in extra else getattr(people, who)
    before = await snapshot(report.id)
    with pytest.raises(error):
        await STEPS[step](people, actor, report.id, tmp_path)
    assert await snapshot(report.id) == before
    assert await balance(people.reporter) == 0


@pytest.mark.parametrize(
    ("assignee", "message"),
    [
        ("resident", "a resident holds neither role"),
        ("other_member", "a grid member of another grid"),
        ("missing", "no such user"),
        ("far_admin", "a user of another community"),
    ],
)
async def test_dispatch_refuses_who_cannot_fix_it(
    assignee: str, message: str, tmp_path: Path
) -> None:
    people = await cast()
    report = await at_status(people, tmp_path, S.ACCEPTED)
    far = await admin_elsewhere()
    ids = {"missing": 999_999, "far_admin": far.user_id}
    assignee_id = ids.get(assignee) or getattr(people, assignee).user_id
    before = await snapshot(report.id)
    with pytest.raises(InvalidInput) as refused:
        await dispatch_report(actor=people.worker, report_id=report.id, assignee_id=assignee_id)
    assert refused.value.field == "assigneeId", message
    assert await snapshot(report.id) == before


async def test_resolving_and_rejecting_need_a_note(tmp_path: Path) -> None:
    people = await cast()
    dispatched = await at_status(people, tmp_path, S.DISPATCHED)
    submitted_report = await submitted(people, tmp_path)
    calls: tuple[Callable[[], Awaitable[object]], ...] = (
        lambda: resolve_report(
            actor=people.manager, report_id=dispatched.id, note="  ", media_dir=tmp_path
        ),
        lambda: reject_report(actor=people.worker, report_id=submitted_report.id),
    )
    for call in calls:
        before = [await snapshot(dispatched.id), await snapshot(submitted_report.id)]
        with pytest.raises(InvalidInput) as refused:
            await call()
        assert refused.value.field == "note"
        assert [await snapshot(dispatched.id), await snapshot(submitted_report.id)] == before


async def test_two_grid_workers_accepting_at_once_give_one_winner(tmp_path: Path) -> None:
    people = await cast()
    for _ in range(5):
        report = await submitted(people, tmp_path)
        outcomes = await asyncio.gather(
            accept_report(actor=people.worker, report_id=report.id),
            accept_report(actor=people.second_worker, report_id=report.id),
            return_exceptions=True,
        )
        assert sorted(type(o).__name__ for o in outcomes) == ["InvalidTransition", "Report"]
        winner = people.worker if isinstance(outcomes[0], Report) else people.second_worker
        assert await steps(report.id) == [
            (None, S.SUBMITTED, people.reporter.user_id),
            (S.SUBMITTED, S.ACCEPTED, winner.user_id),
        ]


async def test_two_workers_verifying_at_once_award_once(tmp_path: Path) -> None:
    people = await cast()
    report = await at_status(people, tmp_path, S.RESOLVED)
    outcomes = await asyncio.gather(
        verify_report(actor=people.worker, report_id=report.id),
        verify_report(actor=people.second_worker, report_id=report.id),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["InvalidTransition", "Report"]
    assert await balance(people.reporter) == 10
    assert [to for _, to, _ in await steps(report.id)].count(S.VERIFIED) == 1
