"""A booking's life: approval and who may decide, cancelling before and after the deadline,
checking in, the jobs that complete, expire and record no-shows, closures, and events."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial

import pytest

from community import booking_jobs, bookings, events, venues
from models import outbox
from models.civic import Notice
from models.enums import BookingStatus
from models.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, SlotTaken
from models.outbox import BOOKING_TOPIC, Change
from models.venues import Booking
from tests.domain.test_venue_rules import refused
from tests.domain.venue_helpers import NOW, at, book, new_venue, people


async def test_a_venue_needing_approval_takes_requests_that_staff_confirm() -> None:
    cast = await people()
    room = await new_venue(cast.admin, requires_approval=True)
    booking = await book(cast.resident, room, at(1, 10), at(1, 11))
    assert booking.status is BookingStatus.REQUESTED
    waiting = await bookings.awaiting_approval(actor=cast.worker, now=NOW)
    assert [b.id for b in waiting.items] == [booking.id]
    approved = await bookings.approve_booking(actor=cast.worker, booking_id=booking.id, now=NOW)
    assert (approved.status, approved.decided_by_id) == (
        BookingStatus.CONFIRMED,
        cast.worker.user_id,
    )
    assert (await bookings.awaiting_approval(actor=cast.admin, now=NOW)).items == []
    # A retry, and a rejection after the approval, change nothing.
    await refused(
        InvalidTransition,
        lambda: bookings.approve_booking(actor=cast.worker, booking_id=booking.id, now=NOW),
    )
    await refused(
        InvalidTransition,
        lambda: bookings.reject_booking(
            actor=cast.admin, booking_id=booking.id, reason="No", now=NOW
        ),
    )


async def test_a_request_holds_its_time_until_decided_and_a_rejection_frees_it() -> None:
    cast = await people()
    room = await new_venue(cast.admin, requires_approval=True)
    booking = await book(cast.resident, room, at(1, 10), at(1, 11))
    with pytest.raises(SlotTaken):
        await book(cast.neighbour, room, at(1, 10), at(1, 11))
    await refused(
        InvalidInput,
        lambda: bookings.reject_booking(actor=cast.admin, booking_id=booking.id, reason=" "),
        "reason",
    )
    rejected = await bookings.reject_booking(
        actor=cast.admin, booking_id=booking.id, reason="Reserved for the election", now=NOW
    )
    assert (rejected.status, rejected.reject_reason) == (
        BookingStatus.REJECTED,
        "Reserved for the election",
    )
    assert (
        await book(cast.neighbour, room, at(1, 10), at(1, 11))
    ).status is BookingStatus.REQUESTED


async def test_only_venue_staff_decide_and_never_on_their_own_booking() -> None:
    cast = await people()
    room = await new_venue(cast.admin, requires_approval=True)
    booking = await book(cast.resident, room, at(1, 10), at(1, 11))
    for outsider in (cast.neighbour, cast.member, cast.merchant, cast.resident):
        await refused(
            Forbidden,
            partial(bookings.approve_booking, actor=outsider, booking_id=booking.id, now=NOW),
        )
        await refused(
            Forbidden,
            partial(
                bookings.reject_booking, actor=outsider, booking_id=booking.id, reason="No", now=NOW
            ),
        )
        with pytest.raises(Forbidden):
            await bookings.awaiting_approval(actor=outsider, now=NOW)
    own = await book(cast.worker, room, at(1, 12), at(1, 13))
    error = await refused(
        Forbidden, lambda: bookings.approve_booking(actor=cast.worker, booking_id=own.id, now=NOW)
    )
    assert error.message == "Someone else must decide on your own booking."
    assert (
        await bookings.approve_booking(actor=cast.admin, booking_id=own.id, now=NOW)
    ).status is BookingStatus.CONFIRMED
    await refused(
        NotFound,
        lambda: bookings.approve_booking(actor=cast.admin, booking_id=own.id + 99, now=NOW),
        "bookingId",
    )


async def test_a_request_not_approved_before_it_begins_is_rejected_by_the_job() -> None:
    cast = await people()
    room = await new_venue(cast.admin, requires_approval=True)
    booking = await book(cast.resident, room, at(1, 10), at(1, 11))
    await refused(
        InvalidTransition,
        lambda: bookings.approve_booking(actor=cast.admin, booking_id=booking.id, now=at(1, 10, 1)),
    )
    assert await booking_jobs.expire_requests(now=at(1, 9, 59)) == 0
    assert await booking_jobs.expire_requests(now=at(1, 10)) == 1
    await booking.refresh_from_db()
    assert (booking.status, booking.reject_reason) == (
        BookingStatus.REJECTED,
        booking_jobs.NOT_APPROVED_REASON,
    )


# ---------------------------------------------------------------- cancelling


async def test_cancelling_before_the_deadline_is_not_late_and_frees_the_slot() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, cancel_deadline_minutes=120)
    booking = await book(cast.resident, hall, at(1, 10), at(1, 11))
    cancelled = await bookings.cancel_booking(
        actor=cast.resident, booking_id=booking.id, reason="Rain", now=at(1, 8)
    )
    assert (cancelled.status, cancelled.cancelled_late, cancelled.cancel_reason) == (
        BookingStatus.CANCELLED,
        False,
        "Rain",
    )
    assert (
        await book(cast.neighbour, hall, at(1, 10), at(1, 11))
    ).status is BookingStatus.CONFIRMED
    await refused(
        InvalidTransition,
        lambda: bookings.cancel_booking(actor=cast.resident, booking_id=booking.id, now=at(1, 8)),
    )


async def test_cancelling_after_the_deadline_is_late_unless_staff_cancel() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, cancel_deadline_minutes=120)
    first = await book(cast.resident, hall, at(1, 10), at(1, 11))
    late = await bookings.cancel_booking(actor=cast.resident, booking_id=first.id, now=at(1, 8, 1))
    assert late.cancelled_late is True
    second = await book(cast.resident, hall, at(1, 12), at(1, 13))
    by_staff = await bookings.cancel_booking(
        actor=cast.worker, booking_id=second.id, reason="Burst pipe", now=at(1, 11, 30)
    )
    assert (by_staff.status, by_staff.cancelled_late) == (BookingStatus.CANCELLED, False)


async def test_nobody_else_cancels_and_nothing_is_cancelled_once_started() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    booking = await book(cast.resident, hall, at(1, 10), at(1, 11))
    for outsider in (cast.neighbour, cast.member, cast.merchant):
        await refused(
            NotFound,
            partial(bookings.cancel_booking, actor=outsider, booking_id=booking.id, now=NOW),
            "bookingId",
        )
    await refused(
        InvalidTransition,
        lambda: bookings.cancel_booking(actor=cast.resident, booking_id=booking.id, now=at(1, 10)),
    )


# ---------------------------------------------------------------- checking in, no-shows


async def test_the_booker_checks_in_on_site_with_the_venues_code_within_the_window() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, check_in_minutes=15)
    booking = await book(cast.resident, hall, at(1, 10), at(1, 11))
    code = hall.check_in_code
    await refused(
        InvalidInput,
        lambda: bookings.check_in(
            actor=cast.resident,
            booking_id=booking.id,
            code="000000" if code != "000000" else "1",
            now=at(1, 10),
        ),
        "code",
    )
    await refused(
        InvalidInput,
        lambda: bookings.check_in(actor=cast.resident, booking_id=booking.id, now=at(1, 10)),
        "code",
    )
    await refused(
        InvalidInput,
        partial(
            bookings.check_in,
            actor=cast.resident,
            booking_id=booking.id,
            code="签到",
            now=at(1, 10),
        ),
        "code",
    )
    for too_early_or_late in (at(1, 9, 44), at(1, 10, 16)):
        error = await refused(
            InvalidTransition,
            partial(
                bookings.check_in,
                actor=cast.resident,
                booking_id=booking.id,
                code=code,
                now=too_early_or_late,
            ),
        )
        assert error.message == "Check in from 09:45 to 10:15."
    checked = await bookings.check_in(
        actor=cast.resident, booking_id=booking.id, code=code, now=at(1, 9, 45)
    )
    assert (checked.status, checked.checked_in_by_id) == (
        BookingStatus.CHECKED_IN,
        cast.resident.user_id,
    )
    await refused(
        InvalidTransition,
        lambda: bookings.check_in(
            actor=cast.resident, booking_id=booking.id, code=code, now=at(1, 9, 50)
        ),
    )


async def test_staff_check_anyone_in_without_the_code_and_others_cannot() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    booking = await book(cast.resident, hall, at(1, 10), at(1, 11))
    await refused(
        NotFound,
        lambda: bookings.check_in(
            actor=cast.neighbour, booking_id=booking.id, code=hall.check_in_code, now=at(1, 10)
        ),
        "bookingId",
    )
    checked = await bookings.check_in(actor=cast.worker, booking_id=booking.id, now=at(1, 10, 15))
    assert (checked.status, checked.checked_in_by_id) == (
        BookingStatus.CHECKED_IN,
        cast.worker.user_id,
    )
    # Staff checking in their own booking prove they are there like anyone else.
    own = await book(cast.worker, hall, at(1, 12), at(1, 13))
    await refused(
        InvalidInput,
        lambda: bookings.check_in(actor=cast.worker, booking_id=own.id, now=at(1, 12)),
        "code",
    )


async def test_the_jobs_complete_checked_in_bookings_and_record_no_shows() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, check_in_minutes=15)
    shown_up = await book(cast.resident, hall, at(1, 10), at(1, 11))
    missed = await book(cast.neighbour, hall, at(1, 11), at(1, 12))
    await bookings.check_in(actor=cast.worker, booking_id=shown_up.id, now=at(1, 10))
    assert await booking_jobs.run_booking_jobs(now=at(1, 10, 59)) == 0
    assert await booking_jobs.run_booking_jobs(now=at(1, 11)) == 1  # completed
    assert await booking_jobs.run_booking_jobs(now=at(1, 11, 15)) == 0  # still within check-in
    assert await booking_jobs.run_booking_jobs(now=at(1, 11, 16)) == 1  # the no-show
    await shown_up.refresh_from_db()
    await missed.refresh_from_db()
    assert (shown_up.status, missed.status) == (BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
    # The no-show released the rest of its time.
    again = await book(cast.resident, hall, at(1, 11, 30), at(1, 12), now=at(1, 10, 20))
    assert again.status is BookingStatus.CONFIRMED


async def test_the_no_show_job_run_twice_at_once_records_each_no_show_once() -> None:
    cast = await people()
    hall = await new_venue(cast.admin, max_booking_minutes=30, check_in_minutes=5)
    residents = [cast.resident, cast.neighbour, cast.member, cast.merchant, cast.worker]
    made = [
        await book(
            who,
            hall,
            at(1, 8) + timedelta(minutes=30 * n),
            at(1, 8, 30) + timedelta(minutes=30 * n),
        )
        for n, who in enumerate(residents * 4)
    ]
    with outbox.collecting() as changes:
        counts = await asyncio.gather(
            booking_jobs.record_no_shows(now=at(2, 8)), booking_jobs.record_no_shows(now=at(2, 8))
        )
    assert sum(counts) == len(made) == 20
    assert await Booking.filter(status=BookingStatus.NO_SHOW).count() == 20
    assert sorted(c.object_id for c in changes) == sorted(b.id for b in made)
    assert await booking_jobs.record_no_shows(now=at(2, 9)) == 0


# ---------------------------------------------------------------- closures, events


async def test_closing_a_venue_cancels_its_bookings_then_and_tells_their_holders() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    inside = await book(cast.resident, hall, at(2, 10), at(2, 11))
    overlapping = await book(cast.neighbour, hall, at(1, 21), at(1, 22))
    outside = await book(cast.neighbour, hall, at(3, 10), at(3, 11))
    for outsider in (cast.worker, cast.resident):
        await refused(
            Forbidden,
            partial(
                venues.close_venue,
                actor=outsider,
                venue_id=hall.id,
                starts_at=at(1, 21, 30),
                ends_at=at(3, 0),
                reason="X",
            ),
        )
    await refused(
        InvalidInput,
        lambda: venues.close_venue(
            actor=cast.admin, venue_id=hall.id, starts_at=at(3, 0), ends_at=at(1, 0), reason="X"
        ),
        "endsAt",
    )
    with outbox.collecting() as changes:
        closed = await venues.close_venue(
            actor=cast.admin,
            venue_id=hall.id,
            starts_at=at(1, 21, 30),
            ends_at=at(3, 0),
            reason="Roof repairs",
        )
    assert sorted(b.id for b in closed.cancelled) == sorted([inside.id, overlapping.id])
    assert all(b.status is BookingStatus.CANCELLED for b in closed.cancelled)
    assert {b.cancel_reason for b in closed.cancelled} == {f"{hall.name} is closed: Roof repairs"}
    assert sorted(changes, key=lambda c: c.object_id) == sorted(
        [
            Change(BOOKING_TOPIC, cast.resident.user_id, inside.id),
            Change(BOOKING_TOPIC, cast.neighbour.user_id, overlapping.id),
        ],
        key=lambda c: c.object_id,
    )
    await outside.refresh_from_db()
    assert outside.status is BookingStatus.CONFIRMED
    notice = await Notice.get(community_id=cast.admin.community_id)
    assert notice.title == f"{hall.name} closed"
    assert "Roof repairs" in notice.body
    again = await venues.close_venue(
        actor=cast.admin,
        venue_id=hall.id,
        starts_at=at(1, 21, 30),
        ends_at=at(3, 0),
        reason="Roof repairs",
    )
    assert (again.closure.id, again.cancelled) == (closed.closure.id, [])
    assert await Notice.all().count() == 1


async def test_an_event_books_its_venue_like_anyone_else() -> None:
    cast = await people()
    hall = await new_venue(cast.admin)
    event = await events.create_event(
        actor=cast.worker,
        title="Tai chi",
        description="",
        location="Hall",
        starts_at=at(2, 10),
        ends_at=at(2, 11),
        capacity=30,
        points_reward=0,
    )
    await refused(
        Forbidden,
        lambda: book(cast.resident, hall, at(2, 10), at(2, 11), event_id=event.id),
    )
    await refused(
        InvalidInput,
        lambda: book(cast.worker, hall, at(2, 10, 30), at(2, 11), event_id=event.id),
        "startsAt",
    )
    booking = await book(
        cast.worker, hall, at(2, 9, 30), at(2, 11), event_id=event.id, party_size=30
    )
    assert (booking.event_id, booking.status) == (event.id, BookingStatus.CONFIRMED)
    # The same rules: an event's booking takes the time from others, and others' from it.
    with pytest.raises(SlotTaken):
        await book(cast.resident, hall, at(2, 10), at(2, 10, 30))
    small_room = await new_venue(cast.admin, capacity=20)
    await refused(
        InvalidInput,
        lambda: book(
            cast.worker, small_room, at(2, 10), at(2, 11), event_id=event.id, party_size=30
        ),
        "partySize",
    )
