"""The domain's one clock: settable in tests, one refusal of times without a zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from community.jobs import escalate_overdue
from models import clock
from models.civic import Report
from models.enums import ReportCategory
from models.enums import ReportStatus as S
from models.errors import InvalidInput
from tests.clock import SettableClock
from tests.domain.civic_helpers import cast, submitted


def test_a_time_without_a_zone_is_refused_naming_its_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        clock.as_utc(datetime(2030, 1, 1, 8), field="startsAt")
    assert (refused.value.field, str(refused.value)) == (
        "startsAt",
        "Give the time with its time zone.",
    )


def test_times_are_converted_to_utc() -> None:
    china = timezone(timedelta(hours=8))
    converted = clock.as_utc(datetime(2030, 1, 1, 8, tzinfo=china), field="at")
    assert (converted, converted.tzinfo) == (datetime(2030, 1, 1, 0, tzinfo=UTC), UTC)
    assert clock.now_or(datetime(2030, 1, 1, 8, tzinfo=china)) == converted


def test_the_frozen_clock_is_the_domain_clock(frozen_clock: SettableClock) -> None:
    frozen_clock.set(datetime(2031, 5, 6, 7, 8, tzinfo=UTC))
    assert clock.now() == clock.now_or(None) == datetime(2031, 5, 6, 7, 8, tzinfo=UTC)
    assert frozen_clock.advance(timedelta(hours=1)) == clock.now()
    assert clock.now() == datetime(2031, 5, 6, 8, 8, tzinfo=UTC)


async def test_a_job_with_a_naive_now_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        await escalate_overdue(now=datetime(2030, 1, 1))
    assert refused.value.field == "now"


async def test_the_overdue_job_reads_the_clock(frozen_clock: SettableClock, tmp_path: Path) -> None:
    people = await cast()
    report = await submitted(people, tmp_path, ReportCategory.SAFETY_HAZARD)
    assert report.due_at == clock.now() + timedelta(hours=1)
    frozen_clock.advance(timedelta(hours=1))
    assert await escalate_overdue() == 0
    assert (await Report.get(id=report.id)).status is S.SUBMITTED
    frozen_clock.advance(timedelta(seconds=1))
    assert await escalate_overdue() == 1
    assert (await Report.get(id=report.id)).status is S.ESCALATED
