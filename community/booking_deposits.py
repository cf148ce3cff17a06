"""The deposit: the one place where venue booking touches points.

A venue may ask a points deposit. Booking places a pending hold (marketplace/holds.py) that
moves the deposit from the booker's wallet into the community's escrow, inside the booking's
transaction: a resident short of points cannot book, and a refused booking holds nothing.
The booking's ending settles the hold, in the ending's transaction:

    no-show, late cancellation by the booker     post: the points go to the community's pool
                                                      (reason DEPOSIT_FORFEITED)
    check-in, rejection, early cancellation,     void: the points return to the booker's wallet
    cancellation by staff or by a closure,            (to the lots they came from)
    a request not approved in time

The hold times out a day after the booking ends (void_stale_holds returns it), so a deposit is
never stranded if the jobs stopped; a hold resolved that way is not settled again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace import holds, ledger
from marketplace.ledger import AccountRef
from models.enums import PointsReason
from models.errors import InsufficientPoints, InvalidTransition
from models.venues import Booking, Venue

SOURCE_TYPE = "venue_booking"
# Past the booking's end, by when the no-show job has long settled it.
HOLD_MARGIN = timedelta(days=1)


async def place(*, venue: Venue, booker_id: int, booking_id: int, ends_at: datetime) -> int | None:
    """Hold the venue's deposit on the booker's points; the hold's id, or None for no deposit."""
    if venue.deposit_points <= 0:
        return None
    pool = await ledger.pool_of(community_id=venue.community_id)  # before any wallet is locked
    await ledger.wallet_of(user_id=booker_id, community_id=venue.community_id)
    try:
        hold = await holds.place_hold(
            community_id=venue.community_id,
            debit=AccountRef.wallet(booker_id),
            credit=AccountRef.of(pool),
            amount=venue.deposit_points,
            reason=PointsReason.DEPOSIT_FORFEITED,  # what a post (a forfeit) records
            source_type=SOURCE_TYPE,
            source_id=booking_id,
            idempotency_key=f"{SOURCE_TYPE}:{booking_id}:deposit",
            timeout_at=ends_at + HOLD_MARGIN,
            memo=f"Deposit for {venue.name}"[:200],
            actor_id=booker_id,
        )
    except InsufficientPoints:
        raise InsufficientPoints(
            f"{venue.name} asks a deposit of {venue.deposit_points} points, held until the "
            "booking ends."
        ) from None
    hold_id: int = hold.id
    return hold_id


async def forfeit(*, booking: Booking, actor_id: int | None) -> None:
    """A no-show or a late cancellation: the held points go to the community's pool."""
    if booking.deposit_hold_id is None:
        return
    try:
        await holds.post_hold(hold_id=booking.deposit_hold_id, actor_id=actor_id)
    except InvalidTransition:
        return  # timed out and returned already: nothing is left to forfeit


async def release(*, booking: Booking, actor_id: int | None) -> None:
    """Every other ending: the hold is voided and the points are the booker's again."""
    if booking.deposit_hold_id is None:
        return
    try:
        await holds.void_hold(hold_id=booking.deposit_hold_id, actor_id=actor_id)
    except InvalidTransition:
        return  # timed out and returned already
