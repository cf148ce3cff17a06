"""Civic work over HTTP: the operations, builders and checks test_civic_*.py share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from community import reports
from models.actor import Actor
from models.civic import Event, Report
from models.enums import ReportCategory, ReportStatus, Role
from models.grid import MicroGrid
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient
from tests.harness import events
from tests.harness.reports import Crew, walk
from tests.harness.snapshots import civic_rows

MAX_PHOTO_BYTES = 8 * 1024 * 1024

SUBMIT = """
mutation($input: SubmitReportInput!) {
  submitReport(input: $input) {
    report { status category description photoUrls likelyDuplicate microGrid { name } }
    errors { code field }
  }
}"""
STEP = """
mutation($id: ID!, $note: String) {
  %s(input: {reportId: $id, note: $note}) { report { status } errors { code field } }
}"""
ACCEPT, RESOLVE, VERIFY, REJECT, ESCALATE = (
    STEP % name
    for name in ("acceptReport", "resolveReport", "verifyReport", "rejectReport", "escalateReport")
)
DISPATCH = """
mutation($id: ID!, $to: ID!, $note: String) {
  dispatchReport(input: {reportId: $id, assigneeId: $to, note: $note}) {
    report { status assignee { displayName } } errors { code field }
  }
}"""
RESOLVE_WITH_PHOTOS = """
mutation($input: ResolveReportInput!) {
  resolveReportWithPhotos(input: $input) { report { status photoUrls } errors { code field } }
}"""
SET_LEVEL = """
mutation($category: ReportCategory!, $hours: Float!) {
  setServiceLevel(input: {category: $category, hours: $hours}) {
    serviceLevels { category hours } errors { code field }
  }
}"""
CREATE_EVENT = """
mutation($input: CreateEventInput!) {
  createEvent(input: $input) {
    event { title location capacity pointsReward confirmedCount waitlistCount
            organizer { displayName } viewerSignup { status } }
    errors { code field }
  }
}"""
SIGN_UP = """
mutation($id: ID!) {
  signUpForEvent(eventId: $id) {
    signup { id status user { displayName } event { confirmedCount waitlistCount } }
    errors { code field }
  }
}"""
CANCEL_SIGNUP = """
mutation($id: ID!) {
  cancelEventSignup(eventId: $id) {
    signup { id status event { confirmedCount waitlistCount } } errors { code field }
  }
}"""
CHECK_IN = """
mutation($event: ID!, $user: ID!) {
  checkInAttendee(input: {eventId: $event, userId: $user}) {
    signup { status user { displayName } } errors { code field }
  }
}"""
SUBMIT_SUGGESTION = """
mutation($title: String!, $body: String!) {
  submitSuggestion(input: {title: $title, body: $body}) {
    suggestion { title body status pointsAwarded reviewNote author { displayName } }
    errors { code field }
  }
}"""
REVIEW = """
mutation($id: ID!, $decision: SuggestionDecision!, $note: String) {
  reviewSuggestion(input: {suggestionId: $id, decision: $decision, note: $note}) {
    suggestion { status pointsAwarded reviewNote } errors { code field }
  }
}"""
PUBLISH = """
mutation($kind: NoticeKind!, $title: String!, $body: String!) {
  publishNotice(input: {kind: $kind, title: $title, body: $body}) {
    notice { kind title body author { displayName } } errors { code field }
  }
}"""
REPORTS = """
query($status: ReportStatus, $first: Int, $after: String) {
  reports(status: $status, first: $first, after: $after) {
    edges { node { description status } } pageInfo { hasNextPage endCursor }
  }
}"""
EVENTS = """
{ events { edges { node {
  title confirmedCount waitlistCount viewerSignup { status }
} } } }"""


def media_files(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in (tmp_path / "media").iterdir())


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result["errors"]]


def errors_of(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    (payload,) = result["data"].values()
    return [(error["code"], error["field"]) for error in payload["errors"]]


Refusal = tuple[Actor, str, dict[str, Any], tuple[str, str | None]]


async def assert_refused(client: GraphQLClient, cases: list[Refusal]) -> None:
    """Each (actor, operation, variables, (code, field)) is answered with that one error and no
    object, and all of them together change no row."""
    before = await civic_rows()
    for actor, query, variables, expected in cases:
        result = await client.execute(query, variables, as_=actor)
        assert errors_of(result) == [expected], (query, variables)
        (payload,) = result["data"].values()
        assert next(value for key, value in payload.items() if key != "errors") is None
    assert await civic_rows() == before


def gid(type_name: str, row: Any) -> str:
    return global_id(type_name, row if isinstance(row, int) else row.id)


def iso(moment: datetime) -> str:
    return moment.isoformat()


@dataclass
class Cast:
    """Two grids and the people around them."""

    grid: MicroGrid
    other_grid: MicroGrid
    admin: Actor
    worker: Actor
    member: Actor
    other_worker: Actor
    manager: Actor
    reporter: Actor
    neighbour: Actor
    media: Path

    async def report(
        self,
        status: str = "SUBMITTED",
        *,
        category: ReportCategory = ReportCategory.FACILITY,
        description: str = "Broken stair light",
        reporter: Actor | None = None,
    ) -> Report:
        """A report in the cast's grid, taken through the workflow up to `status`."""
        report = await reports.submit_report(
            actor=reporter or self.reporter,
            category=category,
            description=description,
            micro_grid_id=self.grid.id,
            media_dir=self.media,
        )
        crew = Crew(self.worker, self.manager, reporter or self.reporter, self.media)
        return await walk(report, ReportStatus(status), crew)


