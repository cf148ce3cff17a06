"""The report workflow: which step may follow which, and who may take it.

    SUBMITTED -accept-> ACCEPTED -dispatch-> DISPATCHED -resolve-> RESOLVED -verify-> VERIFIED
    SUBMITTED, ACCEPTED -reject-> REJECTED
    SUBMITTED, ACCEPTED -withdraw-> WITHDRAWN        the reporter (the points held are voided)
    SUBMITTED, ACCEPTED, DISPATCHED, RESOLVED -escalate-> ESCALATED
    ACCEPTED -resolve-> RESOLVED            disputes only: the grid member mediated on the spot
    ESCALATED -dispatch | resolve | reject | verify->   admins only

Admins of the community may take every step. Checks run in a fixed order, each failure
changing nothing: a report the actor cannot see is NotFound, a step the table lacks is
InvalidTransition, a step the actor may not take is Forbidden, then the input is checked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from community.media import check_photos, stored
from community.people import load_actor
from community.report_queries import visible_reports
from community.scope import is_grid_member_of, is_grid_staff_of, is_grid_worker_of
from community.service_levels import is_overdue
from marketplace.earning import settle_award, void_award
from models import clock, outbox
from models.actor import Actor
from models.civic import Report, ReportEvent
from models.enums import PointsReason, ReportCategory, ReportStatus, Role
from models.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from models.inputs import optional_text, required_text

MAX_NOTE_LENGTH = 2000
S = ReportStatus


class Step(StrEnum):
    ACCEPT = "ACCEPT"
    DISPATCH = "DISPATCH"
    RESOLVE = "RESOLVE"
    VERIFY = "VERIFY"
    REJECT = "REJECT"
    ESCALATE = "ESCALATE"
    WITHDRAW = "WITHDRAW"


class Party(Enum):
    """Who, besides the community's admins, may take a step."""

    GRID_STAFF = "grid member or grid worker of the report's grid"
    GRID_WORKER = "grid worker of the report's grid"
    GRID_MEMBER = "grid member of the report's grid"
    ASSIGNEE = "the person the report was dispatched to"
    REPORTER_WHEN_OVERDUE = "the reporter, once the report is overdue"
    REPORTER = "the report's reporter"


class Excluded(Enum):
    """Who may not take a step even when a party to it (admins included)."""

    RESOLVER = "whoever resolved the report"  # nobody signs off their own work
    REPORTER = "whoever made the report"  # nor their own reward


# What an excluded party is told; without a reason, the plain Forbidden message.
EXCLUSION_REASONS = {
    Excluded.REPORTER: "Someone else must verify a report you made: it earns you points.",
}


@dataclass(frozen=True, slots=True)
class Transition:
    to: ReportStatus
    parties: frozenset[Party] = frozenset()  # empty: admins only
    categories: frozenset[ReportCategory] | None = None  # None: every category
    # Nobody signs off their own work or their own reward.
    not_by: frozenset[Excluded] = frozenset()


def _by(*parties: Party) -> frozenset[Party]:
    return frozenset(parties)


_ESCALATION = Transition(S.ESCALATED, _by(Party.GRID_STAFF, Party.REPORTER_WHEN_OVERDUE))
_REJECTION = Transition(S.REJECTED, _by(Party.GRID_STAFF))
_WITHDRAWAL = Transition(S.WITHDRAWN, _by(Party.REPORTER))
_SIGN_OFF = frozenset({Excluded.RESOLVER, Excluded.REPORTER})

TRANSITIONS: dict[tuple[Step, ReportStatus], Transition] = {
    (Step.ACCEPT, S.SUBMITTED): Transition(S.ACCEPTED, _by(Party.GRID_STAFF)),
    (Step.DISPATCH, S.ACCEPTED): Transition(S.DISPATCHED, _by(Party.GRID_WORKER)),
    (Step.DISPATCH, S.ESCALATED): Transition(S.DISPATCHED),
    (Step.RESOLVE, S.DISPATCHED): Transition(S.RESOLVED, _by(Party.ASSIGNEE)),
    (Step.RESOLVE, S.ACCEPTED): Transition(
        S.RESOLVED, _by(Party.GRID_MEMBER), categories=frozenset({ReportCategory.DISPUTE})
    ),
    (Step.RESOLVE, S.ESCALATED): Transition(S.RESOLVED),
    (Step.VERIFY, S.RESOLVED): Transition(S.VERIFIED, _by(Party.GRID_WORKER), not_by=_SIGN_OFF),
    (Step.VERIFY, S.ESCALATED): Transition(S.VERIFIED, not_by=_SIGN_OFF),
    (Step.REJECT, S.SUBMITTED): _REJECTION,
    (Step.REJECT, S.ACCEPTED): _REJECTION,
    (Step.REJECT, S.ESCALATED): Transition(S.REJECTED),
    (Step.WITHDRAW, S.SUBMITTED): _WITHDRAWAL,
    (Step.WITHDRAW, S.ACCEPTED): _WITHDRAWAL,
    (Step.ESCALATE, S.SUBMITTED): _ESCALATION,
    (Step.ESCALATE, S.ACCEPTED): _ESCALATION,
    (Step.ESCALATE, S.DISPATCHED): _ESCALATION,
    (Step.ESCALATE, S.RESOLVED): _ESCALATION,
}
ESCALATABLE_STATUSES = frozenset(status for step, status in TRANSITIONS if step is Step.ESCALATE)


