"""Bookings of venues: requested, then confirmed (at once, or by venue staff) or rejected;
cancelled by the booker (late after the venue's cancellation deadline), checked in on site,
completed, or recorded as a no-show by the jobs in community/booking_jobs.py.

The application checks every rule first so the caller gets a clear message; the database's
exclusion constraint (or SQLite trigger) is what guarantees that no two bookings holding a
venue overlap, however many requests race. Every ending of a booking settles its deposit in
community/booking_deposits.py, inside the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeGuard

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from community import booking_deposits, booking_rules
from community.booking_claims import Settle, claim
from community.events import may_organize
from community.venues import (
    CANCELLABLE,
    MAX_REASON_LENGTH,
    closure_over,
    hold_open,
    is_venue_staff,
    require_may_book,
)
from models import outbox
from models.actor import Actor
from models.civic import Event
from models.enums import BookingStatus
from models.errors import (
    BookingBlocked,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    SlotTaken,
)
from models.inputs import optional_text, required_text
from models.paging import Page, keyset_page
from models.venues import HOLDING_STATUSES, Booking, Venue

NO_SHOW_LIMIT = 3
NO_SHOW_PERIOD = timedelta(days=30)
BLOCK_PERIOD = timedelta(days=14)
OVERLAP_CONSTRAINT = "venue_booking_no_overlap"
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE
MAX_PURPOSE_LENGTH = 200
UNDECIDABLE = "Only a requested booking can be approved or rejected."
UNCANCELLABLE = "Only a requested or confirmed booking can be cancelled."
NOT_CHECKABLE = "Only a confirmed booking can be checked in."


_now = booking_rules.utc_now


# ---------------------------------------------------------------- the no-show block


async def blocked_until(*, user_id: int, now: datetime | None = None) -> datetime | None:
    """When the user may book again, if NO_SHOW_LIMIT no-shows within NO_SHOW_PERIOD block them
    now (for BLOCK_PERIOD after the last of them); None when they may book."""
    moment = _now(now)
    since = moment - NO_SHOW_PERIOD - BLOCK_PERIOD
    no_shows = await Booking.filter(
        booker_id=user_id, status=BookingStatus.NO_SHOW, starts_at__gte=since
    ).order_by("starts_at")
    times = [booking.starts_at for booking in no_shows]
    until: datetime | None = None
    for last in range(NO_SHOW_LIMIT - 1, len(times)):
        if times[last] - times[last - NO_SHOW_LIMIT + 1] <= NO_SHOW_PERIOD:
            until = times[last] + BLOCK_PERIOD
    return until if until is not None and until > moment else None


async def _check_not_blocked(actor: Actor, now: datetime) -> None:
    until = await blocked_until(user_id=actor.user_id, now=now)
    if until is not None:
        shown = booking_rules.local(until).strftime("%Y-%m-%d %H:%M")
        raise BookingBlocked(
            f"After {NO_SHOW_LIMIT} no-shows in {NO_SHOW_PERIOD.days} days you may book "
            f"again from {shown}."
        )


# ---------------------------------------------------------------- booking


async def _event_for(actor: Actor, event_id: int, starts: datetime, ends: datetime) -> Event:
    """The event the booking is for: its organizer (or an admin) books, and the booking covers
    the event's time."""
    event = await Event.get_or_none(id=event_id, community_id=actor.community_id)
    if event is None:
        raise NotFound("No such event.", field="eventId")
    if not (actor.is_admin or event.organizer_id == actor.user_id):
        raise Forbidden("Only the event's organizer books a venue for it.")
    if not await may_organize(actor):
        raise Forbidden("You may no longer organise events.")
    if not (starts <= event.starts_at and event.ends_at <= ends):
        raise InvalidInput("The booking must cover the event's time.", field="startsAt")
    return event


async def _check_rules(
    actor: Actor, venue: Venue, starts: datetime, ends: datetime, party_size: int, now: datetime
) -> None:
    """Every rule of the venue, each refusal naming its input."""
    require_may_book(actor, venue)
    await _check_not_blocked(actor, now)
    if not 1 <= party_size <= venue.capacity:
        raise InvalidInput(f"{venue.name} holds 1 to {venue.capacity} people.", field="partySize")
    booking_rules.check_length(venue.slot_minutes, venue.max_booking_minutes, starts, ends)
    booking_rules.check_notice(venue.min_notice_minutes, venue.advance_days, starts, now)
    booking_rules.check_opening_hours(venue.opening_hours, venue.slot_minutes, starts, ends)
    await _check_not_closed(venue, starts, ends)


