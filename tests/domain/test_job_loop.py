"""The background job loop (gateway/jobs.py) on the embedded default database: running, it
escalates an overdue report by itself; with the interval at 0 it runs nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gateway import jobs
from models.civic import Report
from models.enums import ReportStatus
from tests.api.client import make_client
from tests.domain.civic_helpers import at_status, cast, make_overdue


async def _escalated(report_id: int) -> bool:
    return (await Report.get(id=report_id)).status is ReportStatus.ESCALATED


async def test_the_running_loop_escalates_an_overdue_report(tmp_path: Path) -> None:
    people = await cast()
    report = await at_status(people, tmp_path, ReportStatus.ACCEPTED)
    await make_overdue(report.id)
    client = make_client(tmp_path / "media", job_interval_seconds=0.01)
    async with jobs.running(client.services):
        for _ in range(2000):  # a bound on waiting, not a timing assertion
            if await _escalated(report.id):
                break
            await asyncio.sleep(0.01)
    assert await _escalated(report.id)
    await client.services.close()


async def test_an_interval_of_zero_runs_no_job(tmp_path: Path) -> None:
    people = await cast()
    report = await at_status(people, tmp_path, ReportStatus.ACCEPTED)
    await make_overdue(report.id)
    client = make_client(tmp_path / "media", job_interval_seconds=0)
    async with jobs.running(client.services):
        await asyncio.sleep(0.05)
    assert (await Report.get(id=report.id)).status is ReportStatus.ACCEPTED
    assert (await jobs.run_once(client.services))["escalate_overdue_reports"] == 1
    assert await _escalated(report.id)
    await client.services.close()