async def _is_assignee(actor: Actor, report: Report) -> bool:
    return report.assignee_id == actor.user_id


async def _is_reporter_of_overdue(actor: Actor, report: Report) -> bool:
    return report.reporter_id == actor.user_id and is_overdue(report, clock.now())


async def _is_reporter(actor: Actor, report: Report) -> bool:
    return report.reporter_id == actor.user_id


async def _is_grid_staff(actor: Actor, report: Report) -> bool:
    return await is_grid_staff_of(actor, report.micro_grid_id)


async def _is_grid_worker(actor: Actor, report: Report) -> bool:
    return await is_grid_worker_of(actor, report.micro_grid_id)


async def _is_grid_member(actor: Actor, report: Report) -> bool:
    return await is_grid_member_of(actor, report.micro_grid_id)


PARTY_CHECKS: dict[Party, Callable[[Actor, Report], Awaitable[bool]]] = {
    Party.GRID_STAFF: _is_grid_staff,
    Party.GRID_WORKER: _is_grid_worker,
    Party.GRID_MEMBER: _is_grid_member,
    Party.ASSIGNEE: _is_assignee,
    Party.REPORTER_WHEN_OVERDUE: _is_reporter_of_overdue,
    Party.REPORTER: _is_reporter,
}


def transition_for(step: Step, report: Report) -> Transition:
    """The table's row for this step from the report's status, or InvalidTransition."""
    transition = TRANSITIONS.get((step, report.status))
    if transition is None or (
        transition.categories is not None and report.category not in transition.categories
    ):
        state = report.status.value.lower()
        raise InvalidTransition(f"Cannot {step.lower()} a report that is {state}.")
    return transition


EXCLUSION_CHECKS: dict[Excluded, Callable[[Actor, Report], bool]] = {
    Excluded.RESOLVER: lambda actor, report: report.resolved_by_id == actor.user_id,
    Excluded.REPORTER: lambda actor, report: report.reporter_id == actor.user_id,
}


async def is_party(actor: Actor, report: Report, transition: Transition) -> bool:
    if actor.is_admin:
        return True
    for party in transition.parties:
        if await PARTY_CHECKS[party](actor, report):
            return True
    return False


async def refusal(actor: Actor, report: Report, transition: Transition) -> Forbidden | None:
    """Why the table does not let this actor take the step (the actor sees the report), or
    None when it does: not a party to it (a plain Forbidden), else an exclusion's reason."""
    if not await is_party(actor, report, transition):
        return Forbidden()
    for excluded in sorted(transition.not_by, key=list(Excluded).index):
        if EXCLUSION_CHECKS[excluded](actor, report):
            return Forbidden(EXCLUSION_REASONS.get(excluded))
    return None


async def may_take(actor: Actor, report: Report, transition: Transition) -> bool:
    """Does the table let this actor take the step (the actor already sees the report)?"""
    return await refusal(actor, report, transition) is None


async def _open(step: Step, actor: Actor, report_id: int) -> tuple[Report, Transition]:
    """Lock the report and check, in order: visible, step allowed now, actor allowed."""
    report = await Report.filter(visible_reports(actor), id=report_id).select_for_update().first()
    if report is None:
        raise NotFound("No such report.", field="reportId")
    transition = transition_for(step, report)
    refused = await refusal(actor, report, transition)
    if refused is not None:
        raise refused
    return report, transition


