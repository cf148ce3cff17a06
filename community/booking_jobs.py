"""Background jobs of venue booking, safe to run in every replica at once.

Each booking is claimed with a conditional update on its status inside its own transaction,
which also settles the deposit: when two runs race for one booking, one update changes the
row and the other changes nothing and moves on, so no booking is ended (or its deposit
posted) twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from community import booking_deposits
from community.booking_claims import Settle, claim
from community.booking_rules import utc_now
from models.enums import BookingStatus
from models.venues import Booking

NOT_APPROVED_REASON = "Not approved before it began."
BATCH = 200


async def _claim(
    booking: Booking,
    *,
    to: BookingStatus,
    now: datetime,
    settle: Settle | None,
    **columns: object,
) -> bool:
    async with in_transaction():
        return await claim(
            booking,
            held_in=(booking.status,),
            settle=settle,
            actor_id=None,
            status=to,
            finished_at=now,
            **columns,
        )


async def _end_each(
    bookings: list[Booking],
    *,
    to: BookingStatus,
    now: datetime,
    settle: Settle | None,
    **columns: object,
) -> int:
    """Claim each booking in its own transaction; how many this run ended."""
    done = 0
    for booking in bookings:
        done += await _claim(booking, to=to, now=now, settle=settle, **columns)
    return done


_moment = utc_now


async def record_no_shows(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Confirmed bookings nobody checked in by the end of the venue's check-in window: the
    slot is released, a no-show recorded, the deposit posted to the pool."""
    moment = _moment(now)
    candidates = (
        await Booking.filter(status=BookingStatus.CONFIRMED, starts_at__lt=moment)
        .select_related("venue")
        .order_by("starts_at", "id")
        .limit(limit)
    )
    missed = [
        booking
        for booking in candidates
        if booking.starts_at + timedelta(minutes=booking.venue.check_in_minutes) < moment
    ]
    return await _end_each(
        missed, to=BookingStatus.NO_SHOW, now=moment, settle=booking_deposits.forfeit
    )


async def expire_requests(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Requests nobody approved before they began are rejected; their deposits return."""
    moment = _moment(now)
    candidates = (
        await Booking.filter(status=BookingStatus.REQUESTED, starts_at__lte=moment)
        .order_by("starts_at", "id")
        .limit(limit)
    )
    return await _end_each(
        candidates,
        to=BookingStatus.REJECTED,
        now=moment,
        settle=booking_deposits.release,
        reject_reason=NOT_APPROVED_REASON,
    )


async def complete_finished(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Checked-in bookings whose time is over are completed."""
    moment = _moment(now)
    candidates = (
        await Booking.filter(status=BookingStatus.CHECKED_IN, ends_at__lte=moment)
        .order_by("ends_at", "id")
        .limit(limit)
    )
    return await _end_each(candidates, to=BookingStatus.COMPLETED, now=moment, settle=None)


async def run_booking_jobs(*, now: datetime | None = None) -> int:
    """All three, once; how many bookings this run ended."""
    moment = _moment(now)
    return (
        await record_no_shows(now=moment)
        + await expire_requests(now=moment)
        + await complete_finished(now=moment)
    )
