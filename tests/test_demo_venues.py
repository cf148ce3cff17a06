"""The demo's venues: the four rooms with their hours, and a week of bookings either side."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from community.booking_rules import local
from gateway.demo import load_demo
from models.enums import BookingStatus
from models.venues import Booking, Venue, VenueClosure


async def test_the_demo_has_the_communitys_venues_and_a_week_of_bookings() -> None:
    await load_demo(password="demo-password-1")
    names = {venue.name for venue in await Venue.all()}
    assert names == {"社区活动中心", "阅览室", "会议室", "篮球场"}
    rows = await Booking.all()
    assert len(rows) == 16  # every planned booking found an open, free time
    statuses = Counter(booking.status for booking in rows)
    assert statuses[BookingStatus.COMPLETED] >= 5
    assert statuses[BookingStatus.NO_SHOW] == 1
    assert statuses[BookingStatus.REQUESTED] == 2
    assert statuses[BookingStatus.REJECTED] == 1
    assert statuses[BookingStatus.CANCELLED] == 1
    assert statuses[BookingStatus.CONFIRMED] >= 4
    now = datetime.now(UTC)
    assert min(b.starts_at for b in rows) >= now - timedelta(days=8)
    assert max(b.starts_at for b in rows) <= now + timedelta(days=8)
    assert any(local(b.starts_at).date() != local(b.ends_at).date() for b in rows)
    closure = await VenueClosure.get()
    assert closure.reason == "书架维修"
    await load_demo(password="demo-password-1")  # a second load changes nothing
    assert await Booking.all().count() == len(rows)
