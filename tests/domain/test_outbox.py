"""Change notifications: collected by the unit of work, never dropped without a word."""

from __future__ import annotations

import logging

import pytest

from models import outbox


def test_changes_recorded_inside_collecting_are_collected(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="gridpoints.outbox"), outbox.collecting() as got:
        outbox.report_changed(report_id=7)
        outbox.points_changed(user_id=3, entry_id=11)
    assert got == [outbox.Change("report", 7, 7), outbox.Change("points", 3, 11)]
    assert caplog.records == []


def test_a_change_recorded_outside_collecting_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="gridpoints.outbox"):
        outbox.booking_changed(booker_id=5, booking_id=9)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            logging.WARNING,
            "change booking key=5 object=9 dropped: recorded outside outbox.collecting()",
        )
    ]
