"""Civic work's GraphQL shapes: reports and their timeline, service levels, events, suggestions,
notices."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import ClassVar

import strawberry
from strawberry.file_uploads import Upload

from community import service_levels
from models import clock
from models.civic import Event, EventSignup, Notice, Report, ReportEvent, Suggestion
from resolvers import civic as resolve
from resolvers.ids import global_id
from schema.base import Connection, Node
from schema.commands import CommandInput
from schema.context import Info
from schema.enums import (
    NoticeKind,
    ReportCategory,
    ReportStatus,
    SignupStatus,
    SuggestionStatus,
    describe_values,
)
from schema.errors import UserError
from schema.people import MicroGridType, UserType


async def _user(info: Info, user_id: int | None) -> UserType | None:
    if user_id is None:
        return None
    row = await info.context.scope.loaders.user.load(user_id)
    return UserType.of(row) if row else None


@strawberry.type(name="ReportEvent", description="One step of a report's workflow.")
class ReportEventType:
    row: strawberry.Private[ReportEvent]

    @strawberry.field(description="When the step happened.")
    def at(self) -> datetime:
        return self.row.at

    @strawberry.field(
        description="Who took the step; null for the system (e.g. overdue escalation)."
    )
    async def actor(self, info: Info) -> UserType | None:
        return await _user(info, self.row.actor_id)

    @strawberry.field(description="The status before; null for the submission.")
    def from_status(self) -> ReportStatus | None:
        return self.row.from_status

    @strawberry.field(description="The status after.")
    def to_status(self) -> ReportStatus:
        return self.row.to_status

    @strawberry.field(description="What the actor wrote.")
    def note(self) -> str | None:
        return self.row.note


@strawberry.type(
    name="Report", description="A problem someone reported: a hazard, a dispute, a broken facility."
)
class ReportType(Node):
    row: strawberry.Private[Report]
    category: ReportCategory = strawberry.field(
        description="What kind of problem; it sets the service level."
    )
    description: str = strawberry.field(description="What the reporter wrote.")
    status: ReportStatus = strawberry.field(description="Where the report is in its workflow.")
    address: str | None = strawberry.field(description="Where it is, as the reporter wrote it.")
    latitude: float | None = strawberry.field(
        description="Where it is: latitude in degrees (WGS 84)."
    )
    longitude: float | None = strawberry.field(
        description="Where it is: longitude in degrees (WGS 84)."
    )
    created_at: datetime = strawberry.field(description="When it was submitted.")
    due_at: datetime | None = strawberry.field(
        description="When the report must be verified by, from the category's service level."
    )
    points_awarded: int = strawberry.field(
        description="Points the reporter earned when it was verified."
    )

    @classmethod
    def of(cls, row: Report) -> ReportType:
        return cls(
            id=strawberry.ID(global_id("Report", row.id)),
            row=row,
            category=row.category,
            description=row.description,
            status=row.status,
            address=row.address,
            latitude=row.latitude,
            longitude=row.longitude,
            created_at=row.created_at,
            due_at=row.due_at,
            points_awarded=row.points_awarded,
        )

    @strawberry.field(description="The micro-grid it is in.")
    async def micro_grid(self, info: Info) -> MicroGridType | None:
        row = await info.context.scope.loaders.micro_grid.load(self.row.micro_grid_id)
        return MicroGridType.of(row) if row else None

    @strawberry.field(description="Who reported it.")
    async def reporter(self, info: Info) -> UserType | None:
        return await _user(info, self.row.reporter_id)

    @strawberry.field(description="Who it was dispatched to.")
    async def assignee(self, info: Info) -> UserType | None:
        return await _user(info, self.row.assignee_id)

    @strawberry.field(description="Photos of the problem and of the fix.")
    def photo_urls(self, info: Info) -> list[str]:
        return [info.context.scope.media_url + name for name in self.row.photos]

    @strawberry.field(description="Every step so far, oldest first.")
    async def timeline(self, info: Info) -> list[ReportEventType]:
        steps = await resolve.timeline(info.context.scope, self.row.id)
        return [ReportEventType(row=step) for step in steps]

    @strawberry.field(description="True when it is past dueAt and not yet closed.")
    def overdue(self) -> bool:
        return service_levels.is_overdue(self.row, clock.now())

    @strawberry.field(description="True when this looks like a repeat of an earlier report.")
    def likely_duplicate(self) -> bool:
        return self.row.duplicate_of_id is not None


@strawberry.type(
    name="Event", description="A community activity residents sign up for; attending earns points."
)
class EventType(Node):
    row: strawberry.Private[Event]
    title: str = strawberry.field(description="The event's name.")
    description: str = strawberry.field(description="What it is about.")
    location: str = strawberry.field(description="Where it takes place.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    capacity: int = strawberry.field(description="Confirmed places; later signups wait.")
    points_reward: int = strawberry.field(description="Points each attendee earns at check-in.")

    @classmethod
    def of(cls, row: Event) -> EventType:
        return cls(
            id=strawberry.ID(global_id("Event", row.id)),
            row=row,
            title=row.title,
            description=row.description,
            location=row.location,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            capacity=row.capacity,
            points_reward=row.points_reward,
        )

    @strawberry.field(description="Confirmed signups.")
    async def confirmed_count(self, info: Info) -> int:
        return (await resolve.signup_counts(info.context.scope, self.row.id)).confirmed

    @strawberry.field(description="Signups waiting for a place.")
    async def waitlist_count(self, info: Info) -> int:
        return (await resolve.signup_counts(info.context.scope, self.row.id)).waitlisted

    @strawberry.field(description="Who runs it.")
    async def organizer(self, info: Info) -> UserType | None:
        return await _user(info, self.row.organizer_id)

    @strawberry.field(description="The viewer's own signup, if any.")
    async def viewer_signup(self, info: Info) -> EventSignupType | None:
        row = await resolve.viewer_signup(info.context.scope, self.row.id)
        return EventSignupType.of(row) if row else None


@strawberry.type(name="EventSignup", description="One person's place at an event.")
class EventSignupType(Node):
    row: strawberry.Private[EventSignup]
    status: SignupStatus = strawberry.field(
        description="Confirmed, waiting, cancelled or attended."
    )
    created_at: datetime = strawberry.field(description="When they signed up.")

    @classmethod
    def of(cls, row: EventSignup) -> EventSignupType:
        return cls(
            id=strawberry.ID(global_id("EventSignup", row.id)),
            row=row,
            status=row.status,
            created_at=row.created_at,
        )

    @strawberry.field(description="The event.")
    async def event(self, info: Info) -> EventType:
        row = await resolve.event(info.context.scope, self.row.event_id)
        return EventType.of(row)

    @strawberry.field(description="Who signed up.")
    async def user(self, info: Info) -> UserType:
        found = await _user(info, self.row.user_id)
        assert found is not None  # a foreign key with CASCADE
        return found


@strawberry.type(
    name="Suggestion", description="A resident's idea for the community; adopting it earns points."
)
class SuggestionType(Node):
    row: strawberry.Private[Suggestion]
    title: str = strawberry.field(description="A short summary.")
    body: str = strawberry.field(description="The idea in full.")
    status: SuggestionStatus = strawberry.field(description="Submitted, adopted or declined.")
    created_at: datetime = strawberry.field(description="When it was submitted.")
    review_note: str | None = strawberry.field(description="The reviewer's note.")
    points_awarded: int = strawberry.field(
        description="Points the author earned when it was adopted."
    )

    @classmethod
    def of(cls, row: Suggestion) -> SuggestionType:
        return cls(
            id=strawberry.ID(global_id("Suggestion", row.id)),
            row=row,
            title=row.title,
            body=row.body,
            status=row.status,
            created_at=row.created_at,
            review_note=row.review_note,
            points_awarded=row.points_awarded,
        )

    @strawberry.field(description="Who suggested it.")
    async def author(self, info: Info) -> UserType | None:
        return await _user(info, self.row.author_id)


@strawberry.type(name="Notice", description="A message from community staff to residents.")
class NoticeType(Node):
    row: strawberry.Private[Notice]
    kind: NoticeKind = strawberry.field(description="What kind of notice.")
    title: str = strawberry.field(description="The headline.")
    body: str = strawberry.field(description="The text.")
    published_at: datetime = strawberry.field(description="When it was published.")

    @classmethod
    def of(cls, row: Notice) -> NoticeType:
        return cls(
            id=strawberry.ID(global_id("Notice", row.id)),
            row=row,
            kind=row.kind,
            title=row.title,
            body=row.body,
            published_at=row.published_at,
        )

    @strawberry.field(description="Who published it.")
    async def author(self, info: Info) -> UserType | None:
        return await _user(info, self.row.author_id)


ReportConnection = Connection[ReportType]
EventConnection = Connection[EventType]
SuggestionConnection = Connection[SuggestionType]
NoticeConnection = Connection[NoticeType]


@strawberry.input(description="A new report.")
class SubmitReportInput:
    category: ReportCategory = strawberry.field(description="What kind of problem.")
    description: str = strawberry.field(description="What is wrong.")
    micro_grid_id: strawberry.ID | None = strawberry.field(
        default=None, description="Where it is; the reporter's home grid when left out."
    )
    latitude: float | None = strawberry.field(
        default=None, description="Latitude in degrees (WGS 84)."
    )
    longitude: float | None = strawberry.field(
        default=None, description="Longitude in degrees (WGS 84)."
    )
    address: str | None = strawberry.field(default=None, description="Where it is, in words.")
    photos: list[Upload] | None = strawberry.field(
        default=None, description="Up to 6 images of 8 MB each, sent as multipart files."
    )


@strawberry.input(description="Who should fix a report.")
class DispatchReportInput(CommandInput):
    NODE_TYPES: ClassVar[Mapping[str, str]] = {"assignee_id": "User"}

    report_id: strawberry.ID = strawberry.field(description="The report.")
    assignee_id: strawberry.ID = strawberry.field(description="Who should fix it.")
    note: str | None = strawberry.field(default=None, description="Instructions for the assignee.")


@strawberry.input(description="A report and a note for the step.")
class ReportActionInput(CommandInput):
    report_id: strawberry.ID = strawberry.field(description="The report.")
    note: str | None = strawberry.field(default=None, description="A note kept in the timeline.")


@strawberry.input(description="A fixed report, with photos of the fix.")
class ResolveReportInput:
    report_id: strawberry.ID = strawberry.field(description="The report.")
    note: str | None = strawberry.field(default=None, description="What was done.")
    photos: list[Upload] | None = strawberry.field(
        default=None, description="Up to 6 images of the fix, sent as multipart files."
    )


@strawberry.type(description="The result of a report mutation.")
class ReportPayload:
    report: ReportType | None = strawberry.field(
        description="The report as changed; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description="Why it failed (e.g. INVALID_TRANSITION); empty on success."
    )


@strawberry.input(description="A new event.")
class CreateEventInput(CommandInput):
    title: str = strawberry.field(description="The event's name.")
    description: str = strawberry.field(description="What it is about.")
    location: str = strawberry.field(description="Where it takes place.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends; after startsAt.")
    capacity: int = strawberry.field(description="Confirmed places.")
    points_reward: int = strawberry.field(description="Points each attendee earns.")


@strawberry.type(description="The result of createEvent.")
class EventPayload:
    event: EventType | None = strawberry.field(description="The new event; null on errors.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="Who attended which event.")
class CheckInInput(CommandInput):
    event_id: strawberry.ID = strawberry.field(description="The event.")
    user_id: strawberry.ID = strawberry.field(description="Who attended.")


@strawberry.type(description="The result of a signup mutation.")
class EventSignupPayload:
    signup: EventSignupType | None = strawberry.field(
        description="The signup as changed; null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.enum(description="What a reviewer decides about a suggestion.")
class SuggestionDecision(Enum):
    ADOPT = "ADOPT"
    DECLINE = "DECLINE"


describe_values(
    SuggestionDecision,
    {"ADOPT": "Take it up; the author earns points.", "DECLINE": "Do not take it up."},
)


@strawberry.input(description="A decision on a suggestion.")
class ReviewSuggestionInput:
    suggestion_id: strawberry.ID = strawberry.field(description="The suggestion.")
    decision: SuggestionDecision = strawberry.field(description="Adopt or decline.")
    note: str | None = strawberry.field(default=None, description="Why, for the author.")


@strawberry.input(description="A new suggestion.")
class SubmitSuggestionInput(CommandInput):
    title: str = strawberry.field(description="A short summary.")
    body: str = strawberry.field(description="The idea in full.")


@strawberry.type(description="The result of a suggestion mutation.")
class SuggestionPayload:
    suggestion: SuggestionType | None = strawberry.field(
        description="The suggestion as changed; null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="A new notice.")
class PublishNoticeInput(CommandInput):
    kind: NoticeKind = strawberry.field(description="What kind of notice.")
    title: str = strawberry.field(description="The headline.")
    body: str = strawberry.field(description="The text.")


@strawberry.type(description="The result of publishNotice.")
class NoticePayload:
    notice: NoticeType | None = strawberry.field(description="The new notice; null on errors.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.type(description="How long a category of report may take.")
class ServiceLevel:
    category: ReportCategory = strawberry.field(description="The report category.")
    hours: float = strawberry.field(description="Hours from submission to verification.")

    @staticmethod
    def every(hours: Mapping[ReportCategory, float]) -> list[ServiceLevel]:
        """One level per category, from the domain's hours by category."""
        return [ServiceLevel(category=category, hours=value) for category, value in hours.items()]


@strawberry.input(description="A category's new service level.")
class SetServiceLevelInput(CommandInput):
    category: ReportCategory = strawberry.field(description="The report category.")
    hours: float = strawberry.field(description="Hours from submission to verification.")


@strawberry.type(description="The result of setServiceLevel.")
class ServiceLevelsPayload:
    service_levels: list[ServiceLevel] | None = strawberry.field(
        description="Every category's level after the change; null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")
