"""Builders for the venue-booking tests: a fixed clock, a venue's terms, people who book."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from community import bookings, venues
from community.booking_rules import COMMUNITY_TZ, DayHours, weekly_hours
from models.actor import Actor
from models.enums import Role, VenueAudience
from models.venues import Booking, Venue, VenueClosure
from tests import factories

# A Monday morning in the community's time zone, years ahead so closures are never "over".
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=COMMUNITY_TZ)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time `days` after NOW's day."""
    day = NOW + timedelta(days=days)
    return day.replace(hour=hour, minute=minute)


def every_day(opens: str = "08:00", closes: str = "22:00") -> tuple[DayHours, ...]:
    return weekly_hours(opens, closes)


HALL = venues.VenueTerms(
    name="Community hall",
    description="The big room",
    location="Building 1",
    capacity=50,
    slot_minutes=30,
    max_booking_minutes=240,
    advance_days=7,
    min_notice_minutes=60,
    cancel_deadline_minutes=120,
    check_in_minutes=15,
    opening_hours=every_day(),
    audiences=frozenset({VenueAudience.RESIDENT}),
)


@dataclass
class People:
    admin: Actor
    worker: Actor
    resident: Actor
    neighbour: Actor
    member: Actor
    merchant: Actor


async def people() -> People:
    grid = await factories.grid()
    return People(
        admin=await factories.user(Role.COMMUNITY_ADMIN, name="Admin"),
        worker=await factories.user(Role.GRID_WORKER, name="Worker", grids=(grid,)),
        resident=await factories.user(name="Resident"),
        neighbour=await factories.user(name="Neighbour"),
        member=await factories.user(Role.GRID_MEMBER, name="Member", grids=(grid,)),
        merchant=await factories.user(Role.MERCHANT, name="Merchant"),
    )


async def new_venue(admin: Actor, **changes: Any) -> Venue:
    terms = replace(HALL, name=changes.pop("name", f"Hall {await Venue.all().count() + 1}"))
    return await venues.create_venue(actor=admin, terms=replace(terms, **changes))


async def book(
    actor: Actor, venue: Venue, starts: datetime, ends: datetime, **changes: Any
) -> Booking:
    fields: dict[str, Any] = {"party_size": 4, "purpose": "Choir practice", "now": NOW}
    return await bookings.book_venue(
        actor=actor,
        venue_id=venue.id,
        starts_at=starts,
        ends_at=ends,
        **{**fields, **changes},
    )


async def snapshot() -> list[tuple[Any, ...]]:
    """Every booking and closure as it is: a refused call must leave this unchanged."""
    rows = (
        await Booking.all()
        .order_by("id")
        .values_list("id", "status", "starts_at", "ends_at", "cancelled_late", "deposit_points")
    )
    closures = await VenueClosure.all().order_by("id").values_list("id", "starts_at", "ends_at")
    return [*rows, *closures]