async def _check_not_closed(venue: Venue, starts: datetime, ends: datetime) -> None:
    closure = await closure_over(venue.id, starts, ends)
    if closure is not None:
        raise InvalidInput(f"{venue.name} is closed then: {closure.reason}", field="startsAt")


async def _holder_of(venue_id: int, starts: datetime, ends: datetime) -> Booking | None:
    return (
        await Booking.filter(
            venue_id=venue_id, status__in=HOLDING_STATUSES, starts_at__lt=ends, ends_at__gt=starts
        )
        .order_by("starts_at")
        .first()
    )


@dataclass(frozen=True, slots=True)
class _Wanted:
    """One booking asked for: who books which venue, when, for how many, why."""

    actor: Actor
    venue: Venue
    starts: datetime
    ends: datetime
    party_size: int
    purpose: str
    event_id: int | None


def _is_retry(booking: Booking | None, wanted: _Wanted) -> TypeGuard[Booking]:
    """A retry: the booker already holds exactly this time of this venue."""
    return (
        booking is not None
        and is_own(wanted.actor, booking)
        and booking.starts_at == wanted.starts
        and booking.ends_at == wanted.ends
    )


async def _insert(wanted: _Wanted) -> Booking:
    venue, booker_id = wanted.venue, wanted.actor.user_id
    status = BookingStatus.REQUESTED if venue.requires_approval else BookingStatus.CONFIRMED
    booking = await Booking.create(
        venue_id=venue.id,
        booker_id=booker_id,
        event_id=wanted.event_id,
        status=status,
        starts_at=wanted.starts,
        ends_at=wanted.ends,
        party_size=wanted.party_size,
        purpose=wanted.purpose,
    )
    hold_id = await booking_deposits.place(
        venue=venue, booker_id=booker_id, booking_id=booking.id, ends_at=wanted.ends
    )
    if hold_id is not None:
        await Booking.filter(id=booking.id).update(
            deposit_hold_id=hold_id, deposit_points=venue.deposit_points
        )
        await booking.refresh_from_db()
    outbox.booking_changed(booker_id=booker_id, booking_id=booking.id)
    return booking


async def book_venue(
    *,
    actor: Actor,
    venue_id: int,
    starts_at: datetime,
    ends_at: datetime,
    party_size: int,
    purpose: str,
    event_id: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book a venue's time: confirmed at once, or requested where the venue needs approval.
    Asking again for the same time of the same venue returns the booking already made."""
    moment = _now(now)
    starts = booking_rules.aware(starts_at, field="startsAt")
    ends = booking_rules.aware(ends_at, field="endsAt")
    what = required_text(purpose, field="purpose", max_length=MAX_PURPOSE_LENGTH)
    venue = await Venue.get_or_none(id=venue_id, community_id=actor.community_id)
    if venue is None:
        raise NotFound("No such venue.", field="venueId")
    wanted = _Wanted(actor, venue, starts, ends, party_size, what, event_id)
    holder = await _holder_of(venue.id, starts, ends)
    if _is_retry(holder, wanted):
        return holder
    await _check_rules(actor, venue, starts, ends, party_size, moment)
    if event_id is not None:
        await _event_for(actor, event_id, starts, ends)
    if holder is not None:
        raise SlotTaken(_taken_message(venue, holder), field="startsAt")
    try:
        return await _insert_once_more_after_a_deadlock(wanted)
    except IntegrityError as error:
        if OVERLAP_CONSTRAINT not in str(error):
            raise
        # Another request took the time between our check and our insert.
        holder = await _holder_of(venue.id, starts, ends)
        if _is_retry(holder, wanted):
            return holder
        message = _taken_message(venue, holder) if holder is not None else None
        raise SlotTaken(message, field="startsAt") from None


async def _insert_checked(wanted: _Wanted) -> Booking:
    async with in_transaction():
        await hold_open(wanted.venue.id)
        # Again, now that no closure can start.
        await _check_not_closed(wanted.venue, wanted.starts, wanted.ends)
        return await _insert(wanted)


async def _insert_once_more_after_a_deadlock(wanted: _Wanted) -> Booking:
    """Two overlapping rows inserted at once can each wait on the other in the exclusion
    constraint's check; PostgreSQL then aborts one. The aborted one tries again, and now meets
    the other's committed row (the constraint's IntegrityError, handled by the caller)."""
    try:
        return await _insert_checked(wanted)
    except Exception as error:
        if getattr(error, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
    return await _insert_checked(wanted)


def _taken_message(venue: Venue, holder: Booking) -> str:
    shown = booking_rules.local(holder.starts_at).strftime("%H:%M")
    until = booking_rules.local(holder.ends_at).strftime("%H:%M")
    return f"{venue.name} is booked from {shown} to {until}."


# ---------------------------------------------------------------- seeing bookings


async def _of_community(actor: Actor, booking_id: int) -> Booking | None:
    return await Booking.filter(id=booking_id, venue__community_id=actor.community_id).first()


async def _in_community(actor: Actor, booking_id: int, *, lock: bool = False) -> Booking:
    booking = await _of_community(actor, booking_id)
    if booking is not None and lock:
        # Only the booking's row: locking through the join would take the venue's too, which
        # closing a venue locks first.
        booking = await Booking.filter(id=booking.id).select_for_update().first()
    if booking is None:
        raise NotFound("No such booking.", field="bookingId")
    return booking


def is_own(actor: Actor, booking: Booking) -> bool:
    return booking.booker_id == actor.user_id


def may_see(actor: Actor, booking: Booking) -> bool:
    """Its booker and venue staff; nobody else learns who booked what."""
    return is_own(actor, booking) or is_venue_staff(actor)


async def get_booking(*, actor: Actor, booking_id: int) -> Booking:
    """A booking the actor may see, else NotFound."""
    booking = await _in_community(actor, booking_id)
    if not may_see(actor, booking):
        raise NotFound("No such booking.", field="bookingId")
    return booking


async def own_booking(*, actor: Actor, booking_id: int) -> Booking | None:
    """The actor's own booking, or None: what bookingUpdated sends and the calendar file
    serves, which venue staff, who may see every booking, get for their own only."""
    booking = await _of_community(actor, booking_id)
    return booking if booking is not None and is_own(actor, booking) else None


async def my_bookings(
    *, actor: Actor, first: int | None = None, after: int | None = None
) -> Page[Booking]:
    """The actor's own bookings, newest first."""
    query = Booking.filter(booker_id=actor.user_id)
    return await keyset_page(query, first=first, after=after, newest_first=True)


