"""The deposit through every ending of a booking: held on booking, posted to the pool on a
no-show or a late cancellation (recorded as DEPOSIT_FORFEITED), voided on every other ending;
the points invariants hold after each, and a refusal moves nothing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest

from community import booking_jobs, bookings, venues
from community.booking_deposits import SOURCE_TYPE
from marketplace.funding import fund_pool
from marketplace.holds import void_stale_holds
from marketplace.ledger import balance_of
from models.actor import Actor
from models.enums import BookingStatus, HoldStatus, PointsReason
from models.errors import InsufficientPoints, SlotTaken
from models.ledger import Entry
from models.points import PointsHold
from models.sql import current_connection
from models.venues import Booking, Venue
from tests import factories
from tests.domain.market_helpers import fund
from tests.domain.points_helpers import assert_points_consistent, points_snapshot, pool_balance
from tests.domain.venue_helpers import NOW, People, at, book, new_venue, people

DEPOSIT = 20
HELD = [PointsReason.HOLD, PointsReason.HOLD]  # the wallet's entry and the escrow's
# What both entries of a settled deposit say: a forfeit is no adjustment.
SETTLED_AS = {
    HoldStatus.POSTED: PointsReason.DEPOSIT_FORFEITED,
    HoldStatus.VOIDED: PointsReason.HOLD_RELEASED,
}


@dataclass
class Setting:
    cast: People
    hall: Venue
    pool_before: int


async def setting(**venue_changes: object) -> Setting:
    """A hall asking a deposit, and a resident (and a neighbour) with 100 points each."""
    cast = await people()
    await fund_pool(actor=cast.admin, amount=1000, memo="Street office grant", idempotency_key="g")
    for who in (cast.resident, cast.neighbour):
        await fund(who, 100, by=cast.admin)
    hall = await new_venue(cast.admin, deposit_points=DEPOSIT, **venue_changes)
    return Setting(cast, hall, await pool_balance(cast.admin.community_id))


async def hold_of(booking: Booking) -> PointsHold:
    await booking.refresh_from_db()
    assert booking.deposit_hold_id is not None
    return await PointsHold.get(id=booking.deposit_hold_id)


async def deposit_reasons(booking: Booking) -> list[PointsReason]:
    """What each entry of the booking's deposit says, in the order they were written."""
    entries = await Entry.filter(
        transfer__source_type=SOURCE_TYPE, transfer__source_id=booking.id
    ).order_by("id")
    return [entry.reason for entry in entries]


def settled(status: HoldStatus) -> list[PointsReason]:
    """A settled deposit's entries: held, then both sides saying how the hold ended."""
    return [*HELD, SETTLED_AS[status], SETTLED_AS[status]]


async def ended(
    s: Setting, booking: Booking, status: HoldStatus, *, balance: int, pool: int
) -> None:
    """The hold ended as `status`, its entries saying why; the resident holds `balance`, the
    pool `pool` more than before; every invariant holds."""
    assert (await hold_of(booking)).status is status
    assert await deposit_reasons(booking) == settled(status)
    assert await balance_of(user_id=booking.booker_id) == balance
    assert await pool_balance(s.cast.admin.community_id) == s.pool_before + pool
    await assert_points_consistent()


async def test_booking_holds_the_deposit() -> None:
    s = await setting()
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    assert booking.deposit_points == DEPOSIT
    hold = await hold_of(booking)
    assert (hold.status, hold.amount, hold.source_type, hold.source_id) == (
        HoldStatus.PENDING,
        DEPOSIT,
        "venue_booking",
        booking.id,
    )
    assert await balance_of(user_id=s.cast.resident.user_id) == 100 - DEPOSIT
    assert await deposit_reasons(booking) == HELD
    await assert_points_consistent()


async def test_an_early_cancellation_returns_the_deposit() -> None:
    s = await setting(cancel_deadline_minutes=120)
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    await bookings.cancel_booking(actor=s.cast.resident, booking_id=booking.id, now=at(1, 7, 59))
    await ended(s, booking, HoldStatus.VOIDED, balance=100, pool=0)
    assert PointsReason.DEPOSIT_FORFEITED not in await deposit_reasons(booking)


