"""Civic work over HTTP: reports, service levels, events, suggestions and notices. Who may
call each mutation, refusals that write nothing (uploads included), retries, and who reads what."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from community import events, report_workflow, reports, suggestions
from marketplace import merchants
from models.actor import Actor
from models.civic import Event, Report
from models.enums import ReportCategory, Role
from models.grid import MicroGrid
from models.ledger import Account
from models.sql import fetch
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64
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

CIVIC_TABLES = (
    "report",
    "report_event",
    "service_level",
    "community_event",
    "event_signup",
    "suggestion",
    "notice",
    "account",
    "points_transfer",
    "points_entry",
)


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row civic work writes (points included), to prove a refusal wrote nothing."""
    return {table: await fetch(f"SELECT * FROM {table} ORDER BY id") for table in CIVIC_TABLES}


def media_files(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in (tmp_path / "media").iterdir())


async def balance(actor: Actor) -> int:
    account = await Account.get_or_none(user_id=actor.user_id)
    return 0 if account is None else int(account.balance)


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result["errors"]]


def errors_of(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    (payload,) = result["data"].values()
    return [(error["code"], error["field"]) for error in payload["errors"]]


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
        path = ["ACCEPTED", "DISPATCHED", "RESOLVED", "VERIFIED"]
        if status == "REJECTED":
            await report_workflow.reject_report(actor=self.worker, report_id=report.id, note="No")
        for step in path[: path.index(status) + 1] if status in path else []:
            if step == "ACCEPTED":
                await report_workflow.accept_report(actor=self.worker, report_id=report.id)
            elif step == "DISPATCHED":
                await report_workflow.dispatch_report(
                    actor=self.worker, report_id=report.id, assignee_id=self.manager.user_id
                )
            elif step == "RESOLVED":
                await report_workflow.resolve_report(
                    actor=self.manager, report_id=report.id, note="Fixed", media_dir=self.media
                )
            else:
                await report_workflow.verify_report(actor=self.worker, report_id=report.id)
        return await Report.get(id=report.id)


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
    return await events.create_event(
        actor=organizer,
        title="Courtyard clean-up",
        description="",
        location="Courtyard 1",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity,
        points_reward=15,
    )


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
    async with client.http() as http:
        response = await http.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
            files={str(i): file for i, file in enumerate(files)},
            headers=headers,
        )
    result: dict[str, Any] = response.json()
    return result


# ---------------------------------------------------------------- who may call what


