"""Civic work over HTTP: who may call each mutation; the anonymous and the wrong roles are refused
and nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from community import events, report_workflow, suggestions
from models.actor import Actor
from models.enums import ReportCategory
from tests import factories
from tests.api.civic_support import (
    ACCEPT,
    CANCEL_SIGNUP,
    CHECK_IN,
    CREATE_EVENT,
    DISPATCH,
    ESCALATE,
    PUBLISH,
    REJECT,
    RESOLVE,
    RESOLVE_WITH_PHOTOS,
    REVIEW,
    SET_LEVEL,
    SIGN_UP,
    SUBMIT,
    SUBMIT_SUGGESTION,
    VERIFY,
    an_event,
    cast,
    codes,
    errors_of,
    event_input,
    gid,
    media_files,
    multipart,
)
from tests.api.client import GraphQLClient
from tests.harness import market
from tests.harness.snapshots import civic_rows as snapshot
from tests.images import PNG

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
    await market.awaiting_approval(pending_owner)
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
