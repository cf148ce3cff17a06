"""Venues: who runs and who may book them, their terms, closures, and a day's slots.

Community admins manage venues and close them. Venue staff (admins and full-time grid
workers) approve, reject and check in bookings. Who may book a venue is the venue's own list
of audiences; admins may book any venue.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from community import booking_deposits, booking_rules
from community.booking_rules import DayHours
from community.notices import publish_notice
from models import outbox
from models.actor import Actor
from models.enums import BookingStatus, NoticeKind, Role, VenueAudience
from models.errors import AlreadyExists, Forbidden, InvalidInput, NotFound
from models.inputs import bounded_text, in_range, required_text
from models.sql import fetch, is_postgres
from models.venues import HOLDING_STATUSES, Booking, Venue, VenueClosure

VENUE_STAFF = (Role.COMMUNITY_ADMIN, Role.GRID_WORKER)
AUDIENCE_ROLES = {
    VenueAudience.RESIDENT: (Role.RESIDENT,),
    VenueAudience.GRID_STAFF: (Role.GRID_MEMBER, Role.GRID_WORKER),
    VenueAudience.MERCHANT: (Role.MERCHANT,),
}
AUDIENCE_NAMES = {
    VenueAudience.RESIDENT: "residents",
    VenueAudience.GRID_STAFF: "grid staff",
    VenueAudience.MERCHANT: "merchants",
}
CANCELLABLE = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)
MAX_NAME_LENGTH = 60
MAX_LOCATION_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2000
MAX_REASON_LENGTH = 200
MAX_SLOTS_AHEAD_DAYS = 366


def may_manage_venues(actor: Actor) -> bool:
    return actor.is_admin


def is_venue_staff(actor: Actor) -> bool:
    return actor.has(*VENUE_STAFF)


def may_book(actor: Actor | None, venue: Venue) -> bool:
    """Admins, and anyone holding a role of one of the venue's audiences; nobody anonymous."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    return any(actor.has(*AUDIENCE_ROLES[VenueAudience(a)]) for a in venue.audiences)


def require_may_book(actor: Actor, venue: Venue) -> None:
    if not may_book(actor, venue):
        names = " and ".join(AUDIENCE_NAMES[VenueAudience(a)] for a in venue.audiences)
        raise Forbidden(f"{venue.name} may be booked by {names} only.")


@dataclass(frozen=True, slots=True)
class VenueTerms:
    """Everything an admin sets about a venue."""

    name: str
    description: str
    location: str
    capacity: int
    slot_minutes: int
    max_booking_minutes: int
    advance_days: int
    min_notice_minutes: int
    cancel_deadline_minutes: int
    check_in_minutes: int
    opening_hours: tuple[DayHours, ...]
    audiences: frozenset[VenueAudience]
    requires_approval: bool = False
    deposit_points: int = 0


class VenueSetting(StrEnum):
    """The numeric terms, with their GraphQL field name and bounds."""

    capacity = "capacity"
    slot_minutes = "slotMinutes"
    max_booking_minutes = "maxBookingMinutes"
    advance_days = "advanceDays"
    min_notice_minutes = "minNoticeMinutes"
    cancel_deadline_minutes = "cancelDeadlineMinutes"
    check_in_minutes = "checkInMinutes"
    deposit_points = "depositPoints"


BOUNDS: dict[VenueSetting, tuple[int, int]] = {
    VenueSetting.capacity: (1, 10_000),
    VenueSetting.slot_minutes: (5, 240),
    VenueSetting.max_booking_minutes: (5, 24 * 60),
    VenueSetting.advance_days: (0, 90),
    VenueSetting.min_notice_minutes: (0, 7 * 24 * 60),
    VenueSetting.cancel_deadline_minutes: (0, 7 * 24 * 60),
    VenueSetting.check_in_minutes: (5, 120),
    VenueSetting.deposit_points: (0, 1000),
}


def _checked(terms: VenueTerms) -> dict[str, object]:
    """The venue row's columns from the terms, or InvalidInput naming the field."""
    for setting, (low, high) in BOUNDS.items():
        in_range(getattr(terms, setting.name), field=setting.value, low=low, high=high)
    if booking_rules.MINUTES_PER_DAY % terms.slot_minutes:
        raise InvalidInput(
            "A slot length must divide a day (e.g. 15, 30, 60).", field="slotMinutes"
        )
    if terms.max_booking_minutes % terms.slot_minutes:
        raise InvalidInput("The longest booking must be whole slots.", field="maxBookingMinutes")
    if not terms.audiences:
        raise InvalidInput("Say who may book the venue.", field="audiences")
    return {
        "name": required_text(terms.name, field="name", max_length=MAX_NAME_LENGTH),
        "description": bounded_text(
            terms.description, field="description", max_length=MAX_DESCRIPTION_LENGTH
        ),
        "location": required_text(terms.location, field="location", max_length=MAX_LOCATION_LENGTH),
        **{setting.name: getattr(terms, setting.name) for setting in BOUNDS},
        "opening_hours": booking_rules.checked_week(terms.opening_hours),
        "audiences": sorted(audience.value for audience in terms.audiences),
        "requires_approval": terms.requires_approval,
    }


