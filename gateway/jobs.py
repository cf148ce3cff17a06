"""Background jobs: voucher expiry and overdue-report escalation, in every replica.

Each job claims its rows with conditional updates, so replicas running the same job at
the same moment never process a row twice. Changes are published after each run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from community.booking_jobs import run_booking_jobs
from community.jobs import escalate_overdue
from gateway.points_jobs import points_jobs
from gateway.services import Services
from marketplace.vouchers import expire_vouchers
from models import outbox

log = logging.getLogger("gridpoints.jobs")

Job = Callable[[], Awaitable[int]]
JOBS: dict[str, Job] = {
    "expire_vouchers": lambda: expire_vouchers(),
    "escalate_overdue_reports": lambda: escalate_overdue(),
    "venue_bookings": lambda: run_booking_jobs(),
}


async def run_once(services: Services) -> dict[str, int]:
    """Run every job once; a failing job is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, job in {**JOBS, **points_jobs(services.settings)}.items():
        with outbox.collecting() as changes:
            try:
                done[name] = await job()
            except Exception:
                log.exception("background job %s failed", name)
                continue
        await services.publish(changes)
    return done


async def _loop(services: Services, interval: float) -> None:
    while True:
        await run_once(services)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def running(services: Services) -> AsyncIterator[None]:
    """Run the jobs in the background for the life of the app."""
    interval = services.settings.job_interval_seconds
    if interval <= 0:
        yield
        return
    task = asyncio.create_task(_loop(services, interval))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