async def awaiting_approval(
    *,
    actor: Actor,
    first: int | None = None,
    after: int | None = None,
    now: datetime | None = None,
) -> Page[Booking]:
    """Requested bookings that have not started yet, oldest request first (venue staff)."""
    if not is_venue_staff(actor):
        raise Forbidden("Only venue staff approve bookings.")
    query = Booking.filter(
        venue__community_id=actor.community_id,
        status=BookingStatus.REQUESTED,
        starts_at__gt=_now(now),
    )
    return await keyset_page(query, first=first, after=after, newest_first=False)


# ---------------------------------------------------------------- deciding


async def _moved(
    booking: Booking,
    actor: Actor,
    *,
    refused: str,
    held_in: Collection[BookingStatus],
    settle: Settle | None,
    **columns: object,
) -> Booking:
    """A person's change of the booking (booking_claims.claim); InvalidTransition(refused)
    when a racing change moved it on first."""
    if not await claim(booking, held_in=held_in, settle=settle, actor_id=actor.user_id, **columns):
        raise InvalidTransition(refused)
    await booking.refresh_from_db()
    return booking


async def _decided_by_staff(actor: Actor, booking_id: int) -> Booking:
    if not is_venue_staff(actor):
        raise Forbidden("Only venue staff approve or reject bookings.")
    booking = await _in_community(actor, booking_id, lock=True)
    if is_own(actor, booking):
        raise Forbidden("Someone else must decide on your own booking.")
    if booking.status is not BookingStatus.REQUESTED:
        raise InvalidTransition(UNDECIDABLE)
    return booking


async def approve_booking(*, actor: Actor, booking_id: int, now: datetime | None = None) -> Booking:
    """Confirm a requested booking (venue staff, not the booker)."""
    moment = _now(now)
    async with in_transaction():
        booking = await _decided_by_staff(actor, booking_id)
        if booking.starts_at <= moment:
            raise InvalidTransition("This booking has already started.")
        return await _moved(
            booking,
            actor,
            refused=UNDECIDABLE,
            held_in=(BookingStatus.REQUESTED,),
            settle=None,
            status=BookingStatus.CONFIRMED,
            decided_by_id=actor.user_id,
            decided_at=moment,
        )


