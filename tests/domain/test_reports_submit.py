"""Submitting reports: where they land, what is refused, photos, and likely duplicates."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from community.media import MAX_PHOTO_BYTES
from community.report_workflow import (
    accept_report,
    dispatch_report,
    reject_report,
    resolve_report,
    verify_report,
)
from community.reports import distance_metres, submit_report
from models.actor import Actor
from models.civic import Report, ReportEvent
from models.enums import ReportCategory, Role
from models.enums import ReportStatus as S
from models.errors import InvalidInput, NotFound
from tests import factories
from tests.domain.civic_helpers import (
    GIF,
    JPEG,
    PNG,
    WEBP,
    Cast,
    balance,
    cast,
    files_in,
    snapshot,
    steps,
    submitted,
)
from tests.images import image_bytes

GATE = (30.6570, 104.0660)


def metres_north(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return (point[0] + metres / 111_195.0, point[1])


async def test_a_report_lands_in_the_home_grid_with_its_deadline(tmp_path: Path) -> None:
    people = await cast()
    before = datetime.now(UTC)
    report = await submitted(
        people, tmp_path, ReportCategory.SAFETY_HAZARD, description="  Loose manhole cover  "
    )
    assert report.micro_grid_id == people.grid.id
    assert report.description == "Loose manhole cover"
    assert report.status is S.SUBMITTED and report.duplicate_of_id is None
    assert report.due_at == report.created_at + timedelta(hours=1)
    assert before <= report.created_at <= datetime.now(UTC)
    assert await steps(report.id) == [(None, S.SUBMITTED, people.reporter.user_id)]

    noise = await submitted(people, tmp_path, ReportCategory.NOISE)
    assert noise.due_at == noise.created_at + timedelta(hours=24)


async def test_a_mobile_reporter_names_the_grid(tmp_path: Path) -> None:
    people = await cast()
    rider = await factories.user(Role.MOBILE_REPORTER, name="Rider")
    with pytest.raises(InvalidInput) as refused:
        await submitted(people, tmp_path, reporter=rider)
    assert refused.value.field == "microGridId"
    report = await submitted(people, tmp_path, reporter=rider, micro_grid_id=people.other_grid.id)
    assert report.micro_grid_id == people.other_grid.id
    with pytest.raises(NotFound) as missing:
        await submitted(people, tmp_path, reporter=rider, micro_grid_id=999_999)
    assert missing.value.field == "microGridId"
    assert await Report.all().count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"latitude": 91.0, "longitude": 104.0}, "latitude"),
        ({"latitude": -91.0, "longitude": 104.0}, "latitude"),
        ({"latitude": 30.0, "longitude": 180.5}, "longitude"),
        ({"latitude": float("nan"), "longitude": 104.0}, "latitude"),
        ({"latitude": 30.0}, "longitude"),
        ({"longitude": 104.0}, "latitude"),
        ({"address": "x" * 201}, "address"),
    ],
)
async def test_invalid_fields_are_refused(
    fields: dict[str, Any], field: str, tmp_path: Path
) -> None:
    people = await cast()
    with pytest.raises(InvalidInput) as refused:
        await submitted(people, tmp_path, **fields)
    assert refused.value.field == field
    assert await Report.all().count() == 0
    assert await ReportEvent.all().count() == 0


async def test_limits_are_inclusive(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(
        people,
        tmp_path,
        description="x" * 2000,
        address="y" * 200,
        latitude=-90.0,
        longitude=180.0,
    )
    assert (len(report.description), report.address) == (2000, "y" * 200)


async def test_photos_are_stored_once_by_content_hash(tmp_path: Path) -> None:
    people = await cast()
    media = tmp_path / "media"
    first = await submitted(people, media, photos=[JPEG, PNG, WEBP, JPEG])
    assert [name.rsplit(".", 1)[1] for name in first.photos] == ["jpg", "png", "webp"]
    assert files_in(media) == sorted(first.photos)
    stored = (media / first.photos[0]).read_bytes()
    assert first.photos[0] == hashlib.sha256(stored).hexdigest() + ".jpg"  # the re-encoded bytes
    second = await submitted(people, media, ReportCategory.NOISE, photos=[PNG])
    assert second.photos == [first.photos[1]]
    assert len(files_in(media)) == 3


@pytest.mark.parametrize(
    ("photos", "why"),
    [
        ([JPEG, GIF], "a GIF"),
        ([b"hello, I am a jpeg"], "text"),
        ([b""], "empty"),
        ([PNG[:4]], "a truncated signature"),
        ([JPEG, b"\xff\xd8\xff" + b"\x00" * MAX_PHOTO_BYTES], "larger than 8 MB"),
        ([PNG] * 7, "seven photos"),
    ],
)
async def test_bad_photos_store_nothing(photos: list[bytes], why: str, tmp_path: Path) -> None:
    people = await cast()
    with pytest.raises(InvalidInput) as refused:
        await submitted(people, tmp_path / "media", photos=photos)
    assert refused.value.field == "photos", why
    assert files_in(tmp_path / "media") == []
    assert await Report.all().count() == 0
    assert await ReportEvent.all().count() == 0


async def test_six_photos_of_8_mb_are_accepted(tmp_path: Path) -> None:
    people = await cast()
    # Real JPEGs padded to the limit: the decoder stops at the image's end marker.
    small = [image_bytes("JPEG", seed=n) for n in range(6)]
    biggest = [jpeg + b"\x00" * (MAX_PHOTO_BYTES - len(jpeg)) for jpeg in small]
    report = await submitted(people, tmp_path, photos=biggest)
    assert len(report.photos) == 6 and len(files_in(tmp_path)) == 6


async def test_a_failed_submission_removes_the_photos_it_wrote(tmp_path: Path) -> None:
    people = await cast()
    await submitted(people, tmp_path, photos=[PNG])
    # A user deleted mid-request: the insert fails after the photos were written.
    gone = Actor(
        user_id=999_999,
        community_id=people.reporter.community_id,
        roles=frozenset({Role.RESIDENT}),
        home_grid_id=people.grid.id,
    )
    with pytest.raises(IntegrityError):
        await submit_report(
            actor=gone,
            category=ReportCategory.OTHER,
            description="x",
            photos=[JPEG, PNG],
            media_dir=tmp_path,
        )
    assert len(files_in(tmp_path)) == 1
    assert await Report.all().count() == 1


async def test_bad_resolution_photos_change_nothing(tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(people, tmp_path)
    await accept_report(actor=people.worker, report_id=report.id)
    await dispatch_report(
        actor=people.worker, report_id=report.id, assignee_id=people.manager.user_id
    )
    before = await snapshot(report.id)
    with pytest.raises(InvalidInput) as refused:
        await resolve_report(
            actor=people.manager,
            report_id=report.id,
            note="Done",
            photos=[PNG, GIF],
            media_dir=tmp_path,
        )
    assert refused.value.field == "photos"
    assert await snapshot(report.id) == before
    assert files_in(tmp_path) == []


async def _hazard(
    people: Cast, media: Path, point: tuple[float, float] | None, **fields: Any
) -> Report:
    where: dict[str, Any] = {"latitude": point[0], "longitude": point[1]} if point else {}
    fields.setdefault("micro_grid_id", people.grid.id)
    return await submitted(people, media, ReportCategory.SAFETY_HAZARD, **where, **fields)


async def test_duplicates_within_50_metres_point_to_the_first(tmp_path: Path) -> None:
    people = await cast()
    near = metres_north(GATE, 40)
    assert 39.5 < distance_metres(GATE, near) < 40.5
    first = await _hazard(people, tmp_path, GATE)
    second = await _hazard(people, tmp_path, near, reporter=people.resident)
    third = await _hazard(people, tmp_path, metres_north(GATE, 45), reporter=people.member)
    assert first.duplicate_of_id is None
    assert second.duplicate_of_id == first.id
    assert third.duplicate_of_id == first.id


async def test_not_duplicates_beyond_50_metres_or_elsewhere(tmp_path: Path) -> None:
    people = await cast()
    first = await _hazard(people, tmp_path, GATE)
    far = await _hazard(people, tmp_path, metres_north(GATE, 60), reporter=people.resident)
    other_category = await submitted(
        people, tmp_path, ReportCategory.SANITATION, latitude=GATE[0], longitude=GATE[1]
    )
    other_grid = await _hazard(
        people, tmp_path, GATE, reporter=people.member, micro_grid_id=people.other_grid.id
    )
    assert first.duplicate_of_id is None
    assert far.duplicate_of_id is None
    assert other_category.duplicate_of_id is None
    assert other_grid.duplicate_of_id is None


async def test_without_coordinates_the_grid_and_category_decide(tmp_path: Path) -> None:
    people = await cast()
    first = await _hazard(people, tmp_path, None)
    with_point = await _hazard(people, tmp_path, GATE, reporter=people.resident)
    without = await _hazard(people, tmp_path, None, reporter=people.member)
    assert (with_point.duplicate_of_id, without.duplicate_of_id) == (first.id, first.id)


async def test_old_and_rejected_reports_are_not_originals(tmp_path: Path) -> None:
    people = await cast()
    old = await _hazard(people, tmp_path, GATE)
    await Report.filter(id=old.id).update(created_at=datetime.now(UTC) - timedelta(hours=25))
    rejected = await _hazard(people, tmp_path, GATE)
    await reject_report(actor=people.worker, report_id=rejected.id, note="Prank")
    fresh = await _hazard(people, tmp_path, GATE, reporter=people.resident)
    assert rejected.duplicate_of_id is None
    assert fresh.duplicate_of_id is None


async def _verify(people: Cast, report: Report, media: Path) -> Report:
    await accept_report(actor=people.worker, report_id=report.id)
    await dispatch_report(
        actor=people.worker, report_id=report.id, assignee_id=people.manager.user_id
    )
    await resolve_report(actor=people.manager, report_id=report.id, note="Fixed", media_dir=media)
    return await verify_report(actor=people.worker, report_id=report.id)


async def test_only_the_first_reporter_earns(tmp_path: Path) -> None:
    people = await cast()
    first = await _hazard(people, tmp_path, GATE)
    duplicate = await _hazard(people, tmp_path, metres_north(GATE, 10), reporter=people.resident)
    duplicate = await _verify(people, duplicate, tmp_path)
    first = await _verify(people, first, tmp_path)
    assert (duplicate.status, duplicate.points_awarded) == (S.VERIFIED, 0)
    assert first.points_awarded == 10
    assert await balance(people.resident) == 0
    assert await balance(people.reporter) == 10
