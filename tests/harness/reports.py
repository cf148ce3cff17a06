"""Walk a fresh report through the workflow to any status, the way its people would.

One table of paths, so every test that needs "a report at RESOLVED" gets it the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from community.report_workflow import (
    accept_report,
    dispatch_report,
    escalate_report,
    reject_report,
    resolve_report,
    verify_report,
    withdraw_report,
)
from models.actor import Actor
from models.civic import Report
from models.enums import ReportStatus as S


@dataclass(frozen=True)
class Crew:
    """Who takes the steps: the grid's worker, the property manager (the assignee), the
    reporter, and who resolves when not the assignee (an admin may)."""

    worker: Actor
    manager: Actor
    reporter: Actor
    media_dir: Path
    resolver: Actor | None = None


Step = Callable[[Crew, int], Awaitable[Report]]


async def _accept(crew: Crew, report_id: int) -> Report:
    return await accept_report(actor=crew.worker, report_id=report_id)


async def _dispatch(crew: Crew, report_id: int) -> Report:
    return await dispatch_report(
        actor=crew.worker, report_id=report_id, assignee_id=crew.manager.user_id
    )


async def _resolve(crew: Crew, report_id: int) -> Report:
    return await resolve_report(
        actor=crew.resolver or crew.manager,
        report_id=report_id,
        note="Fixed",
        media_dir=crew.media_dir,
    )


async def _verify(crew: Crew, report_id: int) -> Report:
    return await verify_report(actor=crew.worker, report_id=report_id)


async def _reject(crew: Crew, report_id: int) -> Report:
    return await reject_report(actor=crew.worker, report_id=report_id, note="Not ours")


async def _escalate(crew: Crew, report_id: int) -> Report:
    return await escalate_report(actor=crew.worker, report_id=report_id)


async def _withdraw(crew: Crew, report_id: int) -> Report:
    return await withdraw_report(actor=crew.reporter, report_id=report_id)


PATHS: dict[S, tuple[Step, ...]] = {
    S.SUBMITTED: (),
    S.ACCEPTED: (_accept,),
    S.DISPATCHED: (_accept, _dispatch),
    S.RESOLVED: (_accept, _dispatch, _resolve),
    S.VERIFIED: (_accept, _dispatch, _resolve, _verify),
    S.REJECTED: (_reject,),
    S.ESCALATED: (_escalate,),
    S.WITHDRAWN: (_withdraw,),
}


async def walk(report: Report, to: S, crew: Crew) -> Report:
    """`report` (SUBMITTED) taken along the main path up to `to`, reloaded."""
    for step in PATHS[to]:
        await step(crew, report.id)
    return await Report.get(id=report.id)
