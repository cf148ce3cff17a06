"""Moving a booking on: one conditional update on its status claims it, so of two changes
racing for one booking (two staff, a staff member and a job, two job runs) exactly one moves
it and settles its deposit; the other finds nothing to claim and changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection

from models import outbox
from models.enums import BookingStatus
from models.venues import Booking

Settle = Callable[..., Awaitable[None]]  # booking_deposits.release or .forfeit


async def claim(
    booking: Booking,
    *,
    held_in: Collection[BookingStatus],
    settle: Settle | None,
    actor_id: int | None,
    **columns: object,
) -> bool:
    """Inside the caller's transaction: write `columns` if the booking is still in one of
    `held_in`, settle its deposit and announce the change; False when it had moved on."""
    claimed = await Booking.filter(id=booking.id, status__in=list(held_in)).update(**columns)
    if claimed != 1:
        return False
    if settle is not None:
        await settle(booking=booking, actor_id=actor_id)
    outbox.booking_changed(booker_id=booking.booker_id, booking_id=booking.id)
    return True
