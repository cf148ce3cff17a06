"""Civic work over HTTP: events seat, wait-list, promote and check in; bad input writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from models.actor import Actor
from models.civic import Event
from models.sql import fetch
from tests.api.civic_support import (
    CANCEL_SIGNUP,
    CHECK_IN,
    CREATE_EVENT,
    EVENTS,
    SIGN_UP,
    Refusal,
    an_event,
    assert_refused,
    cast,
    codes,
    errors_of,
    event_input,
    gid,
    iso,
)
from tests.api.client import GraphQLClient
from tests.harness.wallets import balance

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
    assert anonymous["data"] == {"events": {"edges": []}}  # fails alone, empty
    assert codes(anonymous) == ["UNAUTHENTICATED"]


async def test_events_refuse_bad_input_and_write_nothing(
    client: GraphQLClient, tmp_path: Path
) -> None:
    people = await cast(tmp_path)
    upcoming = await an_event(people.worker)
    past = await an_event(people.worker, past=True)
    eid = gid("Event", upcoming)
    start = datetime.now(UTC) + timedelta(days=3)
    cases: list[Refusal] = [
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
    await assert_refused(client, cases)
