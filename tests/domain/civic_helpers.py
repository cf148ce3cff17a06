"""Shared builders for the civic domain tests: a populated grid, photos, and snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from community.people import load_actor
from community.reports import submit_report
from models.actor import Actor
from models.civic import Report, ReportEvent
from models.enums import ReportCategory, ReportStatus, Role
from models.grid import Community, MicroGrid
from models.people import User, UserRole
from tests import factories
from tests.harness.reports import Crew, walk
from tests.harness.wallets import balance
from tests.images import JPEG, PNG, WEBP

__all__ = ["JPEG", "PNG", "WEBP", "balance"]

GIF = b"GIF89a" + b"gif-body" * 10


@dataclass
class Cast:
    """Everyone around one micro-grid, plus staff of a neighbouring grid."""

    grid: MicroGrid
    other_grid: MicroGrid
    reporter: Actor
    resident: Actor
    member: Actor
    worker: Actor
    second_worker: Actor
    manager: Actor
    admin: Actor
    other_member: Actor
    other_worker: Actor


async def cast() -> Cast:
    grid = await factories.grid("Grid 1")
    other = await factories.grid("Grid 2")
    return Cast(
        grid=grid,
        other_grid=other,
        reporter=await factories.user(name="Reporter", home_grid=grid),
        resident=await factories.user(name="Neighbour", home_grid=grid),
        member=await factories.user(Role.GRID_MEMBER, name="Member", grids=(grid,)),
        worker=await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,)),
        second_worker=await factories.user(Role.GRID_WORKER, name="Worker 2", grids=(grid,)),
        manager=await factories.user(Role.PROPERTY_MANAGER, name="Property manager"),
        admin=await factories.user(Role.COMMUNITY_ADMIN, name="Admin"),
        other_member=await factories.user(Role.GRID_MEMBER, name="Other member", grids=(other,)),
        other_worker=await factories.user(Role.GRID_WORKER, name="Other worker", grids=(other,)),
    )


async def submitted(
    people: Cast,
    media_dir: Path,
    category: ReportCategory = ReportCategory.FACILITY,
    *,
    reporter: Actor | None = None,
    **fields: Any,
) -> Report:
    return await submit_report(
        actor=reporter or people.reporter,
        category=category,
        description=fields.pop("description", "Broken street lamp by gate 3"),
        media_dir=media_dir,
        **fields,
    )


async def at_status(people: Cast, media_dir: Path, status: ReportStatus) -> Report:
    """A fresh report walked along the main path up to `status` (see tests/harness/reports.py)."""
    crew = Crew(people.worker, people.manager, people.reporter, media_dir)
    return await walk(await submitted(people, media_dir), status, crew)


async def steps(report_id: int) -> list[tuple[ReportStatus | None, ReportStatus, int | None]]:
    """The timeline as (from, to, actor) in order."""
    entries = await ReportEvent.filter(report_id=report_id).order_by("id")
    return [(e.from_status, e.to_status, e.actor_id) for e in entries]


async def snapshot(report_id: int) -> tuple[Any, ...]:
    """Everything a failed step must leave as it was."""
    report = await Report.get(id=report_id)
    return (
        report.status,
        report.assignee_id,
        report.resolved_by_id,
        report.points_awarded,
        list(report.photos),
        report.overdue_escalated_at,
        await steps(report_id),
    )


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def make_overdue(report_id: int, by: timedelta = timedelta(minutes=5)) -> None:
    await Report.filter(id=report_id).update(due_at=datetime.now(UTC) - by)


async def admin_elsewhere() -> Actor:
    """An admin of another community: sees and handles nothing of ours."""
    elsewhere = await Community.create(name="Elsewhere")
    row = await User.create(
        community=elsewhere, phone="13700000001", password_hash="x", display_name="Far admin"
    )
    await UserRole.create(user=row, role=Role.COMMUNITY_ADMIN)
    actor = await load_actor(row.id)
    assert actor is not None
    return actor