def terms_of(venue: Venue) -> VenueTerms:
    return VenueTerms(
        name=venue.name,
        description=venue.description,
        location=venue.location,
        **{setting.name: getattr(venue, setting.name) for setting in BOUNDS},
        opening_hours=tuple(booking_rules.week_of(venue.opening_hours)),
        audiences=frozenset(VenueAudience(a) for a in venue.audiences),
        requires_approval=venue.requires_approval,
    )


def _require_manager(actor: Actor) -> None:
    if not may_manage_venues(actor):
        raise Forbidden("Only community admins manage venues.")


def _new_check_in_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


async def create_venue(*, actor: Actor, terms: VenueTerms) -> Venue:
    """Add a venue to the actor's community (admins)."""
    _require_manager(actor)
    columns = _checked(terms)
    if await Venue.exists(community_id=actor.community_id, name=columns["name"]):
        raise AlreadyExists("A venue of this name exists.", field="name")
    try:
        return await Venue.create(
            community_id=actor.community_id,
            check_in_code=_new_check_in_code(),
            **columns,  # type: ignore[arg-type]
        )
    except IntegrityError:  # the same name created at the same moment
        raise AlreadyExists("A venue of this name exists.", field="name") from None


async def update_venue(*, actor: Actor, venue_id: int, changes: dict[str, object]) -> Venue:
    """Change some of a venue's terms (admins); bookings already made keep their times."""
    _require_manager(actor)
    unknown = set(changes) - {f.name for f in fields(VenueTerms)}
    if unknown:
        raise InvalidInput(f"Unknown venue settings: {sorted(unknown)}.")
    async with in_transaction():
        venue = await _venue(actor, venue_id, lock=True)
        columns = _checked(replace(terms_of(venue), **changes))  # type: ignore[arg-type]
        if columns["name"] != venue.name and await Venue.exists(
            community_id=actor.community_id, name=columns["name"]
        ):
            raise AlreadyExists("A venue of this name exists.", field="name")
        await Venue.filter(id=venue.id).update(**columns)
        await venue.refresh_from_db()
    return venue


async def _venue(actor: Actor, venue_id: int, *, lock: bool = False) -> Venue:
    query = Venue.filter(id=venue_id, community_id=actor.community_id)
    venue = await (query.select_for_update() if lock else query).first()
    if venue is None:
        raise NotFound("No such venue.", field="venueId")
    return venue


async def get_venue(*, actor: Actor, venue_id: int) -> Venue:
    """One venue of the actor's community, else NotFound."""
    return await _venue(actor, venue_id)


async def list_venues(*, actor: Actor) -> list[Venue]:
    """The community's venues, by name."""
    return await Venue.filter(community_id=actor.community_id).order_by("name", "id")


def check_in_code(viewer: Actor | None, venue: Venue) -> str | None:
    """The code shown on site for bookers to check in with: venue staff see it, no one else."""
    return venue.check_in_code if viewer is not None and is_venue_staff(viewer) else None


# ---------------------------------------------------------------- closures


@dataclass(frozen=True, slots=True)
class Closed:
    closure: VenueClosure
    cancelled: list[Booking]


async def _cancel_for_closure(booking: Booking, actor: Actor, reason: str, now: datetime) -> bool:
    claimed = await Booking.filter(id=booking.id, status=booking.status).update(
        status=BookingStatus.CANCELLED,
        cancelled_at=now,
        cancel_reason=reason,
        cancelled_late=False,
    )
    if claimed != 1:
        return False
    await booking_deposits.release(booking=booking, actor_id=actor.user_id)
    outbox.booking_changed(booker_id=booking.booker_id, booking_id=booking.id)
    return True


