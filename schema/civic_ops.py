"""Queries and mutations for reports, events, suggestions and notices."""

from __future__ import annotations

import strawberry

from resolvers import civic as resolve
from resolvers.ids import decode_cursor
from schema.base import Connection
from schema.civic import (
    CheckInInput,
    CreateEventInput,
    DispatchReportInput,
    EventPayload,
    EventSignupPayload,
    EventSignupType,
    EventType,
    NoticePayload,
    NoticeType,
    PublishNoticeInput,
    ReportActionInput,
    ReportPayload,
    ReportType,
    ResolveReportInput,
    ReviewSuggestionInput,
    SubmitReportInput,
    SubmitSuggestionInput,
    SuggestionPayload,
    SuggestionType,
)
from schema.context import Info
from schema.enums import NoticeKind, ReportCategory, ReportStatus, SuggestionStatus
from schema.errors import UserError
from schema.mutation import mutate


@strawberry.type
class ServiceLevel:
    category: ReportCategory
    hours: float


@strawberry.input
class SetServiceLevelInput:
    category: ReportCategory
    hours: float


@strawberry.type
class ServiceLevelsPayload:
    service_levels: list[ServiceLevel] | None
    errors: list[UserError]


def _levels(hours: dict[ReportCategory, float]) -> list[ServiceLevel]:
    return [ServiceLevel(category=category, hours=value) for category, value in hours.items()]


def _after(after: str | None) -> int | None:
    return decode_cursor(after)


@strawberry.type
class CivicQuery:
    @strawberry.field(
        description="Reports the viewer may see: their own, their grids', or all for admins."
    )
    async def reports(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: ReportStatus | None = None,
    ) -> Connection[ReportType]:
        page = await resolve.list_reports(
            info.context.scope, status=status, first=first, after=after
        )
        return Connection.of(page, ReportType.of, after=_after(after))

    @strawberry.field
    async def events(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[EventType]:
        page = await resolve.list_events(info.context.scope, first=first, after=after)
        return Connection.of(page, EventType.of, after=_after(after))

    @strawberry.field
    async def suggestions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: SuggestionStatus | None = None,
    ) -> Connection[SuggestionType]:
        page = await resolve.list_suggestions(
            info.context.scope, status=status, first=first, after=after
        )
        return Connection.of(page, SuggestionType.of, after=_after(after))

    @strawberry.field
    async def notices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kind: NoticeKind | None = None,
    ) -> Connection[NoticeType]:
        page = await resolve.list_notices(info.context.scope, kind=kind, first=first, after=after)
        return Connection.of(page, NoticeType.of, after=_after(after))

    @strawberry.field(description="Hours within which a report of each category must be verified.")
    async def service_levels(self, info: Info) -> list[ServiceLevel]:
        return _levels(await resolve.service_level_hours(info.context.scope))


@strawberry.type
class CivicMutation:
    @strawberry.mutation
    async def submit_report(self, info: Info, input: SubmitReportInput) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.submit_report(
                scope,
                category=input.category,
                description=input.description,
                micro_grid_id=input.micro_grid_id,
                latitude=input.latitude,
                longitude=input.longitude,
                address=input.address,
                photos=input.photos,
            ),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation
    async def accept_report(self, info: Info, input: ReportActionInput) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.accept_report(scope, report_id=input.report_id, note=input.note),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation
    async def dispatch_report(self, info: Info, input: DispatchReportInput) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.dispatch_report(
                scope, report_id=input.report_id, assignee_id=input.assignee_id, note=input.note
            ),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation
    async def resolve_report(self, info: Info, input: ReportActionInput) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.resolve_report(
                scope, report_id=input.report_id, note=input.note, photos=None
            ),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation(description="Resolve a report with photos of the fix.")
    async def resolve_report_with_photos(
        self, info: Info, input: ResolveReportInput
    ) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.resolve_report(
                scope, report_id=input.report_id, note=input.note, photos=input.photos
            ),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation
    async def verify_report(self, info: Info, input: ReportActionInput) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.verify_report(scope, report_id=input.report_id, note=input.note),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation
    async def reject_report(self, info: Info, input: ReportActionInput) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.reject_report(scope, report_id=input.report_id, note=input.note),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation(
        description="The reporter takes back a report not yet dispatched; its held points are "
        "voided."
    )
    async def withdraw_report(self, info: Info, input: ReportActionInput) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.withdraw_report(scope, report_id=input.report_id, note=input.note),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation
    async def escalate_report(self, info: Info, input: ReportActionInput) -> ReportPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.escalate_report(scope, report_id=input.report_id, note=input.note),
            ReportPayload,
            report=ReportType.of,
        )

    @strawberry.mutation(description="Set a category's service level (admins only).")
    async def set_service_level(
        self, info: Info, input: SetServiceLevelInput
    ) -> ServiceLevelsPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.set_service_level(scope, category=input.category, hours=input.hours),
            ServiceLevelsPayload,
            service_levels=_levels,
        )

    @strawberry.mutation
    async def create_event(self, info: Info, input: CreateEventInput) -> EventPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.create_event(
                scope,
                title=input.title,
                description=input.description,
                location=input.location,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                capacity=input.capacity,
                points_reward=input.points_reward,
            ),
            EventPayload,
            event=EventType.of,
        )

    @strawberry.mutation
    async def sign_up_for_event(self, info: Info, event_id: strawberry.ID) -> EventSignupPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.sign_up(scope, event_id=event_id),
            EventSignupPayload,
            signup=EventSignupType.of,
        )

    @strawberry.mutation
    async def cancel_event_signup(self, info: Info, event_id: strawberry.ID) -> EventSignupPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.cancel_signup(scope, event_id=event_id),
            EventSignupPayload,
            signup=EventSignupType.of,
        )

    @strawberry.mutation
    async def check_in_attendee(self, info: Info, input: CheckInInput) -> EventSignupPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.check_in(scope, event_id=input.event_id, user_id=input.user_id),
            EventSignupPayload,
            signup=EventSignupType.of,
        )

    @strawberry.mutation
    async def submit_suggestion(
        self, info: Info, input: SubmitSuggestionInput
    ) -> SuggestionPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.submit_suggestion(scope, title=input.title, body=input.body),
            SuggestionPayload,
            suggestion=SuggestionType.of,
        )

    @strawberry.mutation
    async def review_suggestion(
        self, info: Info, input: ReviewSuggestionInput
    ) -> SuggestionPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.review_suggestion(
                scope,
                suggestion_id=input.suggestion_id,
                decision=input.decision.value,
                note=input.note,
            ),
            SuggestionPayload,
            suggestion=SuggestionType.of,
        )

    @strawberry.mutation
    async def publish_notice(self, info: Info, input: PublishNoticeInput) -> NoticePayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.publish_notice(
                scope, kind=input.kind, title=input.title, body=input.body
            ),
            NoticePayload,
            notice=NoticeType.of,
        )