async def test_a_late_cancellation_forfeits_the_deposit_to_the_pool() -> None:
    s = await setting(cancel_deadline_minutes=120)
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    await bookings.cancel_booking(actor=s.cast.resident, booking_id=booking.id, now=at(1, 8, 1))
    await ended(s, booking, HoldStatus.POSTED, balance=100 - DEPOSIT, pool=DEPOSIT)


async def test_staff_cancelling_late_returns_the_deposit() -> None:
    s = await setting(cancel_deadline_minutes=120)
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    await bookings.cancel_booking(actor=s.cast.worker, booking_id=booking.id, now=at(1, 9))
    await ended(s, booking, HoldStatus.VOIDED, balance=100, pool=0)


async def test_a_no_show_forfeits_the_deposit() -> None:
    s = await setting(check_in_minutes=15)
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    assert await booking_jobs.record_no_shows(now=at(1, 10, 16)) == 1
    await ended(s, booking, HoldStatus.POSTED, balance=100 - DEPOSIT, pool=DEPOSIT)


async def test_checking_in_returns_the_deposit_and_completion_moves_nothing_more() -> None:
    s = await setting()
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    await bookings.check_in(
        actor=s.cast.resident, booking_id=booking.id, code=s.hall.check_in_code, now=at(1, 10)
    )
    await ended(s, booking, HoldStatus.VOIDED, balance=100, pool=0)
    assert await booking_jobs.complete_finished(now=at(1, 11)) == 1
    await ended(s, booking, HoldStatus.VOIDED, balance=100, pool=0)


async def test_a_rejection_returns_the_deposit() -> None:
    s = await setting(requires_approval=True)
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    await bookings.reject_booking(
        actor=s.cast.worker, booking_id=booking.id, reason="Full", now=NOW
    )
    await ended(s, booking, HoldStatus.VOIDED, balance=100, pool=0)


async def test_a_request_not_approved_in_time_returns_the_deposit() -> None:
    s = await setting(requires_approval=True)
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    assert await booking_jobs.expire_requests(now=at(1, 10)) == 1
    await ended(s, booking, HoldStatus.VOIDED, balance=100, pool=0)


async def test_an_approved_booking_keeps_its_deposit_until_it_ends() -> None:
    s = await setting(requires_approval=True, check_in_minutes=15)
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    await bookings.approve_booking(actor=s.cast.worker, booking_id=booking.id, now=NOW)
    assert (await hold_of(booking)).status is HoldStatus.PENDING
    await booking_jobs.record_no_shows(now=at(1, 10, 30))
    await ended(s, booking, HoldStatus.POSTED, balance=100 - DEPOSIT, pool=DEPOSIT)


async def test_a_closure_returns_the_deposits_of_the_bookings_it_cancels() -> None:
    s = await setting()
    booking = await book(s.cast.resident, s.hall, at(2, 10), at(2, 11))
    await venues.close_venue(
        actor=s.cast.admin, venue_id=s.hall.id, starts_at=at(2, 0), ends_at=at(3, 0), reason="Leak"
    )
    await ended(s, booking, HoldStatus.VOIDED, balance=100, pool=0)


async def test_too_few_points_for_the_deposit_refuses_the_booking_and_moves_nothing() -> None:
    s = await setting()
    poor = s.cast.member  # no points at all
    before = await points_snapshot()
    with pytest.raises(InsufficientPoints) as refused:
        await book(poor, s.hall, at(1, 10), at(1, 11))
    assert refused.value.message.startswith(f"{s.hall.name} asks a deposit of {DEPOSIT} points")
    assert await points_snapshot() == before
    assert await Booking.all().count() == 0
    # The time is still free for someone who can pay.
    assert (await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))).deposit_points == DEPOSIT
    await assert_points_consistent()


async def test_a_hold_that_timed_out_is_not_settled_again() -> None:
    s = await setting(check_in_minutes=15)
    booking = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    hold = await hold_of(booking)
    assert hold.timeout_at == at(2, 11)  # a day after the booking ends
    assert await void_stale_holds(older_than=timedelta(days=30), now=at(2, 11)) == 1
    assert await booking_jobs.record_no_shows(now=at(2, 12)) == 1  # recorded, nothing posted
    await ended(s, booking, HoldStatus.VOIDED, balance=100, pool=0)


