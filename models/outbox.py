"""Change notifications recorded by the domain, published by the gateway after success.

Domain code calls `record()`; whoever runs the unit of work wraps it in `collecting()` and
publishes what was collected once the work has committed (and drops it on failure).

Outside `collecting()` nobody will publish a change, so `record()` logs a warning naming it:
raising would make every domain function uncallable from tests and scripts that have no
subscribers, while saying nothing hid a unit of work that forgot to collect. Mutations
(`schema/mutation.py`) and background jobs (`gateway/jobs.py`) collect and publish; the demo
loader collects and deliberately drops what it records (nobody is listening yet).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

log = logging.getLogger("gridpoints.outbox")

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
    """Note a change for publishing after commit; warns when no unit of work collects it."""
    pending = _pending.get()
    if pending is None:
        log.warning(
            "change %s key=%s object=%s dropped: recorded outside outbox.collecting()",
            topic,
            key,
            object_id,
        )
        return
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