async def reject_booking(
    *, actor: Actor, booking_id: int, reason: str, now: datetime | None = None
) -> Booking:
    """Turn a requested booking down with a reason (venue staff, not the booker); its deposit
    returns."""
    moment = _now(now)
    why = required_text(reason, field="reason", max_length=MAX_REASON_LENGTH)
    async with in_transaction():
        booking = await _decided_by_staff(actor, booking_id)
        return await _moved(
            booking,
            actor,
            refused=UNDECIDABLE,
            held_in=(BookingStatus.REQUESTED,),
            settle=booking_deposits.release,
            status=BookingStatus.REJECTED,
            decided_by_id=actor.user_id,
            decided_at=moment,
            reject_reason=why,
            finished_at=moment,
        )


# ---------------------------------------------------------------- cancelling


def is_late(venue: Venue, booking: Booking, now: datetime) -> bool:
    """Past the venue's cancellation deadline: the deposit is forfeited."""
    return now > booking.starts_at - timedelta(minutes=venue.cancel_deadline_minutes)


async def cancel_booking(
    *, actor: Actor, booking_id: int, reason: str | None = None, now: datetime | None = None
) -> Booking:
    """Cancel before the start: by the booker (the deposit is forfeited after the venue's
    deadline, returned before it) or by venue staff (the deposit returns)."""
    moment = _now(now)
    why = optional_text(reason, field="reason", max_length=MAX_REASON_LENGTH)
    async with in_transaction():
        booking = await _in_community(actor, booking_id, lock=True)
        if not may_see(actor, booking):
            raise NotFound("No such booking.", field="bookingId")
        if booking.status not in CANCELLABLE:
            raise InvalidTransition(UNCANCELLABLE)
        if booking.starts_at <= moment:
            raise InvalidTransition("This booking has started: it can no longer be cancelled.")
        venue = await Venue.get(id=booking.venue_id)
        late = is_own(actor, booking) and is_late(venue, booking, moment)
        return await _moved(
            booking,
            actor,
            refused=UNCANCELLABLE,
            held_in=CANCELLABLE,
            settle=booking_deposits.forfeit if late else booking_deposits.release,
            status=BookingStatus.CANCELLED,
            cancelled_at=moment,
            cancel_reason=why,
            cancelled_late=late,
            finished_at=moment,
        )


# ---------------------------------------------------------------- checking in


def check_in_opens(venue: Venue, booking: Booking) -> datetime:
    return booking.starts_at - timedelta(minutes=venue.check_in_minutes)


def check_in_closes(venue: Venue, booking: Booking) -> datetime:
    """After this a confirmed booking nobody checked in is a no-show."""
    return booking.starts_at + timedelta(minutes=venue.check_in_minutes)


def _check_presence(actor: Actor, venue: Venue, booking: Booking, code: str | None) -> None:
    """Venue staff check anyone else in; the booker proves they are on site with the code the
    venue shows there."""
    if is_venue_staff(actor) and not is_own(actor, booking):
        return
    if not is_own(actor, booking):
        raise Forbidden()
    given = (code or "").strip().encode()
    if not given or not secrets.compare_digest(given, venue.check_in_code.encode()):
        raise InvalidInput("This is not the check-in code shown at the venue.", field="code")


async def check_in(
    *, actor: Actor, booking_id: int, code: str | None = None, now: datetime | None = None
) -> Booking:
    """Mark a confirmed booking as present, within the venue's window around its start; the
    deposit returns."""
    moment = _now(now)
    async with in_transaction():
        booking = await _in_community(actor, booking_id, lock=True)
        if not may_see(actor, booking):
            raise NotFound("No such booking.", field="bookingId")
        venue = await Venue.get(id=booking.venue_id)
        _check_presence(actor, venue, booking, code)
        if booking.status is not BookingStatus.CONFIRMED:
            raise InvalidTransition(NOT_CHECKABLE)
        opens, closes = check_in_opens(venue, booking), check_in_closes(venue, booking)
        if not opens <= moment <= closes:
            shown = booking_rules.local(opens).strftime("%H:%M")
            until = booking_rules.local(closes).strftime("%H:%M")
            raise InvalidTransition(f"Check in from {shown} to {until}.")
        return await _moved(
            booking,
            actor,
            refused=NOT_CHECKABLE,
            held_in=(BookingStatus.CONFIRMED,),
            settle=booking_deposits.release,
            status=BookingStatus.CHECKED_IN,
            checked_in_at=moment,
            checked_in_by_id=actor.user_id,
        )