async def close_venue(
    *, actor: Actor, venue_id: int, starts_at: datetime, ends_at: datetime, reason: str
) -> Closed:
    """Close a venue for a period (admins): it takes no bookings then, the bookings it had
    are cancelled with their deposits returned, their holders hear of it (bookingUpdated),
    and a notice tells the community. Closing the same period again changes nothing."""
    _require_manager(actor)
    starts = booking_rules.aware(starts_at, field="startsAt")
    ends = booking_rules.aware(ends_at, field="endsAt")
    if ends <= starts:
        raise InvalidInput("A closure must end after it starts.", field="endsAt")
    why = required_text(reason, field="reason", max_length=MAX_REASON_LENGTH)
    now = booking_rules.utc_now(None)
    if ends <= now:
        raise InvalidInput("This period is over already.", field="endsAt")
    async with in_transaction():
        venue = await _venue(actor, venue_id, lock=True)
        same = await VenueClosure.get_or_none(venue_id=venue.id, starts_at=starts, ends_at=ends)
        if same is not None:  # a retry: the closure is made and its bookings told already
            return Closed(closure=same, cancelled=[])
        closure = await VenueClosure.create(
            venue_id=venue.id,
            starts_at=starts,
            ends_at=ends,
            reason=why,
            created_by_id=actor.user_id,
        )
        affected = await Booking.filter(
            venue_id=venue.id, status__in=CANCELLABLE, starts_at__lt=ends, ends_at__gt=starts
        ).order_by("starts_at", "id")
        note = f"{venue.name} is closed: {why}"[:MAX_REASON_LENGTH]
        cancelled = [b for b in affected if await _cancel_for_closure(b, actor, note, now)]
        await publish_notice(
            actor=actor,
            kind=NoticeKind.ANNOUNCEMENT,
            title=f"{venue.name} closed"[:100],
            body=f"{venue.name} is closed from {_shown(starts)} to {_shown(ends)}: {why}",
        )
    for booking in cancelled:
        await booking.refresh_from_db()
    return Closed(closure=closure, cancelled=cancelled)


def _shown(moment: datetime) -> str:
    return booking_rules.local(moment).strftime("%Y-%m-%d %H:%M")


async def closures_of(
    venue_ids: list[int], *, now: datetime | None = None
) -> dict[int, list[VenueClosure]]:
    """Each venue's closures that have not ended, soonest first, in one statement."""
    moment = booking_rules.utc_now(now)
    rows = await VenueClosure.filter(venue_id__in=venue_ids, ends_at__gt=moment).order_by(
        "starts_at", "id"
    )
    found: dict[int, list[VenueClosure]] = {venue_id: [] for venue_id in venue_ids}
    for row in rows:
        found[row.venue_id].append(row)
    return found


async def hold_open(venue_id: int) -> None:
    """Inside a booking's transaction: keep the venue from being closed (or its terms changed)
    until the booking commits. Bookings share the lock, so they never wait for each other here;
    close_venue's FOR UPDATE waits for them, and they for it, so a closure either sees a new
    booking and cancels it, or the booking sees the closure and is refused. SQLite has one
    writer at a time and needs no lock."""
    if is_postgres():
        await fetch("SELECT id FROM venue WHERE id = ? FOR SHARE", venue_id)


async def closure_over(venue_id: int, starts: datetime, ends: datetime) -> VenueClosure | None:
    return (
        await VenueClosure.filter(venue_id=venue_id, starts_at__lt=ends, ends_at__gt=starts)
        .order_by("starts_at")
        .first()
    )


# ---------------------------------------------------------------- a day's slots


class SlotState(StrEnum):
    FREE = "FREE"
    TAKEN = "TAKEN"
    CLOSED = "CLOSED"
    UNAVAILABLE = "UNAVAILABLE"  # past, too soon, or not yet open for booking


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    state: SlotState


def _state(
    venue: Venue,
    slot: booking_rules.Window,
    taken: list[tuple[datetime, datetime]],
    closed: list[VenueClosure],
    now: datetime,
) -> SlotState:
    if any(booking_rules.overlaps(slot.starts, slot.ends, s, e) for s, e in taken):
        return SlotState.TAKEN
    if any(booking_rules.overlaps(slot.starts, slot.ends, c.starts_at, c.ends_at) for c in closed):
        return SlotState.CLOSED
    try:
        booking_rules.check_notice(venue.min_notice_minutes, venue.advance_days, slot.starts, now)
    except InvalidInput:
        return SlotState.UNAVAILABLE
    return SlotState.FREE


async def day_slots(
    *, actor: Actor, venue_id: int, day: date, now: datetime | None = None
) -> list[Slot]:
    """The venue's slots starting on this local day, each free, taken, closed or unavailable;
    nothing about who holds a taken one."""
    moment = booking_rules.utc_now(now)
    today = booking_rules.local(moment).date()
    if abs((day - today).days) > MAX_SLOTS_AHEAD_DAYS:
        raise InvalidInput("Ask for a day within a year of today.", field="date")
    venue = await _venue(actor, venue_id)
    slots = booking_rules.slots_of_day(venue.opening_hours, venue.slot_minutes, day)
    if not slots:
        return []
    first, last = slots[0].starts.astimezone(UTC), slots[-1].ends.astimezone(UTC)
    taken = await Booking.filter(
        venue_id=venue.id, status__in=HOLDING_STATUSES, starts_at__lt=last, ends_at__gt=first
    ).values_list("starts_at", "ends_at")
    closed = await VenueClosure.filter(venue_id=venue.id, starts_at__lt=last, ends_at__gt=first)
    spans = [(s, e) for s, e in taken]
    return [
        Slot(slot.starts, slot.ends, _state(venue, slot, spans, closed, moment)) for slot in slots
    ]
