"""Whole-table snapshots, to prove that a refusal wrote nothing.

Each reads the database directly, so it trusts nothing the code under test reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from models.sql import fetch

MARKET_TABLES = (
    "account",
    "points_transfer",
    "points_entry",
    "merchant",
    "merchant_operator",
    "offer",
    "voucher",
    "earning_rule",
    "user_role",
)
CIVIC_TABLES = (
    "report",
    "report_event",
    "service_level",
    "community_event",
    "event_signup",
    "suggestion",
    "notice",
    "account",
    "points_transfer",
    "points_entry",
)

Rows = dict[str, list[dict[str, Any]]]


async def rows_of(tables: Iterable[str]) -> Rows:
    """Every row of `tables`, in id order."""
    return {table: await fetch(f"SELECT * FROM {table} ORDER BY id") for table in tables}


async def market_rows() -> Rows:
    """Every row the marketplace writes."""
    return await rows_of(MARKET_TABLES)


async def civic_rows() -> Rows:
    """Every row civic work writes, points included."""
    return await rows_of(CIVIC_TABLES)