async def append_step(
    *,
    report_id: int,
    actor_id: int | None,
    from_status: ReportStatus | None,
    to_status: ReportStatus,
    note: str | None,
) -> ReportEvent:
    """Add one entry to the report's timeline and announce the change."""
    entry = await ReportEvent.create(
        report_id=report_id,
        actor_id=actor_id,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    outbox.report_changed(report_id=report_id)
    return entry


async def move(
    report: Report,
    *,
    to: ReportStatus,
    actor_id: int | None,
    note: str | None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Move the report on only if its status is still the one read, and log the step; a
    concurrent step that got there first leaves this one an InvalidTransition."""
    claimed = await Report.filter(id=report.id, status=report.status).update(
        status=to, updated_at=clock.now(), **(changes or {})
    )
    if claimed != 1:
        raise InvalidTransition("Someone else moved this report on first.")
    await append_step(
        report_id=report.id, actor_id=actor_id, from_status=report.status, to_status=to, note=note
    )
    await report.refresh_from_db()


def _note(note: str | None) -> str | None:
    return optional_text(note, field="note", max_length=MAX_NOTE_LENGTH)


def _required_note(note: str | None) -> str:
    return required_text(note or "", field="note", max_length=MAX_NOTE_LENGTH)


async def _simple_step(step: Step, actor: Actor, report_id: int, note: str | None) -> Report:
    async with in_transaction():
        report, transition = await _open(step, actor, report_id)
        await move(report, to=transition.to, actor_id=actor.user_id, note=_note(note))
    return report


async def accept_report(*, actor: Actor, report_id: int, note: str | None = None) -> Report:
    """Take a submitted report on for the grid."""
    return await _simple_step(Step.ACCEPT, actor, report_id, note)


async def escalate_report(*, actor: Actor, report_id: int, note: str | None = None) -> Report:
    """Hand an open report up to the community's admins."""
    return await _simple_step(Step.ESCALATE, actor, report_id, note)


async def reject_report(*, actor: Actor, report_id: int, note: str | None = None) -> Report:
    """Close a report as not actionable; the reason is required, nothing is earned and the
    points held for the reporter are voided."""
    async with in_transaction():
        report, transition = await _open(Step.REJECT, actor, report_id)
        reason = _required_note(note)
        await move(report, to=transition.to, actor_id=actor.user_id, note=reason)
        await void_award(source_type="report", source_id=report.id, actor_id=actor.user_id)
    return report


async def withdraw_report(*, actor: Actor, report_id: int, note: str | None = None) -> Report:
    """The reporter takes a report back before work starts; the points held are voided."""
    async with in_transaction():
        report, transition = await _open(Step.WITHDRAW, actor, report_id)
        await move(report, to=transition.to, actor_id=actor.user_id, note=_note(note))
        await void_award(source_type="report", source_id=report.id, actor_id=actor.user_id)
    return report


async def _assignable(assignee_id: int, report: Report) -> int:
    """The assignee's id if they may fix this report: a property manager, or a grid member
    of the report's grid."""
    assignee = await load_actor(assignee_id)
    if assignee is None or assignee.community_id != report.community_id:
        raise InvalidInput("No such user.", field="assigneeId")
    if assignee.has(Role.PROPERTY_MANAGER) or await is_grid_member_of(
        assignee, report.micro_grid_id
    ):
        return assignee.user_id
    raise InvalidInput(
        "Reports go to a property manager or a grid member of the report's grid.",
        field="assigneeId",
    )


async def dispatch_report(
    *, actor: Actor, report_id: int, assignee_id: int, note: str | None = None
) -> Report:
    """Send an accepted report to the property manager or grid member who will fix it."""
    async with in_transaction():
        report, transition = await _open(Step.DISPATCH, actor, report_id)
        assignee = await _assignable(assignee_id, report)
        await move(
            report,
            to=transition.to,
            actor_id=actor.user_id,
            note=_note(note),
            changes={"assignee_id": assignee},
        )
    return report


async def resolve_report(
    *,
    actor: Actor,
    report_id: int,
    note: str | None = None,
    photos: Sequence[bytes] = (),
    media_dir: Path,
) -> Report:
    """Record the fix, with a required note and optional photos added to the report's."""
    async with AsyncExitStack() as files, in_transaction():
        report, transition = await _open(Step.RESOLVE, actor, report_id)
        text = _required_note(note)
        checked = await check_photos(photos)
        names = await files.enter_async_context(stored(checked, media_dir))
        added = [name for name in names if name not in report.photos]
        await move(
            report,
            to=transition.to,
            actor_id=actor.user_id,
            note=text,
            changes={"resolved_by_id": actor.user_id, "photos": [*report.photos, *added]},
        )
    return report


async def _award_reporter(report: Report, actor: Actor) -> int:
    """Points for the reporter of a verified report: its hold is posted (or, without one,
    points awarded); a flagged duplicate earns nothing and its hold, if any, is voided."""
    if report.duplicate_of_id is not None:
        await void_award(source_type="report", source_id=report.id, actor_id=actor.user_id)
        return 0
    return await settle_award(
        community_id=report.community_id,
        user_id=report.reporter_id,
        reason=PointsReason.REPORT_VERIFIED,
        source_type="report",
        source_id=report.id,
        actor_id=actor.user_id,
        memo=f"Report {report.id} verified",
    )


async def verify_report(*, actor: Actor, report_id: int, note: str | None = None) -> Report:
    """Sign the fix off on site and award the reporter, once, in the same transaction.

    The verifier is neither who resolved it nor who reported it (the table's `not_by`)."""
    async with in_transaction():
        report, transition = await _open(Step.VERIFY, actor, report_id)
        await move(report, to=transition.to, actor_id=actor.user_id, note=_note(note))
        points = await _award_reporter(report, actor)
        if points:
            await Report.filter(id=report.id).update(points_awarded=points)
            report.points_awarded = points
    return report
