"""The settable clock: a test that needs "later" moves the domain's one clock instead of
patching modules or passing `now=` through every call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from models import clock


class SettableClock:
    """A time that stands still until the test sets or advances it."""

    def __init__(self, start: datetime) -> None:
        self.moment = clock.as_utc(start, field="start")

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = clock.as_utc(moment, field="moment")

    def advance(self, delta: timedelta) -> datetime:
        self.moment += delta
        return self.moment


@pytest.fixture
def frozen_clock() -> Iterator[SettableClock]:
    """The domain's clock stopped at the moment the test starts; restored afterwards."""
    settable = SettableClock(datetime.now(UTC))
    clock.set_source(settable.now)
    try:
        yield settable
    finally:
        clock.set_source(None)
