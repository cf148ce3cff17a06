"""Who sees which report, and reading reports: one report, a work queue, timelines.

Reporters see their own reports, grid members and grid workers their grids' reports,
assignees what was dispatched to them, admins every report of their community. A report the
viewer may not see is NotFound, so its existence is never revealed.
"""

from __future__ import annotations

from tortoise.expressions import Q

from community.scope import is_grid_staff_of, looked_after_filter
from models.actor import Actor
from models.civic import Report, ReportEvent
from models.enums import ReportStatus, Role
from models.errors import NotFound
from models.paging import Page, keyset_page

# Viewers who work reports get a queue, oldest first; everyone else their own, newest first.
WORKING_ROLES = (Role.GRID_MEMBER, Role.GRID_WORKER, Role.PROPERTY_MANAGER, Role.COMMUNITY_ADMIN)


async def can_see_report(actor: Actor, report: Report) -> bool:
    """Reporter, assignee, grid staff of the report's grid, or an admin of its community."""
    if report.community_id != actor.community_id:
        return False
    if actor.is_admin or actor.user_id in (report.reporter_id, report.assignee_id):
        return True
    return await is_grid_staff_of(actor, report.micro_grid_id)


def visible_reports(actor: Actor) -> Q:
    """can_see_report as one filter, for queries that must stay one statement."""
    community = Q(community_id=actor.community_id)
    if actor.is_admin:
        return community
    mine = Q(reporter_id=actor.user_id) | Q(assignee_id=actor.user_id)
    grids = looked_after_filter(actor)
    return community & (mine if grids is None else mine | grids)


async def get_report(*, actor: Actor, report_id: int) -> Report:
    """One report the actor may see, else NotFound."""
    report = await Report.get_or_none(id=report_id)
    if report is None or not await can_see_report(actor, report):
        raise NotFound("No such report.", field="reportId")
    return report


def works_reports(actor: Actor) -> bool:
    return actor.has(*WORKING_ROLES)


async def list_reports(
    *,
    actor: Actor,
    status: ReportStatus | None = None,
    first: int | None = None,
    after: int | None = None,
) -> Page[Report]:
    """The viewer's reports in one statement: a work queue oldest first for staff, newest
    first for residents."""
    query = Report.filter(visible_reports(actor))
    if status is not None:
        query = query.filter(status=status)
    return await keyset_page(query, first=first, after=after, newest_first=not works_reports(actor))


async def timelines_for(report_ids: list[int]) -> dict[int, list[ReportEvent]]:
    """The timelines of several reports, oldest step first, in one statement."""
    timelines: dict[int, list[ReportEvent]] = {report_id: [] for report_id in report_ids}
    if not report_ids:
        return timelines
    for entry in await ReportEvent.filter(report_id__in=report_ids).order_by("report_id", "id"):
        timelines[entry.report_id].append(entry)
    return timelines
