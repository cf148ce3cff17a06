"""Who sees which report, and reading reports: one report, a work queue, timelines.

Reporters see their own reports, grid members and grid workers their grids' reports,
assignees what was dispatched to them, admins every report of their community. A report the
viewer may not see is NotFound, so its existence is never revealed.
"""

from __future__ import annotations

from collections.abc import Collection

from tortoise.expressions import Q

from community.scope import looked_after_filter
from models.actor import Actor
from models.civic import Report, ReportEvent
from models.enums import ReportStatus, Role
from models.errors import NotFound
from models.paging import Page, keyset_page

# Viewers who work reports get a queue, oldest first; everyone else their own, newest first.
WORKING_ROLES = (Role.GRID_MEMBER, Role.GRID_WORKER, Role.PROPERTY_MANAGER, Role.COMMUNITY_ADMIN)


def visible_reports(actor: Actor) -> Q:
    """Who sees which report, the one place it is written: the reporter, the assignee, the
    grid staff of the report's grid, or an admin of its community. A filter, so a queue stays
    one statement and a single report is checked by the same words."""
    community = Q(community_id=actor.community_id)
    if actor.is_admin:
        return community
    mine = Q(reporter_id=actor.user_id) | Q(assignee_id=actor.user_id)
    grids = looked_after_filter(actor)
    return community & (mine if grids is None else mine | grids)


async def get_report(*, actor: Actor, report_id: int) -> Report:
    """One report the actor may see, else NotFound (one statement)."""
    report = await Report.filter(visible_reports(actor), id=report_id).first()
    if report is None:
        raise NotFound("No such report.", field="reportId")
    return report


async def reports_visible_to(*, actor: Actor, report_ids: Collection[int]) -> dict[int, Report]:
    """The reports among these the actor may see, by id, in one statement; the others are
    simply absent."""
    if not report_ids:
        return {}
    rows = await Report.filter(visible_reports(actor), id__in=set(report_ids))
    return {row.id: row for row in rows}


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
