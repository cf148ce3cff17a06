"""Civic work's GraphQL shapes: reports and their timeline, events, suggestions, notices."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.file_uploads import Upload

from models.civic import Event, EventSignup, Notice, Report, ReportEvent, Suggestion
from resolvers import civic as resolve
from resolvers.ids import global_id
from schema.base import Connection, Node
from schema.context import Info
from schema.enums import (
    NoticeKind,
    ReportCategory,
    ReportStatus,
    SignupStatus,
    SuggestionStatus,
)
from schema.errors import UserError
from schema.people import MicroGridType, UserType


async def _user(info: Info, user_id: int | None) -> UserType | None:
    if user_id is None:
        return None
    row = await info.context.scope.loaders.user.load(user_id)
    return UserType.of(row) if row else None


@strawberry.type(name="ReportEvent")
class ReportEventType:
    row: strawberry.Private[ReportEvent]

    @strawberry.field
    def at(self) -> datetime:
        return self.row.at

    @strawberry.field
    async def actor(self, info: Info) -> UserType | None:
        return await _user(info, self.row.actor_id)

    @strawberry.field
    def from_status(self) -> ReportStatus | None:
        return self.row.from_status

    @strawberry.field
    def to_status(self) -> ReportStatus:
        return self.row.to_status

    @strawberry.field
    def note(self) -> str | None:
        return self.row.note


@strawberry.type(name="Report")
class ReportType(Node):
    row: strawberry.Private[Report]
    category: ReportCategory
    description: str
    status: ReportStatus
    address: str | None
    latitude: float | None
    longitude: float | None
    created_at: datetime
    due_at: datetime | None = strawberry.field(
        description="When the report must be verified by, from the category's service level."
    )
    points_awarded: int

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

    @strawberry.field
    async def micro_grid(self, info: Info) -> MicroGridType | None:
        row = await info.context.scope.loaders.micro_grid.load(self.row.micro_grid_id)
        return MicroGridType.of(row) if row else None

    @strawberry.field
    async def reporter(self, info: Info) -> UserType | None:
        return await _user(info, self.row.reporter_id)

    @strawberry.field
    async def assignee(self, info: Info) -> UserType | None:
        return await _user(info, self.row.assignee_id)

    @strawberry.field
    def photo_urls(self, info: Info) -> list[str]:
        return [info.context.scope.media_url + name for name in self.row.photos]

    @strawberry.field
    async def timeline(self, info: Info) -> list[ReportEventType]:
        steps = await resolve.timeline(info.context.scope, self.row.id)
        return [ReportEventType(row=step) for step in steps]

    @strawberry.field
    def overdue(self) -> bool:
        return resolve.is_overdue(self.row)

    @strawberry.field(description="True when this looks like a repeat of an earlier report.")
    def likely_duplicate(self) -> bool:
        return self.row.duplicate_of_id is not None


@strawberry.type(name="Event")
class EventType(Node):
    row: strawberry.Private[Event]
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    points_reward: int

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

    @strawberry.field
    async def confirmed_count(self, info: Info) -> int:
        return (await resolve.signup_counts(info.context.scope, self.row.id)).confirmed

    @strawberry.field
    async def waitlist_count(self, info: Info) -> int:
        return (await resolve.signup_counts(info.context.scope, self.row.id)).waitlisted

    @strawberry.field
    async def organizer(self, info: Info) -> UserType | None:
        return await _user(info, self.row.organizer_id)

    @strawberry.field(description="The viewer's own signup, if any.")
    async def viewer_signup(self, info: Info) -> EventSignupType | None:
        row = await resolve.viewer_signup(info.context.scope, self.row.id)
        return EventSignupType.of(row) if row else None


@strawberry.type(name="EventSignup")
class EventSignupType(Node):
    row: strawberry.Private[EventSignup]
    status: SignupStatus
    created_at: datetime

    @classmethod
    def of(cls, row: EventSignup) -> EventSignupType:
        return cls(
            id=strawberry.ID(global_id("EventSignup", row.id)),
            row=row,
            status=row.status,
            created_at=row.created_at,
        )

    @strawberry.field
    async def event(self, info: Info) -> EventType:
        row = await resolve.event(info.context.scope, self.row.event_id)
        return EventType.of(row)

    @strawberry.field
    async def user(self, info: Info) -> UserType:
        found = await _user(info, self.row.user_id)
        assert found is not None  # a foreign key with CASCADE
        return found


@strawberry.type(name="Suggestion")
class SuggestionType(Node):
    row: strawberry.Private[Suggestion]
    title: str
    body: str
    status: SuggestionStatus
    created_at: datetime
    review_note: str | None
    points_awarded: int

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

    @strawberry.field
    async def author(self, info: Info) -> UserType | None:
        return await _user(info, self.row.author_id)


@strawberry.type(name="Notice")
class NoticeType(Node):
    row: strawberry.Private[Notice]
    kind: NoticeKind
    title: str
    body: str
    published_at: datetime

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

    @strawberry.field
    async def author(self, info: Info) -> UserType | None:
        return await _user(info, self.row.author_id)


ReportConnection = Connection[ReportType]
EventConnection = Connection[EventType]
SuggestionConnection = Connection[SuggestionType]
NoticeConnection = Connection[NoticeType]


@strawberry.input
class SubmitReportInput:
    category: ReportCategory
    description: str
    micro_grid_id: strawberry.ID | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    photos: list[Upload] | None = None


@strawberry.input
class DispatchReportInput:
    report_id: strawberry.ID
    assignee_id: strawberry.ID
    note: str | None = None


@strawberry.input
class ReportActionInput:
    report_id: strawberry.ID
    note: str | None = None


@strawberry.input
class ResolveReportInput:
    report_id: strawberry.ID
    note: str | None = None
    photos: list[Upload] | None = None


@strawberry.type
class ReportPayload:
    report: ReportType | None
    errors: list[UserError]


@strawberry.input
class CreateEventInput:
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    points_reward: int


@strawberry.type
class EventPayload:
    event: EventType | None
    errors: list[UserError]


@strawberry.input
class CheckInInput:
    event_id: strawberry.ID
    user_id: strawberry.ID


@strawberry.type
class EventSignupPayload:
    signup: EventSignupType | None
    errors: list[UserError]


@strawberry.enum
class SuggestionDecision(Enum):
    ADOPT = "ADOPT"
    DECLINE = "DECLINE"


@strawberry.input
class ReviewSuggestionInput:
    suggestion_id: strawberry.ID
    decision: SuggestionDecision
    note: str | None = None


@strawberry.input
class SubmitSuggestionInput:
    title: str
    body: str


@strawberry.type
class SuggestionPayload:
    suggestion: SuggestionType | None
    errors: list[UserError]


@strawberry.input
class PublishNoticeInput:
    kind: NoticeKind
    title: str
    body: str


@strawberry.type
class NoticePayload:
    notice: NoticeType | None
    errors: list[UserError]
