"""A booking as an iCalendar (RFC 5545) file for the booker's phone calendar.

Written by the `icalendar` library (well kept, RFC-checked, and it writes the VTIMEZONE for
Asia/Shanghai itself) rather than by hand: line folding, escaping and time zones are where
hand-written .ics files go wrong.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import STATUS, Calendar, Event

from community import booking_rules
from models import clock
from models.enums import BookingStatus
from models.venues import Booking, Venue

PRODUCT_ID = "-//GridPoints//Venue booking//ZH"
CALENDAR_STATUS = {
    BookingStatus.REQUESTED: STATUS.TENTATIVE,
    BookingStatus.CONFIRMED: STATUS.CONFIRMED,
    BookingStatus.CHECKED_IN: STATUS.CONFIRMED,
    BookingStatus.COMPLETED: STATUS.CONFIRMED,
    BookingStatus.REJECTED: STATUS.CANCELLED,
    BookingStatus.CANCELLED: STATUS.CANCELLED,
    BookingStatus.NO_SHOW: STATUS.CANCELLED,
}

SEQUENCE = {
    BookingStatus.REQUESTED: 0,
    BookingStatus.CONFIRMED: 1,
    BookingStatus.CHECKED_IN: 1,
    BookingStatus.COMPLETED: 1,
}


def booking_ics(booking: Booking, venue: Venue, *, now: datetime | None = None) -> bytes:
    """The booking as one VEVENT in local time, its status mapped to the calendar's."""
    event = Event.new(
        uid=f"booking-{booking.id}@gridpoints",
        stamp=clock.now_or(now),
        start=booking_rules.local(booking.starts_at),
        end=booking_rules.local(booking.ends_at),
        summary=f"{venue.name}: {booking.purpose}",
        location=venue.location,
        description=f"{booking.party_size} people. {venue.description}".strip(),
        status=CALENDAR_STATUS[booking.status],
        # A later state must carry a higher sequence for calendars to take it as an update.
        sequence=SEQUENCE.get(booking.status, 2),
    )
    calendar = Calendar.new(prodid=PRODUCT_ID, subcomponents=[event])
    first = booking_rules.local(booking.starts_at).date()
    calendar.add_missing_timezones(
        first_date=first, last_date=booking_rules.local(booking.ends_at).date() + timedelta(days=1)
    )
    written: bytes = calendar.to_ical()
    return written
