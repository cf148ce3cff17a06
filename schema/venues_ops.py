"""Queries, mutations and the subscription of venue booking (场馆预约)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator
from datetime import date
from typing import Annotated, Any

import strawberry

from community import bookings, venues
from community.venues import Closed
from models.outbox import BOOKING_TOPIC
from resolvers import venues as resolve
from schema.base import Connection
from schema.commands import ask, perform
from schema.context import Info
from schema.mutation import mutate
from schema.subscriptions import own_messages, shown_safely
from schema.venues import (
    BookingPayload,
    BookingType,
    BookVenueInput,
    CancelBookingInput,
    CheckInBookingInput,
    CloseVenueInput,
    CloseVenuePayload,
    CreateVenueInput,
    OpeningHoursInput,
    RejectBookingInput,
    UpdateVenueInput,
    VenueClosureType,
    VenuePayload,
    VenueSlot,
    VenueType,
)


def _raw_terms(input: CreateVenueInput | UpdateVenueInput) -> dict[str, Any]:
    """The input's terms as plain values for the resolver (None: not given)."""
    raw: dict[str, Any] = {
        field.name: getattr(input, field.name)
        for field in dataclasses.fields(input)
        if field.name != "venue_id"
    }
    hours: list[OpeningHoursInput] | None = input.opening_hours
    raw["opening_hours"] = (
        None if hours is None else [(h.weekday.value, h.opens, h.closes) for h in hours]
    )
    raw["audiences"] = None if input.audiences is None else [a.value for a in input.audiences]
    return raw


def _bookings(closed: Closed) -> list[BookingType]:
    return [BookingType.of(row) for row in closed.cancelled]


VenueId = Annotated[strawberry.ID, strawberry.argument(description="The venue.")]
First = Annotated[
    int | None, strawberry.argument(description="How many to return (0-100, default 20).")
]
After = Annotated[str | None, strawberry.argument(description="The endCursor of the page before.")]
CreateVenueArg = Annotated[
    CreateVenueInput, strawberry.argument(description="The new venue's terms.")
]
UpdateVenueArg = Annotated[
    UpdateVenueInput, strawberry.argument(description="The venue and the terms to change.")
]
CloseVenueArg = Annotated[
    CloseVenueInput, strawberry.argument(description="The venue, the period and why.")
]
BookVenueArg = Annotated[
    BookVenueInput, strawberry.argument(description="The venue, the time and who comes.")
]
RejectBookingArg = Annotated[
    RejectBookingInput, strawberry.argument(description="The booking and why it is turned down.")
]
CancelBookingArg = Annotated[
    CancelBookingInput, strawberry.argument(description="The booking to cancel.")
]
CheckInBookingArg = Annotated[
    CheckInBookingInput,
    strawberry.argument(description="The booking, and the site's code for the booker."),
]
BookingId = Annotated[strawberry.ID, strawberry.argument(description="The booking.")]


@strawberry.type
class VenueQuery:
    @strawberry.field(description="The community's venues, by name (logged-in members).")
    async def venues(self, info: Info) -> list[VenueType]:
        return [VenueType.of(row) for row in await ask(info, venues.list_venues)]

    @strawberry.field(
        description="A venue's slots starting on one local day, each free, taken, closed or "
        "unavailable; they never say who booked."
    )
    async def venue_slots(
        self,
        info: Info,
        venue_id: VenueId,
        date: Annotated[date, strawberry.argument(description="The day, in Asia/Shanghai.")],
    ) -> list[VenueSlot]:
        slots = await ask(info, venues.day_slots, venue_id=venue_id, day=date)
        return [VenueSlot.of(slot) for slot in slots]

    @strawberry.field(description="The viewer's own venue bookings, newest first.")
    async def my_bookings(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[BookingType]:
        page = await ask(info, bookings.my_bookings, first=first, after=after)
        return Connection.of(page, BookingType.of, after=after)

    @strawberry.field(
        description="Requested bookings waiting for approval, oldest first (venue staff: "
        "community admins and grid workers)."
    )
    async def bookings_awaiting_approval(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[BookingType]:
        page = await ask(info, bookings.awaiting_approval, first=first, after=after)
        return Connection.of(page, BookingType.of, after=after)


@strawberry.type
class VenueMutation:
    @strawberry.mutation(description="Add a venue (community admins).")
    async def create_venue(self, info: Info, input: CreateVenueArg) -> VenuePayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.create_venue(scope, raw=_raw_terms(input)),
            VenuePayload,
            venue=VenueType.of,
        )

    @strawberry.mutation(description="Change a venue's terms (community admins).")
    async def update_venue(self, info: Info, input: UpdateVenueArg) -> VenuePayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.update_venue(scope, venue_id=input.venue_id, raw=_raw_terms(input)),
            VenuePayload,
            venue=VenueType.of,
        )

    @strawberry.mutation(
        description="Close a venue for a period (community admins): it takes no bookings "
        "then, and the bookings it had are cancelled, their deposits returned and their "
        "holders told (bookingUpdated, and a notice)."
    )
    async def close_venue(self, info: Info, input: CloseVenueArg) -> CloseVenuePayload:
        return await perform(
            info,
            venues.close_venue,
            input,
            CloseVenuePayload,
            closure=lambda closed: VenueClosureType.of(closed.closure),
            cancelled_bookings=_bookings,
        )

    @strawberry.mutation(
        description="Book a venue's time: confirmed at once, or requested where the venue "
        "needs approval. Asking again for the same time returns the same booking."
    )
    async def book_venue(self, info: Info, input: BookVenueArg) -> BookingPayload:
        return await perform(
            info, bookings.book_venue, input, BookingPayload, booking=BookingType.of
        )

    @strawberry.mutation(
        description="Confirm a requested booking (venue staff; never their own booking)."
    )
    async def approve_booking(self, info: Info, booking_id: BookingId) -> BookingPayload:
        return await perform(
            info,
            bookings.approve_booking,
            {"booking_id": booking_id},
            BookingPayload,
            booking=BookingType.of,
        )

    @strawberry.mutation(
        description="Turn a requested booking down with a reason (venue staff; never their "
        "own booking); the deposit returns."
    )
    async def reject_booking(self, info: Info, input: RejectBookingArg) -> BookingPayload:
        return await perform(
            info, bookings.reject_booking, input, BookingPayload, booking=BookingType.of
        )

    @strawberry.mutation(
        description="Cancel a booking before it starts: the booker (after the venue's "
        "deadline the deposit is forfeited) or venue staff (the deposit returns)."
    )
    async def cancel_booking(self, info: Info, input: CancelBookingArg) -> BookingPayload:
        return await perform(
            info, bookings.cancel_booking, input, BookingPayload, booking=BookingType.of
        )

    @strawberry.mutation(
        description="Check a confirmed booking in within the window around its start: venue "
        "staff, or the booker with the code shown at the venue. The deposit returns."
    )
    async def check_in_booking(self, info: Info, input: CheckInBookingArg) -> BookingPayload:
        return await perform(info, bookings.check_in, input, BookingPayload, booking=BookingType.of)


@strawberry.type
class VenueSubscription:
    @strawberry.subscription(
        description="Every change to the viewer's own bookings: approved, rejected, "
        "cancelled (by a closure too), checked in, completed, no-show."
    )
    async def booking_updated(self, info: Info) -> AsyncGenerator[BookingType, None]:
        with shown_safely():
            async for actor, message in own_messages(info, BOOKING_TOPIC):
                booking = await bookings.own_booking(actor=actor, booking_id=int(message))
                if booking is not None:
                    yield BookingType.of(booking)
