"""Venue booking over GraphQL and HTTP: find a free slot, book it, get it confirmed, cancel it
or show up; staff run the venues; bookingUpdated; the booking's .ics file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from community import bookings, venues
from community.booking_rules import COMMUNITY_TZ, local
from gateway import jobs
from marketplace.funding import fund_pool
from models.actor import Actor
from models.enums import BookingStatus, Role, VenueAudience
from models.venues import Booking, Venue
from resolvers.ids import global_id
from tests import factories
from tests.api.client import GraphQLClient, make_client
from tests.api.test_subscriptions import GraphQLWebSocket
from tests.dbsetup import TEST_REDIS_URL
from tests.domain.market_helpers import fund
from tests.domain.points_helpers import assert_points_consistent
from tests.domain.venue_helpers import HALL, every_day
from tests.harness.pubsub import listening
from tests.statements import counting_statements

VENUES = "{ venues { id name slotMinutes openingHours { weekday opens closes overnight } } }"
SLOTS = """
query($venue: ID!, $date: Date!) {
  venueSlots(venueId: $venue, date: $date) { startsAt endsAt state }
}"""
BOOK = """
mutation($venue: ID!, $starts: DateTime!, $ends: DateTime!, $size: Int!) {
  bookVenue(input: {venueId: $venue, startsAt: $starts, endsAt: $ends, partySize: $size,
                    purpose: "Choir"}) {
    booking { id status startsAt endsAt calendarUrl venue { name } booker { displayName } }
    errors { code field message }
  }
}"""
CANCEL = """
mutation($id: ID!) { cancelBooking(input: {bookingId: $id}) {
  booking { status cancelledLate } errors { code field } } }"""
APPROVE = """
mutation($id: ID!) { approveBooking(bookingId: $id) { booking { status } errors { code } } }"""
REJECT = """
mutation($id: ID!, $why: String!) { rejectBooking(input: {bookingId: $id, reason: $why}) {
  booking { status rejectReason } errors { code field } } }"""
CHECK_IN = """
mutation($id: ID!, $code: String) { checkInBooking(input: {bookingId: $id, code: $code}) {
  booking { status checkedInAt } errors { code field } } }"""
AWAITING = "{ bookingsAwaitingApproval { edges { node { id status booker { displayName } } } } }"
MINE = "{ myBookings { edges { node { id status } } } }"
CREATE = """
mutation($input: CreateVenueInput!) { createVenue(input: $input) {
  venue { id name checkInCode openingHours { weekday opens closes overnight } audiences }
  errors { code field message } } }"""


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[GraphQLClient]:
    client = make_client(tmp_path / "media", redis_url=TEST_REDIS_URL, rate_limit_scale=1000)
    yield client
    await client.services.close()


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    day = local(datetime.now(UTC)).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=COMMUNITY_TZ)


def gid(kind: str, pk: int) -> str:
    return global_id(kind, pk)


async def open_hall(admin: Actor, **changes: Any) -> Venue:
    terms = replace(HALL, opening_hours=every_day("00:00", "00:00"), **changes)
    return await venues.create_venue(actor=admin, terms=terms)


async def book(
    live: GraphQLClient, who: Actor, venue: Venue, starts: datetime, hours: float = 1
) -> dict[str, Any]:
    variables = {
        "venue": gid("Venue", venue.id),
        "starts": starts.isoformat(),
        "ends": (starts + timedelta(hours=hours)).isoformat(),
        "size": 4,
    }
    result = await live.execute(BOOK, variables, as_=who)
    payload: dict[str, Any] = result["data"]["bookVenue"]
    return payload


async def test_may_book_says_who_may_book_each_venue(live: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Wang Fang")
    merchant = await factories.user(Role.MERCHANT, name="Shopkeeper")
    await open_hall(admin)
    staff_only = frozenset({VenueAudience.GRID_STAFF, VenueAudience.MERCHANT})
    await open_hall(admin, name="Meeting room", audiences=staff_only)
    assert not venues.may_book(None, await Venue.get(name="Meeting room"))

    async def may_book(who: Actor) -> dict[str, bool]:
        listed = await live.execute("{ venues { name mayBook } }", as_=who)
        return {venue["name"]: venue["mayBook"] for venue in listed["data"]["venues"]}

    assert await may_book(resident) == {"Community hall": True, "Meeting room": False}
    assert await may_book(merchant) == {"Community hall": True, "Meeting room": True}
    assert await may_book(admin) == {"Community hall": True, "Meeting room": True}


async def test_a_resident_finds_a_free_slot_books_it_and_cancels_it(live: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Wang Fang")
    neighbour = await factories.user(name="Li Lei")
    hall = await open_hall(admin, slot_minutes=60)
    listed = await live.execute(VENUES, as_=resident)
    assert [v["name"] for v in listed["data"]["venues"]] == ["Community hall"]
    assert listed["data"]["venues"][0]["openingHours"][0] == {
        "weekday": "MONDAY",
        "opens": "00:00",
        "closes": "00:00",
        "overnight": False,
    }
    day = {"venue": gid("Venue", hall.id), "date": tomorrow_at(0).date().isoformat()}
    slots = (await live.execute(SLOTS, day, as_=resident))["data"]["venueSlots"]
    assert len(slots) == 24 and {s["state"] for s in slots} == {"FREE"}

    booked = await book(live, resident, hall, tomorrow_at(10))
    assert booked["errors"] == []
    booking = booked["booking"]
    assert (booking["status"], booking["venue"], booking["booker"]) == (
        "CONFIRMED",
        {"name": "Community hall"},
        {"displayName": "Wang Fang"},
    )
    assert datetime.fromisoformat(booking["startsAt"]) == tomorrow_at(10)
    # The neighbour sees the slot taken, and nothing of who took it.
    slots = (await live.execute(SLOTS, day, as_=neighbour))["data"]["venueSlots"]
    assert [s["state"] for s in slots][9:12] == ["FREE", "TAKEN", "FREE"]
    assert set(slots[10]) == {"startsAt", "endsAt", "state"}
    refused = await book(live, neighbour, hall, tomorrow_at(10, 0), hours=2)
    assert (refused["booking"], [e["code"] for e in refused["errors"]]) == (None, ["SLOT_TAKEN"])
    mine = await live.execute(MINE, as_=resident)
    assert [e["node"]["id"] for e in mine["data"]["myBookings"]["edges"]] == [booking["id"]]
    assert (await live.execute(MINE, as_=neighbour))["data"]["myBookings"]["edges"] == []

    cancelled = await live.execute(CANCEL, {"id": booking["id"]}, as_=resident)
    assert cancelled["data"]["cancelBooking"] == {
        "booking": {"status": "CANCELLED", "cancelledLate": False},
        "errors": [],
    }
    again = await live.execute(CANCEL, {"id": booking["id"]}, as_=resident)
    assert again["data"]["cancelBooking"]["errors"] == [
        {"code": "INVALID_TRANSITION", "field": None}
    ]
    assert (await book(live, neighbour, hall, tomorrow_at(10)))["booking"]["status"] == "CONFIRMED"


async def test_bad_input_gets_a_clear_error_and_writes_nothing(live: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Resident")
    hall = await open_hall(admin, max_booking_minutes=120)
    cases = [
        (tomorrow_at(10, 15), 1, "startsAt"),
        (tomorrow_at(10), 3, "endsAt"),
        (tomorrow_at(10) + timedelta(days=30), 1, "startsAt"),
        (datetime.now(UTC) - timedelta(hours=3), 1, "startsAt"),
    ]
    for starts, hours, field in cases:
        payload = await book(live, resident, hall, starts.replace(second=0, microsecond=0), hours)
        assert payload["booking"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", field)]
        assert payload["errors"][0]["message"]
    unknown = await live.execute(
        BOOK,
        {
            "venue": "nonsense",
            "starts": tomorrow_at(10).isoformat(),
            "ends": tomorrow_at(11).isoformat(),
            "size": 2,
        },
        as_=resident,
    )
    assert unknown["data"]["bookVenue"]["errors"][0]["code"] == "NOT_FOUND"
    assert await Booking.all().count() == 0


async def test_creating_a_venue_over_graphql(live: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    worker = await factories.user(Role.GRID_WORKER, name="Worker")
    resident = await factories.user(name="Resident")
    terms = {
        "name": "阅览室",
        "location": "2号楼",
        "capacity": 20,
        "slotMinutes": 60,
        "maxBookingMinutes": 180,
        "advanceDays": 7,
        "minNoticeMinutes": 30,
        "cancelDeadlineMinutes": 60,
        "checkInMinutes": 15,
        "openingHours": [{"weekday": "SATURDAY", "opens": "18:00", "closes": "01:00"}],
        "audiences": ["RESIDENT", "GRID_STAFF"],
    }
    created = await live.execute(CREATE, {"input": terms}, as_=admin)
    venue = created["data"]["createVenue"]["venue"]
    assert venue["openingHours"] == [
        {"weekday": "SATURDAY", "opens": "18:00", "closes": "01:00", "overnight": True}
    ]
    assert (
        sorted(venue["audiences"]) == ["GRID_STAFF", "RESIDENT"] and len(venue["checkInCode"]) == 6
    )
    bad = await live.execute(
        CREATE,
        {
            "input": {
                **terms,
                "name": "Other",
                "openingHours": [{"weekday": "MONDAY", "opens": "8 am", "closes": "12:00"}],
            }
        },
        as_=admin,
    )
    assert bad["data"]["createVenue"]["errors"][0]["field"] == "openingHours"
    refused = await live.execute(CREATE, {"input": {**terms, "name": "Mine"}}, as_=worker)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    seen = await live.execute("{ venues { checkInCode } }", as_=resident)
    assert seen["data"]["venues"] == [{"checkInCode": None}]
    assert await Venue.all().count() == 1


async def test_approval_over_graphql_and_the_booker_hears_of_it(live: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    worker = await factories.user(Role.GRID_WORKER, name="Worker")
    resident = await factories.user(name="Resident")
    room = await open_hall(admin, requires_approval=True)
    first = (await book(live, resident, room, tomorrow_at(9)))["booking"]
    second = (await book(live, resident, room, tomorrow_at(11)))["booking"]
    assert (first["status"], second["status"]) == ("REQUESTED", "REQUESTED")
    refused = await live.execute(AWAITING, as_=resident)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    waiting = await live.execute(AWAITING, as_=worker)
    assert [e["node"]["id"] for e in waiting["data"]["bookingsAwaitingApproval"]["edges"]] == [
        first["id"],
        second["id"],
    ]
    own = await live.execute(APPROVE, {"id": first["id"]}, as_=resident)
    assert own["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    channel = f"booking:{resident.user_id}"
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init(live.token_for(resident))
        await ws.subscribe("1", "subscription { bookingUpdated { id status rejectReason } }")
        await listening(live.services, channel)
        approved = await live.execute(APPROVE, {"id": first["id"]}, as_=worker)
        assert approved["data"]["approveBooking"] == {
            "booking": {"status": "CONFIRMED"},
            "errors": [],
        }
        heard = await ws.receive()
        assert heard["payload"]["data"]["bookingUpdated"] == {
            "id": first["id"],
            "status": "CONFIRMED",
            "rejectReason": None,
        }
        no_reason = await live.execute(REJECT, {"id": second["id"], "why": ""}, as_=admin)
        assert no_reason["data"]["rejectBooking"]["errors"] == [
            {"code": "INVALID_INPUT", "field": "reason"}
        ]
        rejected = await live.execute(REJECT, {"id": second["id"], "why": "Meeting"}, as_=admin)
        assert rejected["data"]["rejectBooking"]["booking"] == {
            "status": "REJECTED",
            "rejectReason": "Meeting",
        }
        heard = await ws.receive()
        assert heard["payload"]["data"]["bookingUpdated"]["rejectReason"] == "Meeting"


async def test_the_booker_checks_in_with_the_code_shown_on_site(live: GraphQLClient) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Resident")
    hall = await open_hall(admin, min_notice_minutes=0, check_in_minutes=60)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    starts = now + timedelta(minutes=30 - now.minute % 30)  # the next half hour
    booked = (await book(live, resident, hall, starts))["booking"]
    wrong = await live.execute(CHECK_IN, {"id": booked["id"], "code": "nope"}, as_=resident)
    assert wrong["data"]["checkInBooking"]["errors"] == [{"code": "INVALID_INPUT", "field": "code"}]
    done = await live.execute(
        CHECK_IN, {"id": booked["id"], "code": hall.check_in_code}, as_=resident
    )
    assert done["data"]["checkInBooking"]["booking"]["status"] == "CHECKED_IN"


async def test_the_calendar_file_is_the_bookers_with_the_token_in_the_header(
    live: GraphQLClient,
) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Resident")
    neighbour = await factories.user(name="Neighbour")
    hall = await open_hall(admin)
    booked = (await book(live, resident, hall, tomorrow_at(10)))["booking"]
    url = booked["calendarUrl"]
    async with live.http() as http:
        mine = await http.get(url, headers={"Authorization": f"Bearer {live.token_for(resident)}"})
        assert mine.status_code == 200
        assert mine.headers["content-type"] == "text/calendar; charset=utf-8"
        text = mine.text
        start = tomorrow_at(10).strftime("%Y%m%dT%H%M%S")
        assert f"DTSTART;TZID=Asia/Shanghai:{start}" in text
        assert "SUMMARY:Community hall: Choir" in text and "STATUS:CONFIRMED" in text
        others = await http.get(
            url, headers={"Authorization": f"Bearer {live.token_for(neighbour)}"}
        )
        assert others.status_code == 404
        missing = await http.get(url)
        assert missing.status_code == 401
        assert missing.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        bad = await http.get(url, headers={"Authorization": "Bearer not-a-token"})
        assert (bad.status_code, bad.headers["www-authenticate"]) == (
            401,
            'Bearer error="invalid_token"',
        )
        in_url = await http.get(f"{url}?access_token={live.token_for(resident)}")
        assert in_url.status_code == 400
        huge = await http.get(
            "/venues/bookings/99999999999999999999.ics",
            headers={"Authorization": f"Bearer {live.token_for(resident)}"},
        )
        assert huge.status_code == 404


async def test_fifty_concurrent_http_requests_for_overlapping_times_make_one_booking(
    live: GraphQLClient,
) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    hall = await open_hall(admin)
    crowd = [await factories.user(name=f"Resident {n}") for n in range(50)]
    results = await asyncio.gather(
        *(book(live, who, hall, tomorrow_at(10, 30 * (n % 2))) for n, who in enumerate(crowd))
    )
    made = [r for r in results if r["booking"] is not None]
    assert len(made) == 1
    assert sorted({e["code"] for r in results for e in r["errors"]}) == ["SLOT_TAKEN"]
    assert await Booking.filter(venue_id=hall.id, status=BookingStatus.CONFIRMED).count() == 1
    assert await bookings.blocked_until(user_id=crowd[0].user_id) is None


async def test_the_gateways_jobs_record_a_no_show_and_the_booker_hears_it(
    live: GraphQLClient,
) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Resident")
    hall = await open_hall(admin)
    starts = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
    starts -= timedelta(minutes=starts.minute % 30)
    booking = await bookings.book_venue(
        actor=resident,
        venue_id=hall.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        party_size=2,
        purpose="Forgotten",
        now=starts - timedelta(days=1),
    )
    async with GraphQLWebSocket(live.app) as ws:
        await ws.init(live.token_for(resident))
        await ws.subscribe("1", "subscription { bookingUpdated { id status } }")
        await listening(live.services, f"booking:{resident.user_id}")
        done = await jobs.run_once(live.services)
        assert done["venue_bookings"] == 1
        heard = await ws.receive()
        assert heard["payload"]["data"]["bookingUpdated"] == {
            "id": gid("Booking", booking.id),
            "status": "NO_SHOW",
        }
    assert (await jobs.run_once(live.services))["venue_bookings"] == 0


MY_BOOKINGS_DEEP = """{ myBookings(first: 50) { edges { node { id status checkInOpensAt
  venue { name checkInCode closures { reason } } booker { displayName } event { title } } } } }"""


async def _statements_for_bookings(live: GraphQLClient, count: int) -> int:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name=f"Admin {count}")
    resident = await factories.user(name=f"Resident {count}")
    halls = [await open_hall(admin, name=f"Hall {count}-{n}") for n in range(3)]
    for n in range(count):
        await book(live, resident, halls[n % 3], tomorrow_at(8) + timedelta(hours=n))
    with counting_statements() as statements:
        result = await live.execute(MY_BOOKINGS_DEEP, as_=resident)
    assert len(result["data"]["myBookings"]["edges"]) == count
    return len(statements)


async def test_my_bookings_cost_the_same_statements_for_three_or_fifteen(
    live: GraphQLClient,
) -> None:
    assert await _statements_for_bookings(live, 3) == await _statements_for_bookings(live, 15)


async def test_a_deposit_over_graphql_needs_the_points_and_returns_on_check_in(
    live: GraphQLClient,
) -> None:
    admin = await factories.user(Role.COMMUNITY_ADMIN, name="Admin")
    resident = await factories.user(name="Resident")
    poor = await factories.user(name="Poor")
    await fund_pool(actor=admin, amount=500, memo="Grant", idempotency_key="grant")
    await fund(resident, 50, by=admin)
    hall = await open_hall(admin, deposit_points=30, min_notice_minutes=0, check_in_minutes=60)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    starts = now + timedelta(minutes=30 - now.minute % 30)
    refused = await book(live, poor, hall, starts)
    assert refused["booking"] is None
    assert [e["code"] for e in refused["errors"]] == ["INSUFFICIENT_POINTS"]
    booked = await book(live, resident, hall, starts)
    assert booked["errors"] == []
    me = "{ me { pointsBalance } myBookings { edges { node { depositPoints } } } }"
    seen = (await live.execute(me, as_=resident))["data"]
    assert seen["me"]["pointsBalance"] == 20
    assert seen["myBookings"]["edges"] == [{"node": {"depositPoints": 30}}]
    done = await live.execute(
        CHECK_IN, {"id": booked["booking"]["id"], "code": hall.check_in_code}, as_=resident
    )
    assert done["data"]["checkInBooking"]["errors"] == []
    assert (await live.execute(me, as_=resident))["data"]["me"]["pointsBalance"] == 50
    await assert_points_consistent()
