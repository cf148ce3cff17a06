"""Venue booking rules, each both ways: the refusal names its input and writes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from community import bookings, venues
from community.booking_rules import COMMUNITY_TZ, day_hours, weekly_hours
from models.actor import Actor
from models.enums import BookingStatus, VenueAudience
from models.errors import (
    AlreadyExists,
    BookingBlocked,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    SlotTaken,
)
from models.venues import Booking, Venue
from tests.domain.venue_helpers import HALL, NOW, at, book, every_day, new_venue, people, snapshot


async def refused(
    error: type[DomainError], call: Callable[[], Awaitable[Any]], field: str | None = None
) -> DomainError:
    """The call raises `error` (on `field`), and no booking or closure changed."""
    before = await snapshot()
    with pytest.raises(error) as caught:
        await call()
    assert caught.value.field == field, caught.value.message
    assert await snapshot() == before
    return caught.value


async def test_a_free_slot_is_confirmed_at_once_and_asking_again_returns_it() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    booking = await book(cast.resident, hall, at(1, 10), at(1, 12))
    assert booking.status is BookingStatus.CONFIRMED
    assert (booking.starts_at, booking.ends_at) == (at(1, 10), at(1, 12))
    again = await book(cast.resident, hall, at(1, 10), at(1, 12))
    assert again.id == booking.id
    assert await Booking.all().count() == 1


async def test_opening_hours_both_ways() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    assert (await book(cast.resident, hall, at(1, 8), at(1, 9))).status is BookingStatus.CONFIRMED
    assert (await book(cast.resident, hall, at(1, 21), at(1, 22))).starts_at == at(1, 21)
    for starts, ends in ((at(1, 7, 30), at(1, 8, 30)), (at(1, 21, 30), at(1, 22, 30))):
        error = await refused(
            InvalidInput, partial(book, cast.resident, hall, starts, ends), "startsAt"
        )
        assert error.message == "The venue is not open for all of this time."


async def test_a_venue_closed_on_a_weekday_takes_no_booking_that_day() -> None:
    cast = await people()
    weekdays_only = weekly_hours("08:00", "22:00", range(5))
    room = await new_venue(cast.admin, opening_hours=weekdays_only)
    saturday = 5  # NOW is a Monday
    await refused(
        InvalidInput,
        lambda: book(cast.resident, room, at(saturday, 10), at(saturday, 11)),
        "startsAt",
    )
    assert (await book(cast.resident, room, at(4, 10), at(4, 11))).starts_at == at(4, 10)


async def test_slots_are_whole_and_on_the_venues_boundaries() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    await refused(
        InvalidInput, lambda: book(cast.resident, hall, at(1, 10, 15), at(1, 11, 15)), "startsAt"
    )
    await refused(
        InvalidInput, lambda: book(cast.resident, hall, at(1, 10), at(1, 10, 45)), "endsAt"
    )
    await refused(InvalidInput, lambda: book(cast.resident, hall, at(1, 10), at(1, 10)), "endsAt")
    await refused(
        InvalidInput,
        lambda: book(cast.resident, hall, at(1, 10, 0).replace(second=30), at(1, 11)),
        "startsAt",
    )
    await refused(
        InvalidInput,
        lambda: book(cast.resident, hall, at(1, 10).replace(tzinfo=None), at(1, 11)),
        "startsAt",
    )
    assert (await book(cast.resident, hall, at(1, 10, 30), at(1, 11))).ends_at == at(1, 11)


async def test_the_longest_booking_both_ways() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, max_booking_minutes=120)
    error = await refused(
        InvalidInput, lambda: book(cast.resident, hall, at(1, 10), at(1, 12, 30)), "endsAt"
    )
    assert error.message == "Book at most 120 minutes at a time."
    assert (await book(cast.resident, hall, at(1, 10), at(1, 12))).ends_at == at(1, 12)


async def test_minimum_notice_both_ways() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, min_notice_minutes=60)
    # NOW is 09:00: 09:30 is too soon, 10:00 just far enough.
    error = await refused(
        InvalidInput, lambda: book(cast.resident, hall, at(0, 9, 30), at(0, 10)), "startsAt"
    )
    assert error.message == "Book at least 60 minutes before the start."
    assert (await book(cast.resident, hall, at(0, 10), at(0, 10, 30))).starts_at == at(0, 10)


async def test_advance_window_counts_local_days() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, advance_days=7)
    assert (await book(cast.resident, hall, at(7, 21), at(7, 22))).starts_at == at(7, 21)
    error = await refused(
        InvalidInput, lambda: book(cast.resident, hall, at(8, 8), at(8, 9)), "startsAt"
    )
    assert error.message == "Bookings open 7 days ahead: the last day now is 2030-03-11."


async def test_capacity_both_ways() -> None:
    cast = await people()
    room = await new_venue(cast.admin, capacity=12)
    for size in (0, 13, -1):
        await refused(
            InvalidInput,
            partial(book, cast.resident, room, at(1, 10), at(1, 11), party_size=size),
            "partySize",
        )
    assert (await book(cast.resident, room, at(1, 10), at(1, 11), party_size=12)).party_size == 12


async def test_who_may_book_both_ways() -> None:
    cast = await people()
    staff_room = await new_venue(cast.admin, audiences=frozenset({VenueAudience.GRID_STAFF}))
    for outsider in (cast.resident, cast.merchant):
        error = await refused(Forbidden, partial(book, outsider, staff_room, at(1, 10), at(1, 11)))
        assert error.message == f"{staff_room.name} may be booked by grid staff only."
    assert (
        await book(cast.member, staff_room, at(1, 10), at(1, 11))
    ).booker_id == cast.member.user_id
    assert (
        await book(cast.worker, staff_room, at(1, 11), at(1, 12))
    ).booker_id == cast.worker.user_id
    assert (
        await book(cast.admin, staff_room, at(1, 12), at(1, 13))
    ).booker_id == cast.admin.user_id
    shop_room = await new_venue(cast.admin, audiences=frozenset({VenueAudience.MERCHANT}))
    await refused(Forbidden, lambda: book(cast.member, shop_room, at(1, 10), at(1, 11)))
    assert (
        await book(cast.merchant, shop_room, at(1, 10), at(1, 11))
    ).status is BookingStatus.CONFIRMED


async def test_an_overlap_is_refused_and_back_to_back_is_allowed() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    await book(cast.resident, hall, at(1, 10), at(1, 12))
    for starts, ends in (
        (at(1, 11), at(1, 13)),
        (at(1, 9), at(1, 10, 30)),
        (at(1, 10, 30), at(1, 11)),
    ):
        error = await refused(
            SlotTaken, partial(book, cast.neighbour, hall, starts, ends), "startsAt"
        )
        assert error.message == f"{hall.name} is booked from 10:00 to 12:00."
    assert (
        await book(cast.neighbour, hall, at(1, 12), at(1, 13))
    ).status is BookingStatus.CONFIRMED
    assert (await book(cast.neighbour, hall, at(1, 9), at(1, 10))).status is BookingStatus.CONFIRMED
    other = await new_venue(cast.admin)
    assert (await book(cast.neighbour, other, at(1, 10), at(1, 12))).venue_id == other.id


async def test_a_closure_refuses_bookings_in_it_only() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    await venues.close_venue(
        actor=cast.admin, venue_id=hall.id, starts_at=at(2, 0), ends_at=at(3, 0), reason="Repairs"
    )
    error = await refused(
        InvalidInput, lambda: book(cast.resident, hall, at(2, 10), at(2, 11)), "startsAt"
    )
    assert error.message == f"{hall.name} is closed then: Repairs"
    assert (await book(cast.resident, hall, at(1, 21), at(1, 22))).starts_at == at(1, 21)
    assert (await book(cast.resident, hall, at(3, 8), at(3, 9))).starts_at == at(3, 8)


async def _no_shows(venue: Venue, booker: Actor, *days_ago: int) -> None:
    """Hour-long bookings `days_ago` days before NOW that the booker never came to."""
    for days in days_ago:
        await Booking.create(
            venue_id=venue.id,
            booker_id=booker.user_id,
            status=BookingStatus.NO_SHOW,
            starts_at=NOW - timedelta(days=days),
            ends_at=NOW - timedelta(days=days) + timedelta(hours=1),
            party_size=2,
            purpose="Missed",
        )


async def test_three_no_shows_in_thirty_days_block_booking_for_fourteen_days() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    await _no_shows(hall, cast.resident, 25, 10, 2)
    error = await refused(BookingBlocked, lambda: book(cast.resident, hall, at(1, 10), at(1, 11)))
    assert error.message == "After 3 no-shows in 30 days you may book again from 2030-03-16 09:00."
    assert await bookings.blocked_until(user_id=cast.resident.user_id, now=NOW) == NOW + timedelta(
        days=12
    )
    # Others are not blocked, and the block ends after fourteen days.
    assert (
        await book(cast.neighbour, hall, at(1, 10), at(1, 11))
    ).status is BookingStatus.CONFIRMED
    later = NOW + timedelta(days=12)
    assert await bookings.blocked_until(user_id=cast.resident.user_id, now=later) is None
    booked = await book(cast.resident, hall, at(13, 10), at(13, 11), now=later)
    assert booked.status is BookingStatus.CONFIRMED


async def test_two_no_shows_or_three_spread_over_more_than_thirty_days_do_not_block() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    await _no_shows(hall, cast.resident, 40, 9, 2)
    assert await bookings.blocked_until(user_id=cast.resident.user_id, now=NOW) is None
    assert (await book(cast.resident, hall, at(1, 10), at(1, 11))).status is BookingStatus.CONFIRMED


async def test_a_booking_crosses_midnight_only_where_the_venue_is_open_across_it() -> None:
    cast = await people()
    night_court = await new_venue(cast.admin, opening_hours=every_day("18:00", "02:00"))
    booking = await book(cast.resident, night_court, at(1, 23), at(2, 1))
    local_start = booking.starts_at.astimezone(COMMUNITY_TZ)
    local_end = booking.ends_at.astimezone(COMMUNITY_TZ)
    assert (local_start.day, local_start.hour, local_end.day, local_end.hour) == (5, 23, 6, 1)
    await refused(
        InvalidInput, lambda: book(cast.resident, night_court, at(2, 1), at(2, 3)), "startsAt"
    )
    day_hall = await new_venue(cast.admin)  # 08:00-22:00: nothing crosses midnight
    await refused(
        InvalidInput, lambda: book(cast.resident, day_hall, at(1, 23), at(2, 1)), "startsAt"
    )


async def test_days_open_until_midnight_and_from_midnight_join_across_it() -> None:
    cast = await people()
    court = await new_venue(
        cast.admin, opening_hours=every_day("00:00", "00:00"), max_booking_minutes=240
    )
    booking = await book(cast.resident, court, at(1, 22), at(2, 2))
    assert booking.ends_at - booking.starts_at == timedelta(hours=4)


async def test_bad_venue_ids_and_texts() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    await refused(
        NotFound,
        lambda: bookings.book_venue(
            actor=cast.resident,
            venue_id=hall.id + 99,
            starts_at=at(1, 10),
            ends_at=at(1, 11),
            party_size=2,
            purpose="x",
            now=NOW,
        ),
        "venueId",
    )
    await refused(
        InvalidInput,
        lambda: book(cast.resident, hall, at(1, 10), at(1, 11), purpose=" "),
        "purpose",
    )
    await refused(
        InvalidInput,
        lambda: book(cast.resident, hall, at(1, 10), at(1, 11), purpose="x" * 201),
        "purpose",
    )


# ---------------------------------------------------------------- managing venues


async def test_only_admins_manage_venues_and_bad_terms_are_refused() -> None:
    cast = await people()
    for outsider in (cast.worker, cast.resident, cast.member, cast.merchant):
        with pytest.raises(Forbidden):
            await venues.create_venue(actor=outsider, terms=HALL)
    hall = await venues.create_venue(actor=cast.admin, terms=HALL)
    assert len(hall.check_in_code) == 6
    with pytest.raises(AlreadyExists):
        await venues.create_venue(actor=cast.admin, terms=HALL)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"capacity": 0}, "capacity"),
        ({"slot_minutes": 7}, "slotMinutes"),
        ({"max_booking_minutes": 45}, "maxBookingMinutes"),
        ({"advance_days": 91}, "advanceDays"),
        ({"check_in_minutes": 0}, "checkInMinutes"),
        ({"deposit_points": -1}, "depositPoints"),
        ({"audiences": frozenset()}, "audiences"),
        ({"opening_hours": ()}, "openingHours"),
        (
            {"opening_hours": (day_hours(0, "08:00", "12:00"), day_hours(0, "13:00", "14:00"))},
            "openingHours",
        ),
        (
            {"opening_hours": (day_hours(0, "20:00", "10:00"), day_hours(1, "08:00", "12:00"))},
            "openingHours",
        ),
        ({"name": " "}, "name"),
    ]

    for changes, field in bad:
        with pytest.raises(InvalidInput) as caught:
            await venues.create_venue(
                actor=cast.admin, terms=replace(replace(HALL, name="Other"), **changes)
            )
        assert caught.value.field == field, changes
    assert [v.name for v in await venues.list_venues(actor=cast.admin)] == ["Community hall"]


async def test_updating_a_venue_changes_what_is_given_and_keeps_the_rest() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, name="Hall")
    with pytest.raises(Forbidden):
        await venues.update_venue(actor=cast.worker, venue_id=hall.id, changes={"capacity": 5})
    updated = await venues.update_venue(
        actor=cast.admin, venue_id=hall.id, changes={"capacity": 5, "requires_approval": True}
    )
    assert (updated.capacity, updated.requires_approval, updated.slot_minutes) == (5, True, 30)
    with pytest.raises(InvalidInput):
        await venues.update_venue(actor=cast.admin, venue_id=hall.id, changes={"capacity": 0})
    assert (await venues.get_venue(actor=cast.admin, venue_id=hall.id)).capacity == 5


async def test_a_days_slots_show_free_taken_closed_and_unavailable_without_bookers() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, opening_hours=every_day("08:00", "12:00"), slot_minutes=60)
    await book(cast.resident, hall, at(0, 10), at(0, 11))
    await venues.close_venue(
        actor=cast.admin,
        venue_id=hall.id,
        starts_at=at(0, 11),
        ends_at=at(0, 12),
        reason="Cleaning",
    )
    slots = await venues.day_slots(actor=cast.neighbour, venue_id=hall.id, day=NOW.date(), now=NOW)
    assert [(s.starts_at, s.state.value) for s in slots] == [
        (at(0, 8), "UNAVAILABLE"),
        (at(0, 9), "UNAVAILABLE"),
        (at(0, 10), "TAKEN"),
        (at(0, 11), "CLOSED"),
    ]
    tomorrow = await venues.day_slots(
        actor=cast.neighbour, venue_id=hall.id, day=(NOW + timedelta(days=1)).date(), now=NOW
    )
    assert {s.state.value for s in tomorrow} == {"FREE"} and len(tomorrow) == 4
    with pytest.raises(InvalidInput):
        await venues.day_slots(
            actor=cast.neighbour, venue_id=hall.id, day=(NOW + timedelta(days=400)).date(), now=NOW
        )


async def test_an_overnight_window_gives_its_after_midnight_slots_to_the_next_day() -> None:
    cast = await people()
    court = await new_venue(cast.admin, opening_hours=every_day("20:00", "02:00"), slot_minutes=60)
    slots = await venues.day_slots(
        actor=cast.resident, venue_id=court.id, day=(NOW + timedelta(days=1)).date(), now=NOW
    )
    assert [s.starts_at.astimezone(COMMUNITY_TZ).hour for s in slots] == [0, 1, 20, 21, 22, 23]


async def test_times_far_from_now_are_refused_not_overflowed() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    for year in (1, 1999, 2100, 9999):
        starts = at(1, 10).replace(year=year)
        await refused(
            InvalidInput,
            partial(book, cast.resident, hall, starts, starts + timedelta(hours=1)),
            "startsAt",
        )


async def test_the_same_request_sent_twice_at_once_makes_one_booking_for_both() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    first, second = await asyncio.gather(
        book(cast.resident, hall, at(1, 10), at(1, 11)),
        book(cast.resident, hall, at(1, 10), at(1, 11)),
    )
    assert first.id == second.id
    assert await Booking.all().count() == 1