async def test_the_no_show_job_run_twice_at_once_forfeits_each_deposit_once() -> None:
    s = await setting(check_in_minutes=15, max_booking_minutes=30)
    made = [
        await book(
            who,
            s.hall,
            at(1, 8) + timedelta(minutes=30 * n),
            at(1, 8, 30) + timedelta(minutes=30 * n),
        )
        for n, who in enumerate([s.cast.resident, s.cast.neighbour] * 3)
    ]
    counts = await asyncio.gather(
        booking_jobs.record_no_shows(now=at(2, 8)), booking_jobs.record_no_shows(now=at(2, 8))
    )
    assert sum(counts) == len(made) == 6
    for booking in made:
        assert (await hold_of(booking)).status is HoldStatus.POSTED
        assert await deposit_reasons(booking) == settled(HoldStatus.POSTED)
    assert await balance_of(user_id=s.cast.resident.user_id) == 100 - 3 * DEPOSIT
    assert await pool_balance(s.cast.admin.community_id) == s.pool_before + 6 * DEPOSIT
    assert await Booking.filter(status=BookingStatus.NO_SHOW).count() == 6
    await assert_points_consistent()


async def test_racing_bookings_of_one_time_hold_one_deposit() -> None:
    s = await setting()
    crowd = [await factories.user(name=f"Resident {n}") for n in range(20)]
    for who in crowd:
        await fund(who, 50, by=s.cast.admin)

    async def attempt(who: Actor) -> Booking | None:
        try:
            return await book(who, s.hall, at(1, 10), at(1, 11))
        except SlotTaken:
            return None

    made = [b for b in await asyncio.gather(*(attempt(who) for who in crowd)) if b is not None]
    assert len(made) == 1
    assert await PointsHold.filter(status=HoldStatus.PENDING).count() == 1
    balances = [await balance_of(user_id=who.user_id) for who in crowd]
    assert sorted(balances) == [50 - DEPOSIT] + [50] * 19
    await assert_points_consistent()


async def test_a_deposit_held_before_0007_is_forfeited_as_such_and_a_settled_one_stays() -> None:
    """Migration 0007 relabels the pending deposits placed as ADJUSTMENT, and only those."""
    s = await setting(check_in_minutes=15)
    pending = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    returned = await book(s.cast.neighbour, s.hall, at(1, 12), at(1, 13))
    await bookings.cancel_booking(actor=s.cast.neighbour, booking_id=returned.id, now=NOW)
    await PointsHold.filter(source_type=SOURCE_TYPE).update(reason=PointsReason.ADJUSTMENT)
    migration = import_module("migrations.0007_deposit_forfeited")
    await migration.relabel_pending_deposits(None, SimpleNamespace(client=current_connection()))
    assert (await hold_of(pending)).reason is PointsReason.DEPOSIT_FORFEITED
    assert (await hold_of(returned)).reason is PointsReason.ADJUSTMENT
    assert await booking_jobs.record_no_shows(now=at(1, 10, 16)) == 1
    await ended(s, pending, HoldStatus.POSTED, balance=100 - DEPOSIT, pool=DEPOSIT)


async def test_undoing_0007_relabels_every_deposit_hold_until_a_forfeit_is_posted() -> None:
    """Code before 0007 cannot read DEPOSIT_FORFEITED: going back relabels the holds (pending
    and voided alike), and is refused, changing nothing, once a forfeit is in the ledger."""
    s = await setting(check_in_minutes=15)
    pending = await book(s.cast.resident, s.hall, at(1, 10), at(1, 11))
    returned = await book(s.cast.neighbour, s.hall, at(1, 12), at(1, 13))
    await bookings.cancel_booking(actor=s.cast.neighbour, booking_id=returned.id, now=NOW)
    migration = import_module("migrations.0007_deposit_forfeited")
    editor = SimpleNamespace(client=current_connection())

    await migration.label_deposits_as_before(None, editor)
    assert (await hold_of(pending)).reason is PointsReason.ADJUSTMENT
    assert (await hold_of(returned)).reason is PointsReason.ADJUSTMENT

    await migration.relabel_pending_deposits(None, editor)
    assert await booking_jobs.record_no_shows(now=at(1, 10, 16)) == 1
    before = await points_snapshot()
    with pytest.raises(RuntimeError, match="cannot be undone"):
        await migration.label_deposits_as_before(None, editor)
    assert (await hold_of(pending)).reason is PointsReason.DEPOSIT_FORFEITED
    assert await points_snapshot() == before
