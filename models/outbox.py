"""Change notifications recorded by the domain, published by the gateway after success.

Domain code calls `record()`; whoever runs the unit of work wraps it in `collecting()` and
publishes what was collected once the work has committed (and drops it on failure). Outside
`collecting()`, `record()` does nothing, so domain functions stay callable from anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

POINTS_TOPIC = "points"
REPORT_TOPIC = "report"
BOOKING_TOPIC = "booking"  # keyed by the booker: a holder hears of all their bookings


@dataclass(frozen=True, slots=True)
class Change:
    topic: str
    key: int
    object_id: int


_pending: ContextVar[list[Change] | None] = ContextVar("gridpoints_outbox", default=None)


def record(topic: str, *, key: int, object_id: int) -> None:
    pending = _pending.get()
    if pending is not None:
        pending.append(Change(topic, key, object_id))


def points_changed(*, user_id: int, entry_id: int) -> None:
    record(POINTS_TOPIC, key=user_id, object_id=entry_id)


def report_changed(*, report_id: int) -> None:
    record(REPORT_TOPIC, key=report_id, object_id=report_id)


def booking_changed(*, booker_id: int, booking_id: int) -> None:
    record(BOOKING_TOPIC, key=booker_id, object_id=booking_id)


@contextmanager
def collecting() -> Iterator[list[Change]]:
    changes: list[Change] = []
    token = _pending.set(changes)
    try:
        yield changes
    finally:
        _pending.reset(token)
