"""THE DEPOSIT: the one place where venue booking touches points.

A venue may ask a points deposit. It is meant to be a pending hold on the booker's points
(marketplace/holds.py, from the points work): placed when the booking is made, posted to the
community's pool on a no-show or a late cancellation, voided on every other ending.

DEPOSIT NOT BUILT YET: marketplace/holds.py has not landed, so `place` holds nothing and
returns None (the booking records a deposit of 0 points), and `forfeit` / `release` have no
hold to end. Every booking path already calls them at the right moment, inside the booking's
transaction, so wiring the holds in changes only this module.
"""

from __future__ import annotations

from models.venues import Booking, Venue


async def place(*, venue: Venue, booker_id: int, booking_id: int) -> int | None:
    """Hold the venue's deposit on the booker's points; the hold's id, or None for no hold."""
    return None


async def forfeit(*, booking: Booking, actor_id: int | None) -> None:
    """A no-show or a late cancellation: the held points go to the community's pool."""
    return None


async def release(*, booking: Booking, actor_id: int | None) -> None:
    """Every other ending: the hold is voided and the points are the booker's again."""
    return None
