"""The points jobs, run with the other background jobs in every replica: stale holds are
voided after GRIDPOINTS_HOLD_TIMEOUT_DAYS, expired lots go back to the pool, and residents
are told of points expiring within 30 days. Each claims its rows by conditional updates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from gateway.settings import Settings
from marketplace.expiry import expire_lots, warn_expiring
from marketplace.holds import void_stale_holds


def points_jobs(settings: Settings) -> dict[str, Callable[[], Awaitable[int]]]:
    older_than = timedelta(days=settings.hold_timeout_days)
    return {
        "void_stale_holds": lambda: void_stale_holds(older_than=older_than),
        "expire_points": lambda: expire_lots(),
        "warn_expiring_points": lambda: warn_expiring(),
    }
