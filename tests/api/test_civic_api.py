"""Civic work over HTTP: reports, service levels, events, suggestions and notices. Who may
call each mutation, refusals that write nothing (uploads included), retries, and who reads what."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from community import events, report_workflow, reports, suggestions
from marketplace import merchants
from models.actor import Actor
from models.civic import Event, Notice, Report
from models.enums import ReportCategory, Role
from models.grid import MicroGrid
from models.ledger import Account
from models.sql import fetch
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient, make_client
from tests.dbsetup import TEST_REDIS_URL

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


@pytest.fixture
def client(tmp_path: Path) -> GraphQLClient:
    """The app as tests/api/conftest.py makes it (Redis on the second run), with rate limits
    scaled out of the way: their windows in the shared Redis outlive a test, and the user ids
    they count by start again at 1 in every test."""
    return make_client(tmp_path / "media", redis_url=TEST_REDIS_URL, rate_limit_scale=1_000)


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
        rid, worker = report.id, self.worker
        if status == "REJECTED":
            await report_workflow.reject_report(actor=worker, report_id=rid, note="Not ours")
        if status in ("ACCEPTED", "DISPATCHED", "RESOLVED", "VERIFIED"):
            await report_workflow.accept_report(actor=worker, report_id=rid)
        if status in ("DISPATCHED", "RESOLVED", "VERIFIED"):
            await report_workflow.dispatch_report(
                actor=worker, report_id=rid, assignee_id=self.manager.user_id
            )
        if status in ("RESOLVED", "VERIFIED"):
            await report_workflow.resolve_report(
                actor=self.manager, report_id=rid, note="Fixed", media_dir=self.media
            )
        if status == "VERIFIED":
            await report_workflow.verify_report(actor=worker, report_id=rid)
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
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "description": "  "}},
            ("INVALID_INPUT", "description"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "description": "x" * 2001}},
            ("INVALID_INPUT", "description"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "address": "x" * 201}},
            ("INVALID_INPUT", "address"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "latitude": 91.0, "longitude": 104.0}},
            ("INVALID_INPUT", "latitude"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "latitude": 30.6}},
            ("INVALID_INPUT", "longitude"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "microGridId": gid("MicroGrid", 999)}},
            ("NOT_FOUND", "microGridId"),
        ),
        (
            people.reporter,
            SUBMIT,
            {"input": {**base, "microGridId": "nonsense"}},
            ("NOT_FOUND", "microGridId"),
        ),
        (
            homeless,
            SUBMIT,
            {"input": {**base, "microGridId": None}},
            ("INVALID_INPUT", "microGridId"),
        ),
        (people.worker, ACCEPT, {"id": accepted}, ("INVALID_TRANSITION", None)),
        (people.worker, ACCEPT, {"id": gid("Report", 999)}, ("NOT_FOUND", "reportId")),
        (people.worker, ACCEPT, {"id": "nonsense"}, ("NOT_FOUND", "reportId")),
        (people.worker, DISPATCH, {"id": submitted, "to": manager}, ("INVALID_TRANSITION", None)),
        (
            people.worker,
            DISPATCH,
            {"id": accepted, "to": gid("User", people.neighbour.user_id)},
            ("INVALID_INPUT", "assigneeId"),
        ),
        (
            people.worker,
            DISPATCH,
            {"id": accepted, "to": gid("User", 999)},
            ("INVALID_INPUT", "assigneeId"),
        ),
        (
            people.worker,
            DISPATCH,
            {"id": accepted, "to": gid("MicroGrid", people.grid)},
            ("NOT_FOUND", "assigneeId"),
        ),
        (people.manager, RESOLVE, {"id": dispatched}, ("INVALID_INPUT", "note")),
        (people.manager, RESOLVE, {"id": dispatched, "note": "   "}, ("INVALID_INPUT", "note")),
        (
            people.manager,
            RESOLVE,
            {"id": dispatched, "note": "x" * 2001},
            ("INVALID_INPUT", "note"),
        ),
        (people.manager, RESOLVE, {"id": submitted, "note": "Done"}, ("NOT_FOUND", "reportId")),
        (people.worker, VERIFY, {"id": submitted}, ("INVALID_TRANSITION", None)),
        (people.worker, VERIFY, {"id": verified}, ("INVALID_TRANSITION", None)),
        (people.worker, REJECT, {"id": submitted}, ("INVALID_INPUT", "note")),
        (people.worker, REJECT, {"id": dispatched, "note": "No"}, ("INVALID_TRANSITION", None)),
        (people.worker, ESCALATE, {"id": rejected}, ("INVALID_TRANSITION", None)),
        (people.worker, ESCALATE, {"id": verified}, ("INVALID_TRANSITION", None)),
        (people.admin, SET_LEVEL, {"category": "NOISE", "hours": 0}, ("INVALID_INPUT", "hours")),
        (people.admin, SET_LEVEL, {"category": "NOISE", "hours": -3}, ("INVALID_INPUT", "hours")),
        (
            people.admin,
            SET_LEVEL,
            {"category": "NOISE", "hours": 720.5},
            ("INVALID_INPUT", "hours"),
        ),
    ]
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


# ---------------------------------------------------------------- the report workflow


TIMELINE = """
query($id: ID!) { node(id: $id) { ... on Report {
  status pointsAwarded overdue assignee { displayName }
  timeline { fromStatus toStatus note actor { displayName } }
} } }"""


async def test_an_escalated_report_goes_to_the_admins_and_is_verified_once(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    rid = gid("Report", await people.report())
    member = gid("User", people.member.user_id)
    escalated = await client.execute(
        ESCALATE, {"id": rid, "note": "Needs the property company"}, as_=people.worker
    )
    assert escalated["data"]["escalateReport"] == {"report": {"status": "ESCALATED"}, "errors": []}
    not_theirs = await client.execute(DISPATCH, {"id": rid, "to": member}, as_=people.worker)
    assert not_theirs["data"] is None and codes(not_theirs) == ["FORBIDDEN"]
    dispatched = await client.execute(
        DISPATCH, {"id": rid, "to": member, "note": "Please look"}, as_=people.admin
    )
    assert dispatched["data"]["dispatchReport"] == {
        "report": {"status": "DISPATCHED", "assignee": {"displayName": "Member"}},
        "errors": [],
    }
    again = await client.execute(DISPATCH, {"id": rid, "to": member}, as_=people.admin)
    assert errors_of(again) == [("INVALID_TRANSITION", None)]
    resolved = await client.execute(RESOLVE, {"id": rid, "note": "Replaced"}, as_=people.member)
    assert resolved["data"]["resolveReport"] == {"report": {"status": "RESOLVED"}, "errors": []}
    own_work = await client.execute(VERIFY, {"id": rid}, as_=people.member)
    assert own_work["data"] is None and codes(own_work) == ["FORBIDDEN"]
    for attempt in range(2):
        verified = await client.execute(VERIFY, {"id": rid, "note": "OK"}, as_=people.worker)
        expected = (
            {"report": {"status": "VERIFIED"}, "errors": []}
            if attempt == 0
            else {"report": None, "errors": [{"code": "INVALID_TRANSITION", "field": None}]}
        )
        assert verified["data"]["verifyReport"] == expected
    seen = await client.execute(TIMELINE, {"id": rid}, as_=people.reporter)
    assert seen["data"]["node"] == {
        "status": "VERIFIED",
        "pointsAwarded": 10,
        "overdue": False,
        "assignee": {"displayName": "Member"},
        "timeline": [
            {
                "fromStatus": None,
                "toStatus": "SUBMITTED",
                "note": None,
                "actor": {"displayName": "Reporter"},
            },
            {
                "fromStatus": "SUBMITTED",
                "toStatus": "ESCALATED",
                "note": "Needs the property company",
                "actor": {"displayName": "Worker"},
            },
            {
                "fromStatus": "ESCALATED",
                "toStatus": "DISPATCHED",
                "note": "Please look",
                "actor": {"displayName": "Admin"},
            },
            {
                "fromStatus": "DISPATCHED",
                "toStatus": "RESOLVED",
                "note": "Replaced",
                "actor": {"displayName": "Member"},
            },
            {
                "fromStatus": "RESOLVED",
                "toStatus": "VERIFIED",
                "note": "OK",
                "actor": {"displayName": "Worker"},
            },
        ],
    }
    assert await balance(people.reporter) == 10
    credits = await fetch(
        "SELECT COUNT(*) AS n FROM points_transfer t JOIN account a ON a.id = t.credit_account_id "
        "WHERE a.user_id = ?",
        people.reporter.user_id,
    )
    assert credits == [{"n": 1}]  # the report's hold, posted once


async def test_a_dispute_settled_on_the_spot_and_a_rejected_report(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    dispute = gid("Report", await people.report(category=ReportCategory.DISPUTE))
    for query, actor, note, status in (
        (ACCEPT, people.member, None, "ACCEPTED"),
        (RESOLVE, people.member, "Both agreed on the parking spot", "RESOLVED"),
        (VERIFY, people.worker, None, "VERIFIED"),
    ):
        done = await client.execute(query, {"id": dispute, "note": note}, as_=actor)
        (payload,) = done["data"].values()
        assert payload == {"report": {"status": status}, "errors": []}, query
    assert await balance(people.reporter) == 10

    noise = gid("Report", await people.report(category=ReportCategory.NOISE))
    for attempt in range(2):
        rejected = await client.execute(
            REJECT, {"id": noise, "note": "Not in our grid"}, as_=people.worker
        )
        assert rejected["data"]["rejectReport"] == (
            {"report": {"status": "REJECTED"}, "errors": []}
            if attempt == 0
            else {"report": None, "errors": [{"code": "INVALID_TRANSITION", "field": None}]}
        )
    seen = await client.execute(TIMELINE, {"id": noise}, as_=people.reporter)
    assert seen["data"]["node"]["timeline"][-1] == {
        "fromStatus": "SUBMITTED",
        "toStatus": "REJECTED",
        "note": "Not in our grid",
        "actor": {"displayName": "Worker"},
    }
    assert seen["data"]["node"]["pointsAwarded"] == 0
    assert await balance(people.reporter) == 10


async def test_the_reporter_may_escalate_an_overdue_report(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    report = await people.report("ACCEPTED")
    rid = gid("Report", report)
    early = await client.execute(ESCALATE, {"id": rid}, as_=people.reporter)
    assert early["data"] is None and codes(early) == ["FORBIDDEN"]
    await Report.filter(id=report.id).update(due_at=datetime.now(UTC) - timedelta(minutes=1))
    assert (await client.execute(TIMELINE, {"id": rid}, as_=people.reporter))["data"]["node"][
        "overdue"
    ] is True
    escalated = await client.execute(
        ESCALATE, {"id": rid, "note": "Still dark"}, as_=people.reporter
    )
    assert escalated["data"]["escalateReport"] == {"report": {"status": "ESCALATED"}, "errors": []}
    again = await client.execute(ESCALATE, {"id": rid, "note": "Still dark"}, as_=people.reporter)
    assert errors_of(again) == [("INVALID_TRANSITION", None)]


async def test_service_levels_are_set_by_admins_and_set_the_next_deadlines(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    defaults = [
        {"category": "SAFETY_HAZARD", "hours": 1.0},
        {"category": "SANITATION", "hours": 24.0},
        {"category": "FACILITY", "hours": 24.0},
        {"category": "DISPUTE", "hours": 24.0},
        {"category": "NOISE", "hours": 24.0},
        {"category": "OTHER", "hours": 24.0},
    ]
    levels = "{ serviceLevels { category hours } }"
    assert (await client.execute(levels, as_=people.reporter))["data"]["serviceLevels"] == defaults
    anonymous = await client.execute(levels)
    assert anonymous["data"] is None and codes(anonymous) == ["UNAUTHENTICATED"]
    changed = [
        {**level, "hours": 4.5} if level["category"] == "NOISE" else level for level in defaults
    ]
    for hours in (2, 4.5):
        result = await client.execute(
            SET_LEVEL, {"category": "NOISE", "hours": hours}, as_=people.admin
        )
        assert result["data"]["setServiceLevel"]["errors"] == []
    assert result["data"]["setServiceLevel"]["serviceLevels"] == changed
    assert await fetch("SELECT category, hours FROM service_level") == [
        {"category": "NOISE", "hours": 4.5}
    ]
    assert (await client.execute(levels, as_=people.reporter))["data"]["serviceLevels"] == changed

    submitted = await client.execute(
        SUBMIT,
        {"input": {"category": "NOISE", "description": "Drilling at night"}},
        as_=people.reporter,
    )
    assert submitted["data"]["submitReport"]["errors"] == []
    report = await Report.get(description="Drilling at night")
    assert report.due_at is not None and report.micro_grid_id == people.grid.id
    assert report.due_at - report.created_at == timedelta(hours=4.5)


# ---------------------------------------------------------------- who sees which report


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("reporter", ["mine"]),
        ("neighbour", ["neighbours"]),
        ("rider", ["elsewhere"]),
        ("member", ["mine", "neighbours"]),
        ("worker", ["mine", "neighbours"]),
        ("other_worker", ["elsewhere"]),
        ("manager", ["neighbours"]),
        ("admin", ["mine", "neighbours", "elsewhere"]),
    ],
)
async def test_reports_lists_what_each_role_may_see(
    client: GraphQLClient, tmp_path: Path, who: str, sees: list[str]
) -> None:
    people = await cast(tmp_path)
    rider = await factories.user(Role.MOBILE_REPORTER, name="Rider")
    await people.report(description="mine")
    await people.report(
        "DISPATCHED",
        category=ReportCategory.NOISE,
        description="neighbours",
        reporter=people.neighbour,
    )
    await reports.submit_report(
        actor=rider,
        category=ReportCategory.SAFETY_HAZARD,
        description="elsewhere",
        micro_grid_id=people.other_grid.id,
        media_dir=people.media,
    )
    viewer = rider if who == "rider" else getattr(people, who)
    listed = await client.execute(REPORTS, as_=viewer)
    names = [edge["node"]["description"] for edge in listed["data"]["reports"]["edges"]]
    # Staff get a queue, oldest first; residents their own, newest first.
    assert names == (
        sees if who in ("member", "worker", "manager", "admin", "other_worker") else sees[::-1]
    )
    for description, report in [(r.description, r) for r in await Report.all()]:
        node = await client.execute(TIMELINE, {"id": gid("Report", report)}, as_=viewer)
        assert (node["data"]["node"] is not None) is (description in sees), description
    dispatched = await client.execute(REPORTS, {"status": "DISPATCHED"}, as_=viewer)
    expected = ["neighbours"] if "neighbours" in sees else []
    assert [e["node"]["description"] for e in dispatched["data"]["reports"]["edges"]] == expected


async def test_reports_pages_and_refuses_nobody(client: GraphQLClient, tmp_path: Path) -> None:
    people = await cast(tmp_path)
    for n in range(3):
        await people.report(description=f"Report {n}")
    first = await client.execute(REPORTS, {"first": 2}, as_=people.worker)
    page = first["data"]["reports"]
    assert [e["node"]["description"] for e in page["edges"]] == ["Report 0", "Report 1"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await client.execute(
        REPORTS, {"first": 2, "after": page["pageInfo"]["endCursor"]}, as_=people.worker
    )
    assert [e["node"]["description"] for e in rest["data"]["reports"]["edges"]] == ["Report 2"]
    assert rest["data"]["reports"]["pageInfo"]["hasNextPage"] is False
    anonymous = await client.execute(REPORTS)
    assert anonymous["data"] is None and codes(anonymous) == ["UNAUTHENTICATED"]
    # Staff see who reported, but not their wallet or phone.
    query = "{ reports { edges { node { reporter { displayName phone pointsBalance } } } } }"
    seen = await client.execute(query, as_=people.worker)
    assert seen["data"]["reports"]["edges"][0]["node"]["reporter"] == {
        "displayName": "Reporter",
        "phone": None,
        "pointsBalance": None,
    }


# ---------------------------------------------------------------- events


async def test_events_seat_wait_promote_and_check_in(client: GraphQLClient, tmp_path: Path) -> None:
    people = await cast(tmp_path)
    created = await client.execute(CREATE_EVENT, {"input": event_input()}, as_=people.worker)
    assert created["data"]["createEvent"] == {
        "event": {
            "title": "Courtyard clean-up",
            "location": "Courtyard 1",
            "capacity": 2,
            "pointsReward": 15,
            "confirmedCount": 0,
            "waitlistCount": 0,
            "organizer": {"displayName": "Worker"},
            "viewerSignup": None,
        },
        "errors": [],
    }
    event = await Event.get(title="Courtyard clean-up")
    eid = gid("Event", event)
    statuses = []
    for person in (people.reporter, people.neighbour, people.member):
        signed = await client.execute(SIGN_UP, {"id": eid}, as_=person)
        statuses.append(signed["data"]["signUpForEvent"]["signup"]["status"])
    assert statuses == ["CONFIRMED", "CONFIRMED", "WAITLISTED"]
    assert signed["data"]["signUpForEvent"]["signup"]["event"] == {
        "confirmedCount": 2,
        "waitlistCount": 1,
    }
    first = await client.execute(SIGN_UP, {"id": eid}, as_=people.reporter)
    again = await client.execute(SIGN_UP, {"id": eid}, as_=people.reporter)
    assert again == first
    assert first["data"]["signUpForEvent"]["signup"]["status"] == "CONFIRMED"
    assert await fetch("SELECT COUNT(*) AS n FROM event_signup") == [{"n": 3}]

    async def viewed_by(actor: Actor) -> dict[str, Any]:
        listed = await client.execute(EVENTS, as_=actor)
        (edge,) = listed["data"]["events"]["edges"]
        node: dict[str, Any] = edge["node"]
        return node

    assert await viewed_by(people.reporter) == {
        "title": "Courtyard clean-up",
        "confirmedCount": 2,
        "waitlistCount": 1,
        "viewerSignup": {"status": "CONFIRMED"},
    }
    assert (await viewed_by(people.member))["viewerSignup"] == {"status": "WAITLISTED"}
    assert (await viewed_by(people.admin))["viewerSignup"] is None

    # The reporter leaves: the first person waiting takes the seat.
    left = await client.execute(CANCEL_SIGNUP, {"id": eid}, as_=people.reporter)
    assert left["data"]["cancelEventSignup"] == {
        "signup": {
            "id": first["data"]["signUpForEvent"]["signup"]["id"],
            "status": "CANCELLED",
            "event": {"confirmedCount": 2, "waitlistCount": 0},
        },
        "errors": [],
    }
    twice = await client.execute(CANCEL_SIGNUP, {"id": eid}, as_=people.reporter)
    assert errors_of(twice) == [("INVALID_TRANSITION", None)]
    assert (await viewed_by(people.member))["viewerSignup"] == {"status": "CONFIRMED"}
    assert (await viewed_by(people.reporter))["viewerSignup"] == {"status": "CANCELLED"}

    member = {"event": eid, "user": gid("User", people.member.user_id)}
    checked = await client.execute(CHECK_IN, member, as_=people.worker)
    assert checked["data"]["checkInAttendee"] == {
        "signup": {"status": "ATTENDED", "user": {"displayName": "Member"}},
        "errors": [],
    }
    repeated = await client.execute(CHECK_IN, member, as_=people.admin)
    assert errors_of(repeated) == [("INVALID_TRANSITION", None)]
    assert await balance(people.member) == 15
    cancelled = {"event": eid, "user": gid("User", people.reporter.user_id)}
    assert errors_of(await client.execute(CHECK_IN, cancelled, as_=people.worker)) == [
        ("INVALID_TRANSITION", None)
    ]
    stranger = {"event": eid, "user": gid("User", people.manager.user_id)}
    assert errors_of(await client.execute(CHECK_IN, stranger, as_=people.worker)) == [
        ("NOT_FOUND", "userId")
    ]
    # Signing up again after cancelling joins the back of the queue.
    back = await client.execute(SIGN_UP, {"id": eid}, as_=people.reporter)
    assert back["data"]["signUpForEvent"]["signup"]["status"] == "WAITLISTED"
    assert (
        back["data"]["signUpForEvent"]["signup"]["id"]
        == left["data"]["cancelEventSignup"]["signup"]["id"]
    )
    assert await viewed_by(people.admin) == {
        "title": "Courtyard clean-up",
        "confirmedCount": 2,
        "waitlistCount": 1,
        "viewerSignup": None,
    }
    anonymous = await client.execute(EVENTS)
    assert anonymous["data"] is None and codes(anonymous) == ["UNAUTHENTICATED"]


async def test_events_refuse_bad_input_and_write_nothing(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    upcoming = await an_event(people.worker)
    past = await an_event(people.worker, past=True)
    eid = gid("Event", upcoming)
    start = datetime.now(UTC) + timedelta(days=3)
    cases: list[tuple[Actor, str, dict[str, Any], tuple[str, str | None]]] = [
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(title=" ")},
            ("INVALID_INPUT", "title"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(title="x" * 101)},
            ("INVALID_INPUT", "title"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(location="")},
            ("INVALID_INPUT", "location"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(description="x" * 5001)},
            ("INVALID_INPUT", "description"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(startsAt=iso(start), endsAt=iso(start))},
            ("INVALID_INPUT", "endsAt"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(startsAt="2099-01-01T10:00:00")},
            ("INVALID_INPUT", "startsAt"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(capacity=0)},
            ("INVALID_INPUT", "capacity"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(capacity=10_001)},
            ("INVALID_INPUT", "capacity"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(pointsReward=-1)},
            ("INVALID_INPUT", "pointsReward"),
        ),
        (
            people.worker,
            CREATE_EVENT,
            {"input": event_input(pointsReward=1001)},
            ("INVALID_INPUT", "pointsReward"),
        ),
        (people.reporter, SIGN_UP, {"id": gid("Event", 999)}, ("NOT_FOUND", "eventId")),
        (people.reporter, SIGN_UP, {"id": "nonsense"}, ("NOT_FOUND", "eventId")),
        (people.reporter, SIGN_UP, {"id": gid("Event", past)}, ("INVALID_TRANSITION", None)),
        (people.reporter, CANCEL_SIGNUP, {"id": eid}, ("NOT_FOUND", "eventId")),
        (
            people.worker,
            CHECK_IN,
            {"event": eid, "user": gid("User", people.reporter.user_id)},
            ("NOT_FOUND", "userId"),
        ),
        (people.worker, CHECK_IN, {"event": eid, "user": "nonsense"}, ("NOT_FOUND", "userId")),
        (
            people.worker,
            CHECK_IN,
            {"event": gid("Event", 999), "user": gid("User", people.reporter.user_id)},
            ("NOT_FOUND", "eventId"),
        ),
    ]
    before = await snapshot()
    for actor, query, variables, expected in cases:
        result = await client.execute(query, variables, as_=actor)
        assert errors_of(result) == [expected], variables
        (payload,) = result["data"].values()
        assert next(value for key, value in payload.items() if key != "errors") is None
    assert await snapshot() == before


# ---------------------------------------------------------------- suggestions and notices


async def test_suggestions_are_reviewed_once_and_adoption_pays(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    submitted = await client.execute(
        SUBMIT_SUGGESTION, {"title": "  More benches ", "body": "By the gate"}, as_=people.reporter
    )
    assert submitted["data"]["submitSuggestion"] == {
        "suggestion": {
            "title": "More benches",
            "body": "By the gate",
            "status": "SUBMITTED",
            "pointsAwarded": 0,
            "reviewNote": None,
            "author": {"displayName": "Reporter"},
        },
        "errors": [],
    }
    await client.execute(
        SUBMIT_SUGGESTION, {"title": "Bike shed", "body": "Covered"}, as_=people.neighbour
    )
    benches, shed = [
        gid("Suggestion", row["id"]) for row in await fetch("SELECT id FROM suggestion ORDER BY id")
    ]
    listing = """
    query($status: SuggestionStatus) { suggestions(status: $status) { edges { node {
      title status author { displayName pointsBalance }
    } } } }"""

    async def titles(status: str | None, actor: Actor = people.neighbour) -> list[str]:
        listed = await client.execute(listing, {"status": status}, as_=actor)
        return [edge["node"]["title"] for edge in listed["data"]["suggestions"]["edges"]]

    assert await titles(None) == ["Bike shed", "More benches"]
    assert await titles("SUBMITTED") == ["Bike shed", "More benches"]
    listed = await client.execute(listing, {"status": None}, as_=people.neighbour)
    # Participation is public; the authors' wallets are not.
    assert [e["node"]["author"] for e in listed["data"]["suggestions"]["edges"]] == [
        {"displayName": "Neighbour", "pointsBalance": 0},
        {"displayName": "Reporter", "pointsBalance": None},
    ]

    adopted = await client.execute(
        REVIEW, {"id": benches, "decision": "ADOPT", "note": "Ordered six"}, as_=people.admin
    )
    assert adopted["data"]["reviewSuggestion"] == {
        "suggestion": {"status": "ADOPTED", "pointsAwarded": 20, "reviewNote": "Ordered six"},
        "errors": [],
    }
    for decision in ("ADOPT", "DECLINE"):
        again = await client.execute(
            REVIEW, {"id": benches, "decision": decision}, as_=people.admin
        )
        assert errors_of(again) == [("INVALID_TRANSITION", None)]
    assert await balance(people.reporter) == 20
    declined = await client.execute(REVIEW, {"id": shed, "decision": "DECLINE"}, as_=people.admin)
    assert declined["data"]["reviewSuggestion"]["suggestion"] == {
        "status": "DECLINED",
        "pointsAwarded": 0,
        "reviewNote": None,
    }
    assert await balance(people.neighbour) == 0
    assert await titles("ADOPTED") == ["More benches"]
    assert await titles("DECLINED") == ["Bike shed"]
    anonymous = await client.execute(listing)
    assert anonymous["data"] is None and codes(anonymous) == ["UNAUTHENTICATED"]


async def test_suggestions_and_notices_refuse_bad_input(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    cases: list[tuple[Actor, str, dict[str, Any], tuple[str, str]]] = [
        (
            people.reporter,
            SUBMIT_SUGGESTION,
            {"title": " ", "body": "x"},
            ("INVALID_INPUT", "title"),
        ),
        (
            people.reporter,
            SUBMIT_SUGGESTION,
            {"title": "x" * 101, "body": "x"},
            ("INVALID_INPUT", "title"),
        ),
        (people.reporter, SUBMIT_SUGGESTION, {"title": "x", "body": ""}, ("INVALID_INPUT", "body")),
        (
            people.reporter,
            SUBMIT_SUGGESTION,
            {"title": "x", "body": "x" * 5001},
            ("INVALID_INPUT", "body"),
        ),
        (
            people.admin,
            REVIEW,
            {"id": gid("Suggestion", 999), "decision": "ADOPT"},
            ("NOT_FOUND", "suggestionId"),
        ),
        (
            people.admin,
            REVIEW,
            {"id": "nonsense", "decision": "ADOPT"},
            ("NOT_FOUND", "suggestionId"),
        ),
        (
            people.admin,
            PUBLISH,
            {"kind": "JOB", "title": "", "body": "x"},
            ("INVALID_INPUT", "title"),
        ),
        (
            people.admin,
            PUBLISH,
            {"kind": "JOB", "title": "x" * 101, "body": "x"},
            ("INVALID_INPUT", "title"),
        ),
        (
            people.worker,
            PUBLISH,
            {"kind": "JOB", "title": "x", "body": "  "},
            ("INVALID_INPUT", "body"),
        ),
        (
            people.worker,
            PUBLISH,
            {"kind": "JOB", "title": "x", "body": "x" * 10_001},
            ("INVALID_INPUT", "body"),
        ),
    ]
    before = await snapshot()
    for actor, query, variables, expected in cases:
        result = await client.execute(query, variables, as_=actor)
        assert errors_of(result) == [expected], variables
        (payload,) = result["data"].values()
        assert next(value for key, value in payload.items() if key != "errors") is None
    assert await snapshot() == before


async def test_notices_are_published_by_staff_and_read_by_kind(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    published = []
    for actor, kind, title in (
        (people.admin, "ANNOUNCEMENT", "Water off on Friday"),
        (people.worker, "JOB", "Security guard wanted"),
        (people.admin, "POLICY", "Bulky waste rules"),
        (people.worker, "JOB", "Cleaner wanted"),
    ):
        done = await client.execute(
            PUBLISH, {"kind": kind, "title": title, "body": "Details"}, as_=actor
        )
        published.append(done["data"]["publishNotice"])
    assert published[1] == {
        "notice": {
            "kind": "JOB",
            "title": "Security guard wanted",
            "body": "Details",
            "author": {"displayName": "Worker"},
        },
        "errors": [],
    }
    query = """
    query($kind: NoticeKind) {
      notices(kind: $kind) { edges { node { kind title author { displayName } } } }
    }"""
    everything = await client.execute(query, {"kind": None}, as_=people.reporter)
    assert [e["node"]["title"] for e in everything["data"]["notices"]["edges"]] == [
        "Cleaner wanted",
        "Bulky waste rules",
        "Security guard wanted",
        "Water off on Friday",
    ]
    jobs = await client.execute(query, {"kind": "JOB"}, as_=people.reporter)
    assert jobs["data"]["notices"]["edges"] == [
        {"node": {"kind": "JOB", "title": "Cleaner wanted", "author": {"displayName": "Worker"}}},
        {
            "node": {
                "kind": "JOB",
                "title": "Security guard wanted",
                "author": {"displayName": "Worker"},
            }
        },
    ]
    activities = await client.execute(query, {"kind": "ACTIVITY"}, as_=people.reporter)
    assert activities["data"]["notices"]["edges"] == []
    anonymous = await client.execute(query)
    assert anonymous["data"] is None and codes(anonymous) == ["UNAUTHENTICATED"]


async def test_a_double_tap_signs_up_once(client: GraphQLClient, tmp_path: Path) -> None:
    people = await cast(tmp_path)
    event = await an_event(people.worker, capacity=1)
    taps = await asyncio.gather(
        *(
            client.execute(SIGN_UP, {"id": gid("Event", event)}, as_=people.reporter)
            for _ in range(4)
        )
    )
    assert all(result == taps[0] for result in taps)
    assert taps[0]["data"]["signUpForEvent"]["signup"]["status"] == "CONFIRMED"
    assert await fetch("SELECT status FROM event_signup") == [{"status": "CONFIRMED"}]
    assert await fetch("SELECT confirmed_count FROM community_event") == [{"confirmed_count": 1}]


async def test_signups_suggestions_and_notices_by_id(client: GraphQLClient, tmp_path: Path) -> None:
    people = await cast(tmp_path)
    event = await an_event(people.worker)
    signup = await events.sign_up(actor=people.reporter, event_id=event.id)
    suggestion = await suggestions.submit_suggestion(
        actor=people.reporter, title="Benches", body="x"
    )
    published = await client.execute(
        PUBLISH, {"kind": "ACTIVITY", "title": "Dumplings", "body": "Sunday"}, as_=people.admin
    )
    assert published["data"]["publishNotice"]["errors"] == []
    query = """
    query($id: ID!) { node(id: $id) {
      ... on EventSignup { status user { displayName } event { title } }
      ... on Suggestion { title author { displayName } }
      ... on Notice { title kind }
    } }"""
    signup_id = {"id": gid("EventSignup", signup)}
    expected = {
        "status": "CONFIRMED",
        "user": {"displayName": "Reporter"},
        "event": {"title": "Courtyard clean-up"},
    }
    # A signup is seen by its person, the organizer and admins.
    for viewer, sees in (
        (people.reporter, True),
        (people.worker, True),
        (people.admin, True),
        (people.neighbour, False),
        (people.other_worker, False),
        (None, False),
    ):
        seen = await client.execute(query, signup_id, as_=viewer)
        assert seen == {"data": {"node": expected if sees else None}}, viewer
    # Suggestions and notices are public to the community, never to nobody.
    for node_id, shown in (
        (
            gid("Suggestion", suggestion),
            {"title": "Benches", "author": {"displayName": "Reporter"}},
        ),
        (
            gid("Notice", await Notice.get(title="Dumplings")),
            {"title": "Dumplings", "kind": "ACTIVITY"},
        ),
    ):
        assert (await client.execute(query, {"id": node_id}, as_=people.neighbour))["data"] == {
            "node": shown
        }
        assert (await client.execute(query, {"id": node_id}))["data"] == {"node": None}
    for field in ("reports", "events", "suggestions", "notices"):
        listed = await client.execute(
            "query($after: String) { " + field + "(after: $after) { edges { cursor } } }",
            {"after": "not-a-cursor"},
            as_=people.worker,
        )
        assert listed["data"] is None and codes(listed) == ["INVALID_INPUT"], field


@pytest.mark.parametrize("photos", [["not a file"], [{"name": "a.png"}], [12]])
async def test_photos_sent_as_plain_values_are_refused(
    client: GraphQLClient, tmp_path: Path, photos: list[Any]
) -> None:
    people = await cast(tmp_path)
    dispatched = gid("Report", await people.report("DISPATCHED"))
    before = await snapshot()
    submitted = await client.execute(
        SUBMIT,
        {"input": {"category": "NOISE", "description": "Loud", "photos": photos}},
        as_=people.reporter,
    )
    assert submitted == {
        "data": {
            "submitReport": {
                "report": None,
                "errors": [{"code": "INVALID_INPUT", "field": "photos"}],
            }
        }
    }
    resolved = await client.execute(
        RESOLVE_WITH_PHOTOS,
        {"input": {"reportId": dispatched, "note": "Fixed", "photos": photos}},
        as_=people.manager,
    )
    assert errors_of(resolved) == [("INVALID_INPUT", "photos")]
    assert await snapshot() == before
    assert media_files(tmp_path) == []


async def test_a_photo_missing_from_the_multipart_map_is_a_shown_error(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    operations = {
        "query": SUBMIT,
        "variables": {"input": {"category": "NOISE", "description": "x", "photos": [None, None]}},
    }
    async with client.http() as http:
        response = await http.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.input.photos.0"]}),
            },
            files={"0": ("a.png", PNG, "image/png")},
            headers={"Authorization": f"Bearer {client.token_for(people.reporter)}"},
        )
    result = response.json()
    assert media_files(tmp_path) == [] and await Report.all().count() == 0
    assert result.get("data") is None
    (error,) = result["errors"]
    assert error["message"] == (
        "Variable '$input' has invalid value at .photos[1]: "
        "Expected value of non-null type 'Upload!' not to be None."
    )
    assert "extensions" not in error or error["extensions"].get("code") != "INTERNAL_SERVER_ERROR"


async def test_the_earning_rule_set_over_the_api_caps_a_days_report_points(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    rule = {"reason": "REPORT_VERIFIED", "points": 10, "cap": 15}
    set_rule = (
        "mutation($reason: PointsReason!, $points: Int!, $cap: Int) { setEarningRule(input: "
        "{reason: $reason, points: $points, dailyCap: $cap}) { errors { code } } }"
    )
    assert await client.execute(set_rule, rule, as_=people.admin) == {
        "data": {"setEarningRule": {"errors": []}}
    }
    categories = (ReportCategory.NOISE, ReportCategory.SANITATION, ReportCategory.OTHER)
    resolved = [await people.report("RESOLVED", category=category) for category in categories]
    repeat = await people.report("RESOLVED", category=ReportCategory.NOISE)
    verify = """
    mutation($id: ID!) { verifyReport(input: {reportId: $id}) {
      report { pointsAwarded likelyDuplicate } errors { code }
    } }"""
    awarded = []
    for report in [*resolved, repeat]:
        done = await client.execute(verify, {"id": gid("Report", report)}, as_=people.worker)
        awarded.append(done["data"]["verifyReport"]["report"])
    assert awarded == [
        {"pointsAwarded": 10, "likelyDuplicate": False},
        {"pointsAwarded": 5, "likelyDuplicate": False},
        {"pointsAwarded": 0, "likelyDuplicate": False},
        {"pointsAwarded": 0, "likelyDuplicate": True},
    ]
    assert await balance(people.reporter) == 15
