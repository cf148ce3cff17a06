"""Submitting reports: where a report lands, its deadline, photos, and likely duplicates.

The workflow after submission lives in report_workflow, reading in report_queries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from tortoise.transactions import in_transaction

from community.media import check_photos, stored
from community.report_workflow import append_step
from community.service_levels import due_at_for
from marketplace.earning import hold_award_if_covered
from models import clock
from models.actor import Actor
from models.civic import Report
from models.enums import PointsReason, ReportCategory, ReportStatus
from models.errors import InvalidInput, NotFound
from models.grid import MicroGrid
from models.inputs import optional_text, required_text

MAX_DESCRIPTION_LENGTH = 2000
MAX_ADDRESS_LENGTH = 200
DUPLICATE_WINDOW = timedelta(hours=24)
DUPLICATE_RADIUS = 50.0  # metres
EARTH_RADIUS_METRES = 6_371_000.0

Point = tuple[float, float]


def distance_metres(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(h))


def _coordinates(latitude: float | None, longitude: float | None) -> Point | None:
    """Both or neither, finite and on the globe."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or not math.isfinite(latitude) or not -90 <= latitude <= 90:
        raise InvalidInput("Latitude must be between -90 and 90.", field="latitude")
    if longitude is None or not math.isfinite(longitude) or not -180 <= longitude <= 180:
        raise InvalidInput("Longitude must be between -180 and 180.", field="longitude")
    return (latitude, longitude)


async def _landing_grid(actor: Actor, micro_grid_id: int | None) -> int:
    """The grid named (in the actor's community), else the reporter's home grid."""
    if micro_grid_id is None:
        if actor.home_grid_id is None:
            raise InvalidInput("Choose the micro-grid this is in.", field="microGridId")
        return actor.home_grid_id
    found = await MicroGrid.exists(id=micro_grid_id, courtyard__community_id=actor.community_id)
    if not found:
        raise NotFound("No such micro-grid.", field="microGridId")
    return micro_grid_id


def _point_of(report: Report) -> Point | None:
    if report.latitude is None or report.longitude is None:
        return None
    return (report.latitude, report.longitude)


async def _duplicate_of(
    *, grid_id: int, category: ReportCategory, point: Point | None, now: datetime
) -> int | None:
    """The original of the earliest report of the same category in the same grid within the
    window (and radius, when both have coordinates); rejected and withdrawn reports do not
    count."""
    candidates = (
        await Report.filter(
            micro_grid_id=grid_id, category=category, created_at__gte=now - DUPLICATE_WINDOW
        )
        .exclude(status__in=(ReportStatus.REJECTED, ReportStatus.WITHDRAWN))
        .order_by("id")
    )
    for candidate in candidates:
        other = _point_of(candidate)
        if point is None or other is None or distance_metres(point, other) <= DUPLICATE_RADIUS:
            return candidate.duplicate_of_id or candidate.id
    return None


async def submit_report(
    *,
    actor: Actor,
    category: ReportCategory,
    description: str,
    micro_grid_id: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str | None = None,
    photos: Sequence[bytes] = (),
    media_dir: Path,
) -> Report:
    """File a report in a micro-grid, due by its category's service level."""
    text = required_text(description, field="description", max_length=MAX_DESCRIPTION_LENGTH)
    place = optional_text(address, field="address", max_length=MAX_ADDRESS_LENGTH)
    point = _coordinates(latitude, longitude)
    grid_id = await _landing_grid(actor, micro_grid_id)
    checked = await check_photos(photos)
    now = clock.now()
    due_at = await due_at_for(community_id=actor.community_id, category=category, created_at=now)
    async with stored(checked, media_dir) as names, in_transaction():
        report = await Report.create(
            community_id=actor.community_id,
            micro_grid_id=grid_id,
            reporter_id=actor.user_id,
            category=category,
            description=text,
            address=place,
            latitude=latitude,
            longitude=longitude,
            photos=names,
            created_at=now,
            due_at=due_at,
            duplicate_of_id=await _duplicate_of(
                grid_id=grid_id, category=category, point=point, now=now
            ),
        )
        await append_step(
            report_id=report.id,
            actor_id=actor.user_id,
            from_status=None,
            to_status=ReportStatus.SUBMITTED,
            note=None,
        )
        await _hold_reward(report)
    return report


async def _hold_reward(report: Report) -> None:
    """Hold the points the report earns once verified (pendingPoints for its reporter). A
    likely duplicate earns nothing. Filing is never refused for points: while the pool or
    the month's cap cannot cover the hold the report goes in without one, and verification
    then awards directly (or is refused if the pool is still short)."""
    if report.duplicate_of_id is not None:
        return
    await hold_award_if_covered(
        community_id=report.community_id,
        user_id=report.reporter_id,
        reason=PointsReason.REPORT_VERIFIED,
        source_type="report",
        source_id=report.id,
        idempotency_key=f"hold:report:{report.id}",
        actor_id=report.reporter_id,
        memo=f"Report {report.id} verified",
    )
