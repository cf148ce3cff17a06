"""Background jobs of civic work, safe to run in every replica at once."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from community.report_workflow import ESCALATABLE_STATUSES, append_step
from models import clock
from models.civic import Report
from models.enums import ReportStatus

OVERDUE_NOTE = "Not verified within the category's service level: escalated automatically."


async def _escalate_one(report: Report, now: datetime) -> bool:
    """Claim one report with a conditional update; False if another run (or a step) got
    there first."""
    async with in_transaction():
        claimed = await Report.filter(
            id=report.id, status=report.status, overdue_escalated_at__isnull=True
        ).update(status=ReportStatus.ESCALATED, overdue_escalated_at=now, updated_at=now)
        if claimed != 1:
            return False
        await append_step(
            report_id=report.id,
            actor_id=None,
            from_status=report.status,
            to_status=ReportStatus.ESCALATED,
            note=OVERDUE_NOTE,
        )
    return True


async def escalate_overdue(*, now: datetime | None = None, limit: int = 200) -> int:
    """Escalate open reports past their due time, each once ever; returns how many this run did."""
    moment = clock.now_or(now)
    candidates = (
        await Report.filter(
            status__in=ESCALATABLE_STATUSES,
            due_at__lt=moment,
            overdue_escalated_at__isnull=True,
        )
        .order_by("due_at", "id")
        .limit(limit)
    )
    escalated = 0
    for report in candidates:
        escalated += await _escalate_one(report, moment)
    return escalated