async def cast(tmp_path: Path) -> Cast:
    grid, other = await factories.grid("Grid 1"), await factories.grid("Grid 2")
    return Cast(
        grid=grid,
        other_grid=other,
        admin=await factories.user(Role.COMMUNITY_ADMIN, name="Admin"),
        worker=await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,)),
        member=await factories.user(Role.GRID_MEMBER, name="Member", grids=(grid,)),
        other_worker=await factories.user(Role.GRID_WORKER, name="Elsewhere", grids=(other,)),
        manager=await factories.user(Role.PROPERTY_MANAGER, name="Manager"),
        reporter=await factories.user(name="Reporter", home_grid=grid),
        neighbour=await factories.user(name="Neighbour", home_grid=grid),
        media=tmp_path / "media",
    )


def event_input(**overrides: Any) -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(days=1)
    values = {
        "title": "Courtyard clean-up",
        "description": "Bring gloves",
        "location": "Courtyard 1",
        "startsAt": iso(start),
        "endsAt": iso(start + timedelta(hours=2)),
        "capacity": 2,
        "pointsReward": 15,
    }
    values.update(overrides)
    return values


async def an_event(organizer: Actor, *, capacity: int = 2, past: bool = False) -> Event:
    start = datetime.now(UTC) + (timedelta(days=-2) if past else timedelta(days=1))
    return await events.an_event(organizer, starts_at=start, capacity=capacity)


async def multipart(
    client: GraphQLClient,
    query: str,
    input_: dict[str, Any],
    files: list[tuple[str, bytes, str]],
    *,
    token: str | None,
) -> dict[str, Any]:
    """One operation in the GraphQL multipart request spec, its files at input.photos."""
    operations = {"query": query, "variables": {"input": {**input_, "photos": [None] * len(files)}}}
    mapping = {str(i): [f"variables.input.photos.{i}"] for i in range(len(files))}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers["Apollo-Require-Preflight"] = "true"  # multipart is CSRF-guarded
    async with client.http() as http:
        response = await http.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
            files={str(i): file for i, file in enumerate(files)},
            headers=headers,
        )
    result: dict[str, Any] = response.json()
    return result
