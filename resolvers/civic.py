"""Resolvers for civic work: reports, events, suggestions, notices, service levels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from community import (
    events,
    notices,
    report_queries,
    report_workflow,
    reports,
    suggestions,
)
from community.events import SignupCounts
from community.media import MAX_PHOTO_BYTES, MAX_PHOTOS
from models.civic import Event, EventSignup, Report, ReportEvent
from models.enums import ReportCategory
from models.errors import InvalidInput
from resolvers.ids import decode_id
from resolvers.loaders import by_id, keyed
from resolvers.node import seen_through
from resolvers.scope import RequestScope


async def read_photos(uploads: Sequence[Any] | None) -> list[bytes]:
    """The uploaded bytes, reading at most one byte past the limit so a huge file costs little."""
    if not uploads:
        return []
    if len(uploads) > MAX_PHOTOS:
        raise InvalidInput(f"At most {MAX_PHOTOS} photos.", field="photos")
    # The Upload scalar passes any JSON value through: only multipart files can be read.
    if not all(callable(getattr(upload, "read", None)) for upload in uploads):
        raise InvalidInput("Send photos as files in a multipart request.", field="photos")
    # Starlette's UploadFile: the spec's multipart files, spooled to disk by the parser
    return [bytes(await upload.read(MAX_PHOTO_BYTES + 1)) for upload in uploads]


# ---------------------------------------------------------------- reports


async def submit_report(
    scope: RequestScope,
    *,
    category: ReportCategory,
    description: str,
    micro_grid_id: str | None,
    latitude: float | None,
    longitude: float | None,
    address: str | None,
    photos: Sequence[Any] | None,
) -> Report:
    actor = await scope.require_viewer()
    grid = decode_id(micro_grid_id, "MicroGrid", field="microGridId") if micro_grid_id else None
    return await reports.submit_report(
        actor=actor,
        category=category,
        description=description,
        micro_grid_id=grid,
        latitude=latitude,
        longitude=longitude,
        address=address,
        photos=await read_photos(photos),
        media_dir=scope.media_dir,
    )


def _report_id(report_id: str) -> int:
    return decode_id(report_id, "Report", field="reportId")


async def resolve_report(
    scope: RequestScope, *, report_id: str, note: str | None, photos: Sequence[Any] | None
) -> Report:
    actor = await scope.require_viewer()
    return await report_workflow.resolve_report(
        actor=actor,
        report_id=_report_id(report_id),
        note=note,
        photos=await read_photos(photos),
        media_dir=scope.media_dir,
    )


visible_report = seen_through(report_queries.get_report, "report_id")


async def timeline(scope: RequestScope, report_id: int) -> list[ReportEvent]:
    loader: DataLoader[int, list[ReportEvent]] = scope.loaders.named(
        "timeline", lambda: keyed(report_queries.timelines_for, list)
    )
    return await loader.load(report_id)


# ---------------------------------------------------------------- events


visible_event = seen_through(events.get_event, "event_id")


async def event(scope: RequestScope, event_id: int) -> Event:
    loader: DataLoader[int, Event | None] = scope.loaders.named("event", lambda: by_id(Event))
    row = await loader.load(event_id)
    assert row is not None  # signups cascade with their event
    return row


async def signup_counts(scope: RequestScope, event_id: int) -> SignupCounts:
    loader: DataLoader[int, SignupCounts] = scope.loaders.named(
        "signup_counts", lambda: keyed(events.counts_for, SignupCounts)
    )
    return await loader.load(event_id)


async def viewer_signup(scope: RequestScope, event_id: int) -> EventSignup | None:
    actor = await scope.viewer()
    if actor is None:
        return None
    viewer_id = actor.user_id

    def make() -> DataLoader[int, EventSignup | None]:
        return keyed(lambda ids: events.viewer_signups(viewer_id, ids), lambda: None)

    loader = scope.loaders.named("viewer_signup", make)
    return await loader.load(event_id)


visible_signup = seen_through(events.get_signup, "signup_id")


# ---------------------------------------------------------------- suggestions and notices


visible_suggestion = seen_through(suggestions.get_suggestion, "suggestion_id")


visible_notice = seen_through(notices.get_notice, "notice_id")
