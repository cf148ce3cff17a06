"""Queries and mutations for reports, events, suggestions and notices."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from community import events, notices, report_queries, report_workflow, service_levels, suggestions
from resolvers import civic as resolve
from schema.base import After, Connection, First
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
    ServiceLevel,
    ServiceLevelsPayload,
    SetServiceLevelInput,
    SubmitReportInput,
    SubmitSuggestionInput,
    SuggestionPayload,
    SuggestionType,
)
from schema.commands import ask, perform
from schema.context import Info
from schema.enums import NoticeKind, ReportStatus, SuggestionStatus
from schema.mutation import mutate
from schema.refusals import FailsAlone, empty_connection


@strawberry.type
class CivicQuery:
    @strawberry.field(
        description="Reports the viewer may see: their own, their grids', or all for admins.",
        extensions=[FailsAlone(empty_connection)],
    )
    async def reports(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            ReportStatus | None, strawberry.argument(description="Only reports in this status.")
        ] = None,
    ) -> Connection[ReportType]:
        page = await ask(info, report_queries.list_reports, status=status, first=first, after=after)
        return Connection.of(page, ReportType.of, after=after)

    @strawberry.field(
        extensions=[FailsAlone(empty_connection)],
        description="Events of the viewer's community, newest first.",
    )
    async def events(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[EventType]:
        page = await ask(info, events.list_events, first=first, after=after)
        return Connection.of(page, EventType.of, after=after)

    @strawberry.field(
        extensions=[FailsAlone(empty_connection)],
        description="Suggestions of the viewer's community, newest first.",
    )
    async def suggestions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            SuggestionStatus | None,
            strawberry.argument(description="Only suggestions in this status."),
        ] = None,
    ) -> Connection[SuggestionType]:
        page = await ask(
            info, suggestions.list_suggestions, status=status, first=first, after=after
        )
        return Connection.of(page, SuggestionType.of, after=after)

    @strawberry.field(
        extensions=[FailsAlone(empty_connection)],
        description="Notices of the viewer's community, newest first.",
    )
    async def notices(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        kind: Annotated[
            NoticeKind | None, strawberry.argument(description="Only notices of this kind.")
        ] = None,
    ) -> Connection[NoticeType]:
        page = await ask(info, notices.list_notices, kind=kind, first=first, after=after)
        return Connection.of(page, NoticeType.of, after=after)

    @strawberry.field(
        description="Hours within which a report of each category must be verified.",
        extensions=[FailsAlone()],
    )
    async def service_levels(self, info: Info) -> list[ServiceLevel]:
        return ServiceLevel.every(await ask(info, service_levels.service_levels))


# The mutations' arguments, with what each one is.
SubmitReportArg = Annotated[SubmitReportInput, strawberry.argument(description="The report.")]
ReportArg = Annotated[ReportActionInput, strawberry.argument(description="The report.")]
RejectReportArg = Annotated[
    ReportActionInput, strawberry.argument(description="The report, with the reason as note.")
]
DispatchReportArg = Annotated[
    DispatchReportInput, strawberry.argument(description="The report and its assignee.")
]
ResolveReportArg = Annotated[
    ResolveReportInput, strawberry.argument(description="The report and photos of the fix.")
]
ServiceLevelArg = Annotated[
    SetServiceLevelInput, strawberry.argument(description="The category and its hours.")
]
CreateEventArg = Annotated[CreateEventInput, strawberry.argument(description="The event.")]
EventId = Annotated[strawberry.ID, strawberry.argument(description="The event.")]
CheckInArg = Annotated[CheckInInput, strawberry.argument(description="The event and the attendee.")]
SuggestionArg = Annotated[SubmitSuggestionInput, strawberry.argument(description="The suggestion.")]
ReviewArg = Annotated[ReviewSuggestionInput, strawberry.argument(description="The decision.")]
NoticeArg = Annotated[PublishNoticeInput, strawberry.argument(description="The notice.")]


@strawberry.type
class CivicMutation:
    @strawberry.mutation(description="Report a problem; photos go as multipart files.")
    async def submit_report(self, info: Info, input: SubmitReportArg) -> ReportPayload:
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

    @strawberry.mutation(description="Take a submitted report on (its grid's members and worker).")
    async def accept_report(self, info: Info, input: ReportArg) -> ReportPayload:
        return await perform(
            info, report_workflow.accept_report, input, ReportPayload, report=ReportType.of
        )

    @strawberry.mutation(description="Send an accepted report to someone to fix (its grid worker).")
    async def dispatch_report(self, info: Info, input: DispatchReportArg) -> ReportPayload:
        return await perform(
            info, report_workflow.dispatch_report, input, ReportPayload, report=ReportType.of
        )

    @strawberry.mutation(
        description="Mark a dispatched report fixed (its assignee; a dispute by its grid member)."
    )
    async def resolve_report(self, info: Info, input: ReportArg) -> ReportPayload:
        return await _resolve_report(info, input, photos=None)

    @strawberry.mutation(description="Resolve a report with photos of the fix.")
    async def resolve_report_with_photos(
        self, info: Info, input: ResolveReportArg
    ) -> ReportPayload:
        return await _resolve_report(info, input, photos=input.photos)

    @strawberry.mutation(
        description="Confirm the fix on site; the reporter earns points (grid worker)."
    )
    async def verify_report(self, info: Info, input: ReportArg) -> ReportPayload:
        return await perform(
            info, report_workflow.verify_report, input, ReportPayload, report=ReportType.of
        )

    @strawberry.mutation(
        description="Close a report as not actionable; the note gives the reason (its grid staff)."
    )
    async def reject_report(self, info: Info, input: RejectReportArg) -> ReportPayload:
        return await perform(
            info, report_workflow.reject_report, input, ReportPayload, report=ReportType.of
        )

    @strawberry.mutation(
        description="The reporter takes back a report not yet dispatched; its held points are "
        "voided."
    )
    async def withdraw_report(self, info: Info, input: ReportArg) -> ReportPayload:
        return await perform(
            info, report_workflow.withdraw_report, input, ReportPayload, report=ReportType.of
        )

    @strawberry.mutation(
        description="Hand a report up to the admins (its grid staff; its reporter once overdue)."
    )
    async def escalate_report(self, info: Info, input: ReportArg) -> ReportPayload:
        return await perform(
            info, report_workflow.escalate_report, input, ReportPayload, report=ReportType.of
        )

    @strawberry.mutation(description="Set a category's service level (admins only).")
    async def set_service_level(self, info: Info, input: ServiceLevelArg) -> ServiceLevelsPayload:
        return await perform(
            info,
            service_levels.set_service_level,
            input,
            ServiceLevelsPayload,
            service_levels=ServiceLevel.every,
        )

    @strawberry.mutation(description="Announce an event (grid workers, merchants and admins).")
    async def create_event(self, info: Info, input: CreateEventArg) -> EventPayload:
        return await perform(info, events.create_event, input, EventPayload, event=EventType.of)

    @strawberry.mutation(description="Take a place at an event, or join its waiting list.")
    async def sign_up_for_event(self, info: Info, event_id: EventId) -> EventSignupPayload:
        return await perform(
            info,
            events.sign_up,
            {"event_id": event_id},
            EventSignupPayload,
            signup=EventSignupType.of,
        )

    @strawberry.mutation(description="Give up one's place; the first waiting gets it.")
    async def cancel_event_signup(self, info: Info, event_id: EventId) -> EventSignupPayload:
        return await perform(
            info,
            events.cancel_signup,
            {"event_id": event_id},
            EventSignupPayload,
            signup=EventSignupType.of,
        )

    @strawberry.mutation(
        description="Record that someone attended; they earn the reward (organizer)."
    )
    async def check_in_attendee(self, info: Info, input: CheckInArg) -> EventSignupPayload:
        return await perform(
            info, events.check_in, input, EventSignupPayload, signup=EventSignupType.of
        )

    @strawberry.mutation(description="Suggest an idea to the community.")
    async def submit_suggestion(self, info: Info, input: SuggestionArg) -> SuggestionPayload:
        return await perform(
            info,
            suggestions.submit_suggestion,
            input,
            SuggestionPayload,
            suggestion=SuggestionType.of,
        )

    @strawberry.mutation(description="Adopt or decline a suggestion (admins).")
    async def review_suggestion(self, info: Info, input: ReviewArg) -> SuggestionPayload:
        return await perform(
            info,
            suggestions.review_suggestion,
            {
                "suggestion_id": input.suggestion_id,
                "decision": input.decision.value,  # the domain decides on the word
                "note": input.note,
            },
            SuggestionPayload,
            suggestion=SuggestionType.of,
        )

    @strawberry.mutation(description="Publish a notice (grid workers and admins).")
    async def publish_notice(self, info: Info, input: NoticeArg) -> NoticePayload:
        return await perform(
            info, notices.publish_notice, input, NoticePayload, notice=NoticeType.of
        )


async def _resolve_report(
    info: Info, input: ReportActionInput | ResolveReportInput, *, photos: Any
) -> ReportPayload:
    scope = info.context.scope
    return await mutate(
        info,
        lambda: resolve.resolve_report(
            scope, report_id=input.report_id, note=input.note, photos=photos
        ),
        ReportPayload,
        report=ReportType.of,
    )
