"""The time rules of venue booking, in the community's time zone (Asia/Shanghai).

Pure functions, no database: opening hours, slots, the booking window and minimum notice.
A venue's hours are one window per weekday, [opens, closes) in minutes after that day's local
midnight; a window that closes past 1440 runs into the next day, and windows that touch
(Monday until 24:00, Tuesday from 00:00) join, so a booking may cross midnight only where the
venue is open across it. Slots are counted from the start of the (joined) window.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from models import clock as domain_clock
from models.errors import InvalidInput

COMMUNITY_TZ = domain_clock.COMMUNITY_TIMEZONE
MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Far enough for any booking, near enough that a day either side never leaves datetime's range.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class DayHours:
    """One weekday's window: weekday 0 is Monday; closes > opens, at most a day later."""

    weekday: int
    opens: int
    closes: int

    @property
    def overnight(self) -> bool:
        return self.closes > MINUTES_PER_DAY


@dataclass(frozen=True, slots=True)
class Window:
    starts: datetime
    ends: datetime

    def holds(self, starts: datetime, ends: datetime) -> bool:
        return self.starts <= starts and ends <= self.ends


def local(moment: datetime) -> datetime:
    return moment.astimezone(COMMUNITY_TZ)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), COMMUNITY_TZ)


def clock(minutes: int) -> str:
    """Minutes after midnight as the wall clock shows them ("02:00" for 1560)."""
    minutes %= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_clock(text: str, *, field: str) -> int:
    """'HH:MM' (24-hour) as minutes after midnight."""
    match = _CLOCK.match(text.strip())
    if match is None:
        raise InvalidInput("Give a time of day as HH:MM, e.g. 08:30.", field=field)
    return int(match[1]) * 60 + int(match[2])


def day_hours(weekday: int, opens: str, closes: str) -> DayHours:
    """A weekday's window from wall-clock times; closing at or before opening means the next
    day (18:00-02:00 runs past midnight; 00:00-00:00 is the whole day)."""
    start = parse_clock(opens, field="openingHours")
    end = parse_clock(closes, field="openingHours")
    if end <= start:
        end += MINUTES_PER_DAY
    return DayHours(weekday=weekday, opens=start, closes=end)


def weekly_hours(
    opens: str, closes: str, weekdays: Iterable[int] = range(7)
) -> tuple[DayHours, ...]:
    """The same window on each of the weekdays (Monday is 0); "00:00"-"00:00" is open all day."""
    return tuple(day_hours(weekday, opens, closes) for weekday in weekdays)


def checked_week(hours: Sequence[DayHours]) -> list[list[int] | None]:
    """The stored form (Monday first), refusing a weekday given twice, no open day at all, or a
    window that runs into the next day's."""
    week: list[list[int] | None] = [None] * 7
    for day in hours:
        if not 0 <= day.weekday < 7:
            raise InvalidInput("A weekday is 0 (Monday) to 6 (Sunday).", field="openingHours")
        if week[day.weekday] is not None:
            raise InvalidInput(f"{WEEKDAYS[day.weekday]} is given twice.", field="openingHours")
        week[day.weekday] = [day.opens, day.closes]
    if all(window is None for window in week):
        raise InvalidInput("Open the venue on at least one day.", field="openingHours")
    for weekday, window in enumerate(week):
        following = week[(weekday + 1) % 7]
        if window and following and window[1] > following[0] + MINUTES_PER_DAY:
            raise InvalidInput(
                f"{WEEKDAYS[weekday]}'s hours run into {WEEKDAYS[(weekday + 1) % 7]}'s.",
                field="openingHours",
            )
    return week


def week_of(stored: Sequence[Sequence[int] | None]) -> list[DayHours]:
    return [
        DayHours(weekday=weekday, opens=window[0], closes=window[1])
        for weekday, window in enumerate(stored)
        if window
    ]


def _raw_windows(
    stored: Sequence[Sequence[int] | None], first: date, last: date
) -> Iterator[Window]:
    day = first
    while day <= last:
        window = stored[day.weekday()]
        if window:
            midnight = local_midnight(day)
            yield Window(
                midnight + timedelta(minutes=window[0]), midnight + timedelta(minutes=window[1])
            )
        day += timedelta(days=1)


