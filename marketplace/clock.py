"""Time for the marketplace: aware UTC datetimes are the only kind stored or compared.

SQLite keeps datetimes as ISO text and compares them as text, so a value written with
another offset would sort wrongly there; converting every input to UTC keeps both
databases agreeing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models.errors import InvalidInput


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
