"""Service levels: how many hours each report category has from submission to verification.

A report's due_at is fixed when it is submitted; changing a level later moves no deadline
already promised.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models.actor import Actor
from models.civic import Report, ServiceLevel
from models.enums import ReportCategory, ReportStatus
from models.errors import Forbidden, InvalidInput

DEFAULT_HOURS = 24.0
DEFAULT_HOURS_BY_CATEGORY = {ReportCategory.SAFETY_HAZARD: 1.0}
MAX_HOURS = 720.0
CLOSED_STATUSES = frozenset({ReportStatus.VERIFIED, ReportStatus.REJECTED, ReportStatus.WITHDRAWN})


def default_hours(category: ReportCategory) -> float:
    return DEFAULT_HOURS_BY_CATEGORY.get(category, DEFAULT_HOURS)


async def service_levels(*, actor: Actor) -> dict[ReportCategory, float]:
    """Hours per category for the actor's community, defaults filled in for categories never
    set (any member reads them)."""
    stored = {
        level.category: level.hours
        for level in await ServiceLevel.filter(community_id=actor.community_id)
    }
    return {category: stored.get(category, default_hours(category)) for category in ReportCategory}


async def hours_for(*, community_id: int, category: ReportCategory) -> float:
    """The hours one category has in the community."""
    level = await ServiceLevel.get_or_none(community_id=community_id, category=category)
    return default_hours(category) if level is None else level.hours


async def due_at_for(
    *, community_id: int, category: ReportCategory, created_at: datetime
) -> datetime:
    """When a report of this category created at created_at must be verified by."""
    hours = await hours_for(community_id=community_id, category=category)
    return created_at + timedelta(hours=hours)


async def set_service_level(
    *, actor: Actor, category: ReportCategory, hours: float
) -> dict[ReportCategory, float]:
    """Set one category's hours (admins only); returns every level of the community."""
    if not actor.is_admin:
        raise Forbidden()
    if not math.isfinite(hours) or not 0 < hours <= MAX_HOURS:
        raise InvalidInput(f"Hours must be above 0 and at most {MAX_HOURS:g}.", field="hours")
    async with in_transaction():
        await ServiceLevel.update_or_create(
            community_id=actor.community_id, category=category, defaults={"hours": hours}
        )
    return await service_levels(actor=actor)


def is_overdue(report: Report, now: datetime) -> bool:
    """Still open and past its due time; verified and rejected reports are never overdue."""
    if report.status in CLOSED_STATUSES or report.due_at is None:
        return False
    return now > report.due_at
