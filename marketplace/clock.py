"""Time for the marketplace: aware UTC datetimes are the only kind stored or compared.

SQLite keeps datetimes as ISO text and compares them as text, so a value written with
another offset would sort wrongly there; converting every input to UTC keeps both
databases agreeing.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.errors import InvalidInput

COMMUNITY_TIMEZONE = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime, *, field: str) -> datetime:
    """An input time converted to UTC; a time without a zone is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput("The time needs a time zone.", field=field)
    return value.astimezone(UTC)


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
