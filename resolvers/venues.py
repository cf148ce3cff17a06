"""Resolvers for venue booking: decode ids, call one domain function, load relations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from strawberry.dataloader import DataLoader

from community import booking_rules, bookings, venues
from community.booking_rules import DayHours
from community.venues import VenueTerms
from models.civic import Event
from models.enums import VenueAudience
from models.venues import Booking, Venue, VenueClosure
from resolvers.ids import decode_id
from resolvers.loaders import by_id, keyed
from resolvers.node import seen_through
from resolvers.scope import RequestScope


def _venue_id(value: str) -> int:
    return decode_id(value, "Venue", field="venueId")


def opening_hours(hours: Sequence[tuple[int, str, str]]) -> tuple[DayHours, ...]:
    """(weekday, opens, closes) as the domain's windows; a bad time names openingHours."""
    return tuple(
        booking_rules.day_hours(weekday, opens, closes) for weekday, opens, closes in hours
    )


# ---------------------------------------------------------------- venues


visible_venue = seen_through(venues.get_venue, "venue_id")


async def venue(scope: RequestScope, venue_id: int) -> Venue | None:
    loader: DataLoader[int, Venue | None] = scope.loaders.named("venue", lambda: by_id(Venue))
    return await loader.load(venue_id)


async def closures(scope: RequestScope, venue_id: int) -> list[VenueClosure]:
    loader: DataLoader[int, list[VenueClosure]] = scope.loaders.named(
        "venue_closures", lambda: keyed(venues.closures_of, list)
    )
    return await loader.load(venue_id)


def _domain_terms(raw: dict[str, Any]) -> dict[str, Any]:
    """Input values as the domain's: hours as (weekday, opens, closes), audiences as names."""
    terms = {name: value for name, value in raw.items() if value is not None}
    if "opening_hours" in terms:
        terms["opening_hours"] = opening_hours(terms["opening_hours"])
    if "audiences" in terms:
        terms["audiences"] = audiences(terms["audiences"])
    return terms


async def create_venue(scope: RequestScope, *, raw: dict[str, Any]) -> Venue:
    actor = await scope.require_viewer()
    return await venues.create_venue(actor=actor, terms=VenueTerms(**_domain_terms(raw)))


async def update_venue(scope: RequestScope, *, venue_id: str, raw: dict[str, Any]) -> Venue:
    actor = await scope.require_viewer()
    return await venues.update_venue(
        actor=actor, venue_id=_venue_id(venue_id), changes=_domain_terms(raw)
    )


def audiences(values: Sequence[str]) -> frozenset[VenueAudience]:
    return frozenset(VenueAudience(value) for value in values)


# ---------------------------------------------------------------- bookings


visible_booking = seen_through(bookings.get_booking, "booking_id")


async def event(scope: RequestScope, event_id: int | None) -> Event | None:
    if event_id is None:
        return None
    loader: DataLoader[int, Event | None] = scope.loaders.named("venue_event", lambda: by_id(Event))
    return await loader.load(event_id)


async def check_in_window(scope: RequestScope, row: Booking) -> tuple[datetime, datetime]:
    """When the booking can be checked in: the venue's window around its start."""
    found = await venue(scope, row.venue_id)
    assert found is not None  # a foreign key with RESTRICT
    return bookings.check_in_opens(found, row), bookings.check_in_closes(found, row)


def calendar_path(booking_id: int) -> str:
    """Where the booking's iCalendar file is served (gateway/venue_calendar.py)."""
    return f"/venues/bookings/{booking_id}.ics"
