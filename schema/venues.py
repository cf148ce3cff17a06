"""Venue booking's GraphQL shapes: venues, their hours, slots and closures, bookings, inputs
and payloads. Every type, field and enum value carries a description."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from community import booking_rules, venues
from community.booking_rules import DayHours, clock
from community.venues import Slot
from models.venues import Booking, Venue, VenueClosure
from resolvers import venues as resolve
from resolvers.ids import global_id
from schema.base import Connection, Node
from schema.civic import EventType
from schema.commands import CommandInput
from schema.context import Info
from schema.errors import UserError
from schema.people import UserType


@strawberry.enum(description="A day of the week, in the community's time zone (Asia/Shanghai).")
class Weekday(Enum):
    MONDAY = strawberry.enum_value(0, description="Monday (星期一).")
    TUESDAY = strawberry.enum_value(1, description="Tuesday (星期二).")
    WEDNESDAY = strawberry.enum_value(2, description="Wednesday (星期三).")
    THURSDAY = strawberry.enum_value(3, description="Thursday (星期四).")
    FRIDAY = strawberry.enum_value(4, description="Friday (星期五).")
    SATURDAY = strawberry.enum_value(5, description="Saturday (星期六).")
    SUNDAY = strawberry.enum_value(6, description="Sunday (星期日).")


@strawberry.enum(name="VenueAudience", description="Who may book a venue.")
class VenueAudienceType(Enum):
    RESIDENT = strawberry.enum_value("RESIDENT", description="Residents of the community.")
    GRID_STAFF = strawberry.enum_value(
        "GRID_STAFF", description="Grid members and full-time grid workers."
    )
    MERCHANT = strawberry.enum_value("MERCHANT", description="Operators of merchants.")


@strawberry.enum(name="BookingStatus", description="Where a venue booking stands.")
class BookingStatusType(Enum):
    REQUESTED = strawberry.enum_value(
        "REQUESTED", description="Waiting for venue staff to approve it; it holds the time."
    )
    CONFIRMED = strawberry.enum_value("CONFIRMED", description="Booked; it holds the time.")
    REJECTED = strawberry.enum_value(
        "REJECTED", description="Turned down by venue staff, or not approved before it began."
    )
    CANCELLED = strawberry.enum_value(
        "CANCELLED", description="Cancelled by the booker, venue staff, or a closure."
    )
    CHECKED_IN = strawberry.enum_value(
        "CHECKED_IN", description="The booker showed up and was checked in."
    )
    COMPLETED = strawberry.enum_value("COMPLETED", description="Used, and its time is over.")
    NO_SHOW = strawberry.enum_value(
        "NO_SHOW",
        description="Nobody checked in by the end of the check-in window; the time was released.",
    )


@strawberry.enum(description="Whether a slot of a venue can be booked.")
class SlotState(Enum):
    FREE = strawberry.enum_value("FREE", description="Open and not booked: it can be booked.")
    TAKEN = strawberry.enum_value("TAKEN", description="Held by a booking.")
    CLOSED = strawberry.enum_value("CLOSED", description="The venue is closed then.")
    UNAVAILABLE = strawberry.enum_value(
        "UNAVAILABLE",
        description="Past, within the minimum notice, or beyond the advance booking window.",
    )


@strawberry.type(description="One weekday's opening hours of a venue.")
class OpeningHours:
    weekday: Weekday = strawberry.field(description="The day the venue opens.")
    opens: str = strawberry.field(description="Opening time, HH:MM local time.")
    closes: str = strawberry.field(
        description="Closing time, HH:MM local time; the next day's when `overnight`."
    )
    overnight: bool = strawberry.field(
        description="True when the venue closes after midnight, on the following day."
    )

    @classmethod
    def of(cls, day: DayHours) -> OpeningHours:
        return cls(
            weekday=Weekday(day.weekday),
            opens=clock(day.opens),
            closes=clock(day.closes),
            overnight=day.overnight,
        )


@strawberry.type(description="A bookable slot of a venue on one day; it names no booker.")
class VenueSlot:
    starts_at: datetime = strawberry.field(description="When the slot starts.")
    ends_at: datetime = strawberry.field(description="When the slot ends.")
    state: SlotState = strawberry.field(description="Whether it can be booked.")

    @classmethod
    def of(cls, slot: Slot) -> VenueSlot:
        return cls(
            starts_at=slot.starts_at, ends_at=slot.ends_at, state=SlotState(slot.state.value)
        )


@strawberry.type(
    name="VenueClosure", description="A period in which a venue is closed (repairs, holidays)."
)
class VenueClosureType:
    starts_at: datetime = strawberry.field(description="When the closure starts.")
    ends_at: datetime = strawberry.field(description="When the venue opens again.")
    reason: str = strawberry.field(description="Why it is closed.")

    @classmethod
    def of(cls, row: VenueClosure) -> VenueClosureType:
        return cls(starts_at=row.starts_at, ends_at=row.ends_at, reason=row.reason)


@strawberry.type(
    name="Venue", description="A room or court of the community that members book (场馆)."
)
class VenueType(Node):
    row: strawberry.Private[Venue]
    name: str = strawberry.field(description="The venue's name, e.g. 社区活动中心.")
    description: str = strawberry.field(description="What the venue offers.")
    location: str = strawberry.field(description="Where it is.")
    capacity: int = strawberry.field(description="How many people it holds.")
    slot_minutes: int = strawberry.field(description="Bookings are whole slots of this length.")
    max_booking_minutes: int = strawberry.field(description="The longest one booking may be.")
    advance_days: int = strawberry.field(
        description="How many days after today (local) bookings are open."
    )
    min_notice_minutes: int = strawberry.field(
        description="How long before its start a booking must be made at the latest."
    )
    cancel_deadline_minutes: int = strawberry.field(
        description="Cancelling later than this before the start forfeits the deposit."
    )
    check_in_minutes: int = strawberry.field(
        description="Check-in is open this long before and after a booking's start; "
        "nobody checked in by its end makes the booking a no-show."
    )
    requires_approval: bool = strawberry.field(
        description="Bookings wait for venue staff to approve them."
    )
    deposit_points: int = strawberry.field(
        description="Points held while a booking is open: forfeited on a no-show or late "
        "cancellation, returned otherwise (0 for none)."
    )
    opening_hours: list[OpeningHours] = strawberry.field(
        description="Opening hours per weekday; days not listed are closed."
    )
    audiences: list[VenueAudienceType] = strawberry.field(
        description="Who may book it (community admins always may)."
    )

    @classmethod
    def of(cls, row: Venue) -> VenueType:
        week = booking_rules.week_of(row.opening_hours)
        return cls(
            id=strawberry.ID(global_id("Venue", row.id)),
            row=row,
            name=row.name,
            description=row.description,
            location=row.location,
            capacity=row.capacity,
            slot_minutes=row.slot_minutes,
            max_booking_minutes=row.max_booking_minutes,
            advance_days=row.advance_days,
            min_notice_minutes=row.min_notice_minutes,
            cancel_deadline_minutes=row.cancel_deadline_minutes,
            check_in_minutes=row.check_in_minutes,
            requires_approval=row.requires_approval,
            deposit_points=row.deposit_points,
            opening_hours=[OpeningHours.of(day) for day in week],
            audiences=[VenueAudienceType(a) for a in row.audiences],
        )

    @strawberry.field(
        description="The code shown on site that bookers check in with; venue staff only."
    )
    async def check_in_code(self, info: Info) -> str | None:
        return venues.check_in_code(await info.context.scope.viewer(), self.row)

    @strawberry.field(
        description="Whether the viewer may book it: admins, and holders of a role of one of "
        "its audiences; false for anonymous callers."
    )
    async def may_book(self, info: Info) -> bool:
        return venues.may_book(await info.context.scope.viewer(), self.row)

    @strawberry.field(description="Closures that have not ended yet, soonest first.")
    async def closures(self, info: Info) -> list[VenueClosureType]:
        rows = await resolve.closures(info.context.scope, self.row.id)
        return [VenueClosureType.of(row) for row in rows]


@strawberry.type(name="Booking", description="A booking of a venue's time.")
class BookingType(Node):
    row: strawberry.Private[Booking]
    status: BookingStatusType = strawberry.field(description="Where the booking stands.")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    party_size: int = strawberry.field(description="How many people come.")
    purpose: str = strawberry.field(description="What the venue is booked for.")
    deposit_points: int = strawberry.field(description="Points held as the deposit (0: none).")
    reject_reason: str | None = strawberry.field(description="Why it was rejected.")
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled, if said.")
    cancelled_late: bool = strawberry.field(
        description="Cancelled by the booker after the deadline: the deposit was forfeited."
    )
    checked_in_at: datetime | None = strawberry.field(description="When it was checked in.")
    created_at: datetime = strawberry.field(description="When it was made.")

    @classmethod
    def of(cls, row: Booking) -> BookingType:
        return cls(
            id=strawberry.ID(global_id("Booking", row.id)),
            row=row,
            status=BookingStatusType(row.status.value),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            party_size=row.party_size,
            purpose=row.purpose,
            deposit_points=row.deposit_points,
            reject_reason=row.reject_reason,
            cancel_reason=row.cancel_reason,
            cancelled_late=row.cancelled_late,
            checked_in_at=row.checked_in_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="The venue booked.")
    async def venue(self, info: Info) -> VenueType:
        found = await resolve.venue(info.context.scope, self.row.venue_id)
        assert found is not None  # a foreign key with RESTRICT
        return VenueType.of(found)

    @strawberry.field(description="Who booked it.")
    async def booker(self, info: Info) -> UserType:
        found = await info.context.scope.loaders.user.load(self.row.booker_id)
        assert found is not None  # a foreign key with RESTRICT
        return UserType.of(found)

    @strawberry.field(description="The community event it was booked for, if any.")
    async def event(self, info: Info) -> EventType | None:
        found = await resolve.event(info.context.scope, self.row.event_id)
        return EventType.of(found) if found else None

    @strawberry.field(description="When check-in opens.")
    async def check_in_opens_at(self, info: Info) -> datetime:
        return (await resolve.check_in_window(info.context.scope, self.row))[0]

    @strawberry.field(description="When check-in closes; nobody checked in by then is a no-show.")
    async def check_in_closes_at(self, info: Info) -> datetime:
        return (await resolve.check_in_window(info.context.scope, self.row))[1]

    @strawberry.field(
        description="Path of the booking's iCalendar (.ics) file for a phone's calendar; "
        "fetch it with the booker's token in the Authorization header."
    )
    def calendar_url(self) -> str:
        return resolve.calendar_path(self.row.id)


BookingConnection = Connection[BookingType]


# ---------------------------------------------------------------- inputs and payloads


@strawberry.input(description="One weekday's opening hours.")
class OpeningHoursInput:
    weekday: Weekday = strawberry.field(description="The day.")
    opens: str = strawberry.field(description="Opening time, HH:MM (24-hour, local).")
    closes: str = strawberry.field(
        description="Closing time, HH:MM; at or before `opens` means the next day "
        "(18:00-02:00 runs past midnight, 00:00-00:00 is all day)."
    )


@strawberry.input(description="A new venue's terms.")
class CreateVenueInput:
    name: str = strawberry.field(description="Its name, unique in the community (60 characters).")
    location: str = strawberry.field(description="Where it is.")
    capacity: int = strawberry.field(description="How many people it holds (1-10000).")
    slot_minutes: int = strawberry.field(description="Slot length, dividing a day (5-240).")
    max_booking_minutes: int = strawberry.field(
        description="The longest booking, whole slots (up to 1440)."
    )
    advance_days: int = strawberry.field(description="How many days ahead one may book (0-90).")
    min_notice_minutes: int = strawberry.field(
        description="How long before its start a booking must be made at the latest."
    )
    cancel_deadline_minutes: int = strawberry.field(
        description="Cancelling later than this before the start forfeits the deposit."
    )
    check_in_minutes: int = strawberry.field(
        description="Check-in window either side of the start (5-120)."
    )
    opening_hours: list[OpeningHoursInput] = strawberry.field(
        description="Opening hours, at most one window per weekday."
    )
    audiences: list[VenueAudienceType] = strawberry.field(description="Who may book it.")
    description: str = strawberry.field(default="", description="What the venue offers.")
    requires_approval: bool = strawberry.field(
        default=False, description="Bookings wait for venue staff to approve them."
    )
    deposit_points: int = strawberry.field(
        default=0, description="Points held as a deposit per booking (0-1000)."
    )


@strawberry.input(description="Changes to a venue's terms; what is not given stays.")
class UpdateVenueInput:
    venue_id: strawberry.ID = strawberry.field(description="The venue.")
    name: str | None = strawberry.field(default=None, description="New name.")
    description: str | None = strawberry.field(default=None, description="New description.")
    location: str | None = strawberry.field(default=None, description="New location.")
    capacity: int | None = strawberry.field(default=None, description="New capacity.")
    slot_minutes: int | None = strawberry.field(default=None, description="New slot length.")
    max_booking_minutes: int | None = strawberry.field(
        default=None, description="New longest booking."
    )
    advance_days: int | None = strawberry.field(default=None, description="New advance window.")
    min_notice_minutes: int | None = strawberry.field(
        default=None, description="New minimum notice."
    )
    cancel_deadline_minutes: int | None = strawberry.field(
        default=None, description="New cancellation deadline."
    )
    check_in_minutes: int | None = strawberry.field(
        default=None, description="New check-in window."
    )
    opening_hours: list[OpeningHoursInput] | None = strawberry.field(
        default=None, description="New opening hours (the whole week)."
    )
    audiences: list[VenueAudienceType] | None = strawberry.field(
        default=None, description="New audiences."
    )
    requires_approval: bool | None = strawberry.field(
        default=None, description="Whether bookings need approval from now on."
    )
    deposit_points: int | None = strawberry.field(
        default=None, description="New deposit, for bookings made from now on."
    )


@strawberry.input(description="Close a venue for a period.")
class CloseVenueInput(CommandInput):
    venue_id: strawberry.ID = strawberry.field(description="The venue.")
    starts_at: datetime = strawberry.field(description="When the closure starts.")
    ends_at: datetime = strawberry.field(description="When the venue opens again.")
    reason: str = strawberry.field(description="Why, told to the holders of bookings.")


@strawberry.input(description="Book a venue's time.")
class BookVenueInput(CommandInput):
    venue_id: strawberry.ID = strawberry.field(description="The venue.")
    starts_at: datetime = strawberry.field(description="Start, on one of the venue's slots.")
    ends_at: datetime = strawberry.field(description="End, whole slots after the start.")
    party_size: int = strawberry.field(description="How many people come.")
    purpose: str = strawberry.field(description="What it is for (200 characters).")
    event_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The event held there, booked by its organizer; the booking covers it.",
    )


@strawberry.input(description="Turn a requested booking down.")
class RejectBookingInput(CommandInput):
    booking_id: strawberry.ID = strawberry.field(description="The booking.")
    reason: str = strawberry.field(description="Why, shown to the booker.")


@strawberry.input(description="Cancel a booking before it starts.")
class CancelBookingInput(CommandInput):
    booking_id: strawberry.ID = strawberry.field(description="The booking.")
    reason: str | None = strawberry.field(default=None, description="Why, if you like.")


@strawberry.input(description="Check a booking in on site.")
class CheckInBookingInput(CommandInput):
    booking_id: strawberry.ID = strawberry.field(description="The booking.")
    code: str | None = strawberry.field(
        default=None,
        description="The check-in code shown at the venue; bookers need it, staff do not.",
    )


@strawberry.type(description="The result of creating or changing a venue.")
class VenuePayload:
    venue: VenueType | None = strawberry.field(description="The venue, on success.")
    errors: list[UserError] = strawberry.field(description="Why it failed, if it did.")


@strawberry.type(description="The result of closing a venue.")
class CloseVenuePayload:
    closure: VenueClosureType | None = strawberry.field(description="The closure, on success.")
    cancelled_bookings: list[BookingType] | None = strawberry.field(
        description="The bookings the closure cancelled; their holders were told."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed, if it did.")


@strawberry.type(description="The result of a step of a booking.")
class BookingPayload:
    booking: BookingType | None = strawberry.field(description="The booking, on success.")
    errors: list[UserError] = strawberry.field(description="Why it failed, if it did.")
