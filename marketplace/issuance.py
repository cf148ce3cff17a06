"""The monthly issuance counter: points a community awarded or held from its pool per month.

One row per community and calendar month (community time). Counting is one upsert whose
condition is the cap, so racing awards can never together pass it; a voided hold (or the
part of a hold not posted) is given back to the month it was counted in.
"""

from __future__ import annotations

from datetime import datetime

from models import clock
from models.errors import IssuanceCapReached
from models.sql import fetch, fetch_one


async def count(*, community_id: int, amount: int, cap: int | None, now: datetime) -> str:
    """Add `amount` to this month's issuance, refused past `cap`; return the month."""
    month = clock.month_of(now)
    if cap is not None and amount > cap:
        raise IssuanceCapReached()
    within_cap = "" if cap is None else " WHERE points_issuance_month.issued + ? <= ?"
    row = await fetch_one(
        "INSERT INTO points_issuance_month (community_id, month, issued) VALUES (?, ?, ?) "
        "ON CONFLICT (community_id, month) DO UPDATE "
        f"SET issued = points_issuance_month.issued + ?{within_cap} RETURNING issued",
        community_id,
        month,
        amount,
        amount,
        *(() if cap is None else (amount, cap)),
    )
    if row is None:
        raise IssuanceCapReached()
    return month


async def give_back(*, community_id: int, month: str, amount: int) -> None:
    """Return points counted in `month` that were never issued after all."""
    if amount <= 0:
        return
    await fetch(
        "UPDATE points_issuance_month SET issued = issued - ? WHERE community_id = ? "
        "AND month = ? RETURNING id",
        amount,
        community_id,
        month,
    )


async def issued_in(*, community_id: int, month: str) -> int:
    row = await fetch_one(
        "SELECT issued FROM points_issuance_month WHERE community_id = ? AND month = ?",
        community_id,
        month,
    )
    return 0 if row is None else int(row["issued"])