async def test_anonymous_callers_are_unauthenticated_and_nothing_changes(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    report = gid("Report", await people.report("ACCEPTED"))
    party = await an_event(people.worker)
    await events.sign_up(actor=people.reporter, event_id=party.id)
    event = gid("Event", party)
    suggestion = await suggestions.submit_suggestion(
        actor=people.reporter, title="More benches", body="By the gate"
    )
    manager, reporter = gid("User", people.manager.user_id), gid("User", people.reporter.user_id)
    calls: list[tuple[str, dict[str, Any]]] = [
        (SUBMIT, {"input": {"category": "NOISE", "description": "Loud", "microGridId": None}}),
        (ACCEPT, {"id": report}),
        (DISPATCH, {"id": report, "to": manager}),
        (RESOLVE, {"id": report, "note": "Done"}),
        (RESOLVE_WITH_PHOTOS, {"input": {"reportId": report, "note": "Done"}}),
        (VERIFY, {"id": report}),
        (REJECT, {"id": report, "note": "No"}),
        (ESCALATE, {"id": report}),
        (SET_LEVEL, {"category": "NOISE", "hours": 2}),
        (CREATE_EVENT, {"input": event_input()}),
        (SIGN_UP, {"id": event}),
        (CANCEL_SIGNUP, {"id": event}),
        (CHECK_IN, {"event": event, "user": reporter}),
        (SUBMIT_SUGGESTION, {"title": "x", "body": "y"}),
        (REVIEW, {"id": gid("Suggestion", suggestion), "decision": "ADOPT"}),
        (PUBLISH, {"kind": "POLICY", "title": "x", "body": "y"}),
    ]
    before = await snapshot()
    for query, variables in calls:
        result = await client.execute(query, variables)
        assert result["data"] is None, query
        assert codes(result) == ["UNAUTHENTICATED"], query
    # An upload from nobody is refused before a byte of it is stored.
    uploaded = await multipart(
        client,
        SUBMIT,
        {"category": "NOISE", "description": "Loud", "microGridId": gid("MicroGrid", people.grid)},
        [("a.png", PNG, "image/png")],
        token=None,
    )
    assert uploaded["data"] is None and codes(uploaded) == ["UNAUTHENTICATED"]
    assert await snapshot() == before
    assert media_files(tmp_path) == []


async def test_the_wrong_roles_are_forbidden_and_nothing_changes(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    submitted = gid("Report", await people.report())
    accepted = gid("Report", await people.report("ACCEPTED"))
    dispatched = gid("Report", await people.report("DISPATCHED"))
    resolved = gid("Report", await people.report("RESOLVED"))
    dispute = await people.report(category=ReportCategory.DISPUTE, description="Parking row")
    await report_workflow.accept_report(actor=people.member, report_id=dispute.id)
    party = await an_event(people.worker)
    await events.sign_up(actor=people.reporter, event_id=party.id)
    event = gid("Event", party)
    own = await suggestions.submit_suggestion(actor=people.admin, title="Mine", body="Mine")
    theirs = await suggestions.submit_suggestion(actor=people.reporter, title="x", body="y")
    pending_owner = await factories.user(name="Shopkeeper")
    await merchants.register_merchant(
        actor=pending_owner, name="Noodle Bar", category="Food", address="2 Jinhua Road"
    )
    manager = gid("User", people.manager.user_id)
    check_in = {"event": event, "user": gid("User", people.reporter.user_id)}
    review = {"id": gid("Suggestion", theirs), "decision": "ADOPT"}
    notice = {"kind": "POLICY", "title": "Rules", "body": "Be kind"}
    cases: list[tuple[Actor, str, dict[str, Any]]] = [
        (people.reporter, ACCEPT, {"id": submitted}),
        (people.member, DISPATCH, {"id": accepted, "to": manager}),
        (people.worker, RESOLVE, {"id": dispatched, "note": "Done"}),
        (people.worker, RESOLVE_WITH_PHOTOS, {"input": {"reportId": dispatched, "note": "x"}}),
        (people.worker, RESOLVE, {"id": gid("Report", dispute), "note": "Agreed"}),
        (people.member, VERIFY, {"id": resolved}),
        (people.manager, VERIFY, {"id": resolved}),
        (people.reporter, REJECT, {"id": submitted, "note": "No"}),
        (people.reporter, ESCALATE, {"id": submitted}),
        (people.manager, ESCALATE, {"id": dispatched}),
        (people.worker, SET_LEVEL, {"category": "NOISE", "hours": 2}),
        (people.manager, SET_LEVEL, {"category": "NOISE", "hours": 2}),
        (people.reporter, CREATE_EVENT, {"input": event_input()}),
        (people.member, CREATE_EVENT, {"input": event_input()}),
        (pending_owner, CREATE_EVENT, {"input": event_input()}),
        (people.neighbour, CHECK_IN, check_in),
        (people.other_worker, CHECK_IN, check_in),
        (people.reporter, REVIEW, review),
        (people.worker, REVIEW, review),
        (people.admin, REVIEW, {"id": gid("Suggestion", own), "decision": "ADOPT"}),
        (people.reporter, PUBLISH, notice),
        (people.member, PUBLISH, notice),
        (people.manager, PUBLISH, notice),
    ]
    before = await snapshot()
    for actor, query, variables in cases:
        result = await client.execute(query, variables, as_=actor)
        assert result["data"] is None, (actor, query)
        assert codes(result) == ["FORBIDDEN"], (actor, query)
    # A report one may not see is not found, never forbidden: its existence stays hidden.
    for actor, query, variables in (
        (people.other_worker, ACCEPT, {"id": submitted}),
        (people.manager, ACCEPT, {"id": submitted}),
        (people.neighbour, ESCALATE, {"id": submitted}),
        (people.other_worker, DISPATCH, {"id": accepted, "to": manager}),
    ):
        result = await client.execute(query, variables, as_=actor)
        assert errors_of(result) == [("NOT_FOUND", "reportId")], (actor, query)
    assert await snapshot() == before


# ---------------------------------------------------------------- refusals write nothing


async def test_reports_refuse_bad_input_and_wrong_steps(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    submitted = gid("Report", await people.report())
    accepted = gid("Report", await people.report("ACCEPTED"))
    dispatched = gid("Report", await people.report("DISPATCHED"))
    rejected = gid("Report", await people.report("REJECTED"))
    verified = gid("Report", await people.report("VERIFIED"))
    homeless = await factories.user(name="Newcomer")
    manager = gid("User", people.manager.user_id)
    base = {
        "category": "NOISE",
        "description": "Loud music",
        "microGridId": gid("MicroGrid", people.grid),
    }
    cases: list[tuple[Actor, str, dict[str, Any], tuple[str, str | None]]] = [
        (people.reporter, SUBMIT, {"input": {**base, "description": "  "}}, ("INVALID_INPUT", "description")),
        (people.reporter, SUBMIT, {"input": {**base, "description": "x" * 2001}}, ("INVALID_INPUT", "description")),
        (people.reporter, SUBMIT, {"input": {**base, "address": "x" * 201}}, ("INVALID_INPUT", "address")),
        (people.reporter, SUBMIT, {"input": {**base, "latitude": 91.0, "longitude": 104.0}}, ("INVALID_INPUT", "latitude")),
        (people.reporter, SUBMIT, {"input": {**base, "latitude": 30.6}}, ("INVALID_INPUT", "longitude")),
        (people.reporter, SUBMIT, {"input": {**base, "microGridId": gid("MicroGrid", 999)}}, ("NOT_FOUND", "microGridId")),
        (people.reporter, SUBMIT, {"input": {**base, "microGridId": "nonsense"}}, ("NOT_FOUND", "microGridId")),
        (homeless, SUBMIT, {"input": {**base, "microGridId": None}}, ("INVALID_INPUT", "microGridId")),
        (people.worker, ACCEPT, {"id": accepted}, ("INVALID_TRANSITION", None)),
        (people.worker, ACCEPT, {"id": gid("Report", 999)}, ("NOT_FOUND", "reportId")),
        (people.worker, ACCEPT, {"id": "nonsense"}, ("NOT_FOUND", "reportId")),
        (people.worker, DISPATCH, {"id": submitted, "to": manager}, ("INVALID_TRANSITION", None)),
        (people.worker, DISPATCH, {"id": accepted, "to": gid("User", people.neighbour.user_id)}, ("INVALID_INPUT", "assigneeId")),
        (people.worker, DISPATCH, {"id": accepted, "to": gid("User", 999)}, ("INVALID_INPUT", "assigneeId")),
        (people.worker, DISPATCH, {"id": accepted, "to": gid("MicroGrid", people.grid)}, ("NOT_FOUND", "assigneeId")),
        (people.manager, RESOLVE, {"id": dispatched}, ("INVALID_INPUT", "note")),
        (people.manager, RESOLVE, {"id": dispatched, "note": "   "}, ("INVALID_INPUT", "note")),
        (people.manager, RESOLVE, {"id": dispatched, "note": "x" * 2001}, ("INVALID_INPUT", "note")),
        (people.manager, RESOLVE, {"id": submitted, "note": "Done"}, ("NOT_FOUND", "reportId")),
        (people.worker, VERIFY, {"id": submitted}, ("INVALID_TRANSITION", None)),
        (people.worker, VERIFY, {"id": verified}, ("INVALID_TRANSITION", None)),
        (people.worker, REJECT, {"id": submitted}, ("INVALID_INPUT", "note")),
        (people.worker, REJECT, {"id": dispatched, "note": "No"}, ("INVALID_TRANSITION", None)),
        (people.worker, ESCALATE, {"id": rejected}, ("INVALID_TRANSITION", None)),
        (people.worker, ESCALATE, {"id": verified}, ("INVALID_TRANSITION", None)),
        (people.admin, SET_LEVEL, {"category": "NOISE", "hours": 0}, ("INVALID_INPUT", "hours")),
        (people.admin, SET_LEVEL, {"category": "NOISE", "hours": -3}, ("INVALID_INPUT", "hours")),
        (people.admin, SET_LEVEL, {"category": "NOISE", "hours": 720.5}, ("INVALID_INPUT", "hours")),
    ]  # fmt: skip
    before = await snapshot()
    for actor, query, variables, expected in cases:
        result = await client.execute(query, variables, as_=actor)
        assert errors_of(result) == [expected], (query, variables)
        (payload,) = result["data"].values()
        assert next(value for key, value in payload.items() if key != "errors") is None
    assert await snapshot() == before
    assert media_files(tmp_path) == []


TOO_BIG = PNG + b"\x00" * (MAX_PHOTO_BYTES + 1 - len(PNG))


@pytest.mark.parametrize(
    "files",
    [
        pytest.param([("big.png", TOO_BIG, "image/png")], id="larger than 8 MB"),
        pytest.param([("notes.png", b"just some notes, no image", "image/png")], id="text as png"),
        pytest.param([("a.gif", b"GIF89a" + b"\x00" * 32, "image/gif")], id="a gif"),
        pytest.param(
            [(f"{i}.png", PNG + bytes([i]), "image/png") for i in range(7)], id="seven photos"
        ),
        pytest.param(
            [("ok.jpg", JPEG, "image/jpeg"), ("fake.jpg", b"<svg/>", "image/jpeg")],
            id="one good, one bad",
        ),
    ],
)
async def test_refused_uploads_store_nothing(
    client: GraphQLClient, tmp_path: Path, files: list[tuple[str, bytes, str]]
) -> None:
    people = await cast(tmp_path)
    before = await snapshot()
    result = await multipart(
        client,
        SUBMIT,
        {"category": "FACILITY", "description": "Lift stuck", "microGridId": None},
        files,
        token=client.token_for(people.reporter),
    )
    assert result == {
        "data": {
            "submitReport": {
                "report": None,
                "errors": [{"code": "INVALID_INPUT", "field": "photos"}],
            }
        }
    }
    assert media_files(tmp_path) == []
    assert await snapshot() == before


async def test_submitting_twice_files_two_reports_one_photo_the_second_flagged(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    token = client.token_for(people.reporter)
    values = {"category": "SANITATION", "description": "Overflowing bins", "microGridId": None}
    photos = [("bins.jpg", JPEG, "image/jpeg"), ("bins.png", PNG, "image/png")]
    first = await multipart(client, SUBMIT, values, photos, token=token)
    second = await multipart(client, SUBMIT, values, photos, token=token)
    reports_ = [result["data"]["submitReport"] for result in (first, second)]
    assert [r["errors"] for r in reports_] == [[], []]
    stored = media_files(tmp_path)
    assert len(stored) == 2 and {name.rsplit(".", 1)[1] for name in stored} == {"jpg", "png"}
    for report in (r["report"] for r in reports_):
        assert sorted(url.removeprefix("/media/") for url in report["photoUrls"]) == stored
        assert (report["status"], report["microGrid"]) == ("SUBMITTED", {"name": "Grid 1"})
    assert [r["report"]["likelyDuplicate"] for r in reports_] == [False, True]
    assert await Report.all().count() == 2
    async with client.http() as http:
        served = await http.get(reports_[0]["report"]["photoUrls"][0])
    assert served.status_code == 200 and served.content in (JPEG, PNG)


async def test_resolving_with_photos(client: GraphQLClient, tmp_path: Path) -> None:
    people = await cast(tmp_path)
    report = await reports.submit_report(
        actor=people.reporter,
        category=ReportCategory.FACILITY,
        description="Broken gate",
        micro_grid_id=people.grid.id,
        photos=[PNG],
        media_dir=people.media,
    )
    await report_workflow.accept_report(actor=people.worker, report_id=report.id)
    await report_workflow.dispatch_report(
        actor=people.worker, report_id=report.id, assignee_id=people.manager.user_id
    )
    original = media_files(tmp_path)
    rid = gid("Report", report)
    manager = client.token_for(people.manager)
    action = {"reportId": rid, "note": "New hinge"}
    before = await snapshot()
    for files, token in (
        ([("fix.png", b"not an image", "image/png")], manager),
        ([(f"{i}.jpg", JPEG + bytes([i]), "image/jpeg") for i in range(7)], manager),
        ([("fix.jpg", JPEG, "image/jpeg")], client.token_for(people.worker)),
    ):
        refused = await multipart(client, RESOLVE_WITH_PHOTOS, action, files, token=token)
        if token == manager:
            assert errors_of(refused) == [("INVALID_INPUT", "photos")]
        else:
            assert refused["data"] is None and codes(refused) == ["FORBIDDEN"]
        assert media_files(tmp_path) == original
    no_note = await multipart(
        client,
        RESOLVE_WITH_PHOTOS,
        {"reportId": rid},
        [("fix.jpg", JPEG, "image/jpeg")],
        token=manager,
    )
    assert errors_of(no_note) == [("INVALID_INPUT", "note")]
    assert media_files(tmp_path) == original
    assert await snapshot() == before

    photos = [("fix.jpg", JPEG, "image/jpeg"), ("same.png", PNG, "image/png")]
    resolved = await multipart(client, RESOLVE_WITH_PHOTOS, action, photos, token=manager)
    payload = resolved["data"]["resolveReportWithPhotos"]
    assert payload["errors"] == [] and payload["report"]["status"] == "RESOLVED"
    stored = media_files(tmp_path)
    jpeg = next(name for name in stored if name.endswith(".jpg"))
    assert payload["report"]["photoUrls"] == [f"/media/{original[0]}", f"/media/{jpeg}"]
    # A retry finds the report resolved, and stores nothing new.
    again = await multipart(
        client,
        RESOLVE_WITH_PHOTOS,
        action,
        [("late.jpg", JPEG + b"late", "image/jpeg")],
        token=manager,
    )
    assert errors_of(again) == [("INVALID_TRANSITION", None)]
    assert media_files(tmp_path) == stored
