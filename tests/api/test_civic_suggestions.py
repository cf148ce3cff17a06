"""Civic work over HTTP: suggestions and notices, double taps, objects by id, photo uploads sent
wrong, and the earning rule capping report points."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from community import events, suggestions
from models.actor import Actor
from models.civic import Notice, Report
from models.enums import ReportCategory
from models.sql import fetch
from tests.api.civic_support import (
    PUBLISH,
    RESOLVE_WITH_PHOTOS,
    REVIEW,
    SIGN_UP,
    SUBMIT,
    SUBMIT_SUGGESTION,
    Refusal,
    an_event,
    assert_refused,
    cast,
    codes,
    errors_of,
    gid,
    media_files,
)
from tests.api.client import GraphQLClient
from tests.harness.snapshots import civic_rows as snapshot
from tests.harness.wallets import balance
from tests.images import PNG

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
    assert anonymous["data"] == {"suggestions": {"edges": []}}  # fails alone, empty
    assert codes(anonymous) == ["UNAUTHENTICATED"]


async def test_suggestions_and_notices_refuse_bad_input(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    cases: list[Refusal] = [
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
    await assert_refused(client, cases)


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
    assert anonymous["data"] == {"notices": {"edges": []}}  # fails alone, empty
    assert codes(anonymous) == ["UNAUTHENTICATED"]


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
            headers={
                "Authorization": f"Bearer {client.token_for(people.reporter)}",
                "Apollo-Require-Preflight": "true",
            },
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