def open_windows(stored: Sequence[Sequence[int] | None], first: date, last: date) -> list[Window]:
    """The venue's open periods from the windows opening on days first..last, touching ones
    joined."""
    joined: list[Window] = []
    for window in _raw_windows(stored, first, last):
        if joined and joined[-1].ends >= window.starts:
            joined[-1] = Window(joined[-1].starts, max(joined[-1].ends, window.ends))
        else:
            joined.append(window)
    return joined


def _windows_around(
    stored: Sequence[Sequence[int] | None], starts: datetime, ends: datetime
) -> list[Window]:
    # Two days either side: enough for a window opening the day before to be joined in.
    return open_windows(
        stored, local(starts).date() - timedelta(days=2), local(ends).date() + timedelta(days=2)
    )


def check_opening_hours(
    stored: Sequence[Sequence[int] | None], slot_minutes: int, starts: datetime, ends: datetime
) -> None:
    """Refuse a booking outside one open period, or off the venue's slot boundaries."""
    window = next((w for w in _windows_around(stored, starts, ends) if w.holds(starts, ends)), None)
    if window is None:
        raise InvalidInput("The venue is not open for all of this time.", field="startsAt")
    offset = (starts - window.starts) / timedelta(minutes=1)
    if offset % slot_minutes:
        raise InvalidInput(
            f"Bookings start on the venue's {slot_minutes}-minute slots, counted from "
            f"{clock(int(local(window.starts).hour * 60 + local(window.starts).minute))}.",
            field="startsAt",
        )


def check_length(slot_minutes: int, max_minutes: int, starts: datetime, ends: datetime) -> None:
    minutes = (ends - starts) / timedelta(minutes=1)
    if minutes <= 0:
        raise InvalidInput("A booking must end after it starts.", field="endsAt")
    if minutes % slot_minutes:
        raise InvalidInput(f"Book whole {slot_minutes}-minute slots.", field="endsAt")
    if minutes > max_minutes:
        raise InvalidInput(f"Book at most {max_minutes} minutes at a time.", field="endsAt")


def check_notice(
    min_notice_minutes: int, advance_days: int, starts: datetime, now: datetime
) -> None:
    """Not sooner than the minimum notice; not later than advance_days after today (local)."""
    if starts < now + timedelta(minutes=min_notice_minutes):
        raise InvalidInput(
            f"Book at least {min_notice_minutes} minutes before the start.", field="startsAt"
        )
    last_day = local(now).date() + timedelta(days=advance_days)
    if local(starts).date() > last_day:
        raise InvalidInput(
            f"Bookings open {advance_days} days ahead: the last day now is {last_day}.",
            field="startsAt",
        )


def aware(moment: datetime, *, field: str) -> datetime:
    """The moment in UTC, refused without a time zone; seconds are not part of any slot.

    Queries compare moments in UTC: SQLite compares the stored text, which is UTC."""
    domain_clock.as_utc(moment, field=field)
    if moment.second or moment.microsecond:
        raise InvalidInput("Bookings start and end on whole minutes.", field=field)
    if not EARLIEST <= moment <= LATEST:
        raise InvalidInput(f"Give a time between {EARLIEST.year} and {LATEST.year}.", field=field)
    return moment.astimezone(UTC)


def utc_now(now: datetime | None) -> datetime:
    """Now (or the given moment, for tests and jobs) in UTC, refused without a time zone."""
    return domain_clock.now_or(now)


def slots_of_day(
    stored: Sequence[Sequence[int] | None], slot_minutes: int, day: date
) -> list[Window]:
    """Every slot that starts on this local day, including those of an overnight window opened
    the day before."""
    slots: list[Window] = []
    step = timedelta(minutes=slot_minutes)
    for window in open_windows(stored, day - timedelta(days=1), day + timedelta(days=1)):
        moment = window.starts
        while moment + step <= window.ends:
            if local(moment).date() == day:
                slots.append(Window(moment, moment + step))
            moment += step
    return slots


def overlaps(a_starts: datetime, a_ends: datetime, b_starts: datetime, b_ends: datetime) -> bool:
    """Half-open ranges: one ending as the other starts do not overlap."""
    return a_starts < b_ends and b_starts < a_ends
