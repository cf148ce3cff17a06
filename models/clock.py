"""The one clock of the domain: aware UTC datetimes are the only kind stored or compared.

Every domain module and job asks `now()`; tests set the time with `set_source()` (see
tests/clock.py) instead of patching. `as_utc()` is the one check that refuses a time given
without a zone.

SQLite keeps datetimes as ISO text and compares them as text, so a value written with
another offset would sort wrongly there; converting every input to UTC keeps both
databases agreeing.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.errors import InvalidInput

COMMUNITY_TIMEZONE = ZoneInfo("Asia/Shanghai")


Source = Callable[[], datetime]


def _system_time() -> datetime:
    return datetime.now(UTC)


_source: Source = _system_time


def now() -> datetime:
    """The current time, aware, in UTC."""
    return _source().astimezone(UTC)


def set_source(source: Source | None) -> None:
    """Where `now()` reads the time from; None restores the system clock."""
    global _source
    _source = source or _system_time


def as_utc(value: datetime, *, field: str) -> datetime:
    """An input time converted to UTC; a time without a zone is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput("Give the time with its time zone.", field=field)
    return value.astimezone(UTC)


def now_or(moment: datetime | None, *, field: str = "now") -> datetime:
    """The given moment (jobs and tests pass one) in UTC, else the clock's now."""
    return now() if moment is None else as_utc(moment, field=field)


def from_row(value: Any) -> datetime | None:
    """A datetime read by raw SQL: PostgreSQL gives datetimes, SQLite gives ISO text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(str(value)).astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The calendar day of a moment in the community's time zone."""
    return moment.astimezone(COMMUNITY_TIMEZONE).date()


def start_of_local_day(day: date) -> datetime:
    """Midnight of a community calendar day, in UTC."""
    return datetime.combine(day, time.min, COMMUNITY_TIMEZONE).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_valid_day(expires_at: datetime) -> date:
    """The last community day on which points expiring at `expires_at` can still be spent."""
    return local_date(expires_at - timedelta(microseconds=1))


def month_of(moment: datetime) -> str:
    """The community calendar month of a moment, as YYYY-MM."""
    local = moment.astimezone(COMMUNITY_TIMEZONE)
    return f"{local.year:04d}-{local.month:02d}"


def start_of_local_month(moment: datetime) -> datetime:
    local = local_date(moment)
    return start_of_local_day(local.replace(day=1))
