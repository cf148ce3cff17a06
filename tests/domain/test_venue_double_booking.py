"""No double booking: the application's check for a clear message, and the database's
constraint (PostgreSQL) or trigger (SQLite) as the guarantee, under concurrent requests."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import pytest
from tortoise.exceptions import IntegrityError

from community import bookings, venues
from models.actor import Actor
from models.enums import BookingStatus
from models.errors import InvalidInput, SlotTaken
from models.venues import HOLDING_STATUSES, Booking, Venue
from tests import factories
from tests.domain.venue_helpers import NOW, at, book, new_venue, people


async def residents(count: int) -> list[Actor]:
    return [await factories.user(name=f"Resident {n}") for n in range(count)]


async def attempt(actor: Actor, venue: Venue, offset_minutes: int) -> Booking | SlotTaken:
    starts = at(1, 10) + timedelta(minutes=offset_minutes)
    try:
        return await book(actor, venue, starts, starts + timedelta(hours=1))
    except SlotTaken as error:
        return error


async def test_fifty_concurrent_requests_for_overlapping_times_give_exactly_one_booking() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    crowd = await residents(50)
    # Every request overlaps every other: starts 10:00 or 10:30, an hour each.
    results = await asyncio.gather(
        *(attempt(who, hall, 30 * (n % 2)) for n, who in enumerate(crowd))
    )
    made = [r for r in results if isinstance(r, Booking)]
    assert len(made) == 1
    assert all(isinstance(r, SlotTaken) for r in results if not isinstance(r, Booking))
    assert await Booking.filter(venue_id=hall.id).count() == 1


async def test_concurrent_requests_for_adjacent_slots_all_succeed() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, max_booking_minutes=30)
    crowd = await residents(24)
    slots = [at(1, 8) + timedelta(minutes=30 * n) for n in range(24)]  # 08:00 .. 19:30
    results = await asyncio.gather(
        *(
            book(who, hall, s, s + timedelta(minutes=30))
            for who, s in zip(crowd, slots, strict=True)
        )
    )
    assert sorted(b.starts_at for b in results) == slots
    assert {b.status for b in results} == {BookingStatus.CONFIRMED}


async def test_cancelling_frees_the_slot_for_the_next_request() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    first = await book(cast.resident, hall, at(1, 10), at(1, 11))
    with pytest.raises(SlotTaken):
        await book(cast.neighbour, hall, at(1, 10), at(1, 11))
    await bookings.cancel_booking(actor=cast.resident, booking_id=first.id, now=NOW)
    crowd = await residents(10)
    results = await asyncio.gather(*(attempt(who, hall, 0) for who in crowd))
    assert len([r for r in results if isinstance(r, Booking)]) == 1
    assert await Booking.filter(venue_id=hall.id, status=BookingStatus.CONFIRMED).count() == 1


# ---------------------------------------------------------------- the database's own guard


async def raw(
    venue: Venue,
    user: Actor,
    hour: int,
    hours: int = 1,
    status: BookingStatus = BookingStatus.CONFIRMED,
) -> Booking:
    """A booking row written past every rule of the application."""
    return await Booking.create(
        venue_id=venue.id,
        booker_id=user.user_id,
        starts_at=at(1, hour),
        ends_at=at(1, hour) + timedelta(hours=hours),
        party_size=1,
        purpose="Raw",
        status=status,
    )


async def test_the_database_refuses_an_overlap_that_skips_the_application() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    other_hall = await new_venue(cast.admin)
    await raw(hall, cast.resident, 10, 2)
    for status in (BookingStatus.CONFIRMED, BookingStatus.REQUESTED, BookingStatus.CHECKED_IN):
        with pytest.raises(IntegrityError, match="venue_booking_no_overlap"):
            await raw(hall, cast.neighbour, 11, status=status)
    # Back to back, another venue, and bookings that no longer hold the room are allowed.
    await raw(hall, cast.neighbour, 12)
    await raw(hall, cast.neighbour, 9)
    await raw(other_hall, cast.neighbour, 10)
    for status in (BookingStatus.CANCELLED, BookingStatus.REJECTED, BookingStatus.NO_SHOW):
        await raw(hall, cast.neighbour, 10, status=status)
    assert await Booking.filter(venue_id=hall.id).count() == 6


async def test_the_database_refuses_reviving_a_booking_into_an_overlap() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    await raw(hall, cast.resident, 10)
    cancelled = await raw(hall, cast.neighbour, 10, status=BookingStatus.CANCELLED)
    with pytest.raises(IntegrityError, match="venue_booking_no_overlap"):
        await Booking.filter(id=cancelled.id).update(status=BookingStatus.CONFIRMED)
    await cancelled.refresh_from_db()
    assert cancelled.status is BookingStatus.CANCELLED


async def test_the_database_refuses_a_booking_that_does_not_end_after_it_starts() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    with pytest.raises(IntegrityError, match="booking_ends_after_start"):
        await raw(hall, cast.resident, 10, 0)
    assert await Booking.all().count() == 0


async def test_a_closure_racing_bookings_leaves_none_holding_the_closed_time() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, max_booking_minutes=30)
    crowd = await residents(20)

    async def try_booking(who: Actor, n: int) -> None:
        starts = at(2, 8) + timedelta(minutes=30 * n)
        with contextlib.suppress(InvalidInput):
            await book(who, hall, starts, starts + timedelta(minutes=30))

    closing = venues.close_venue(
        actor=cast.admin, venue_id=hall.id, starts_at=at(2, 0), ends_at=at(3, 0), reason="Flood"
    )
    await asyncio.gather(*(try_booking(who, n) for n, who in enumerate(crowd)), closing)
    holding = await Booking.filter(venue_id=hall.id, status__in=HOLDING_STATUSES).count()
    assert holding == 0
