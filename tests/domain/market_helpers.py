"""Checks shared by the marketplace and ledger tests, read straight from the tables so they
trust nothing the code under test reports; the builders are tests/harness/market.py's."""

from __future__ import annotations

from models.market import Merchant
from models.sql import fetch
from tests.harness.market import (
    active_merchant,
    admin,
    fund,
    new_key,
    offer_of,
    outsider,
    pending_merchant,
    reload,
    resident,
)
from tests.harness.snapshots import MARKET_TABLES
from tests.harness.snapshots import market_rows as snapshot
from tests.harness.wallets import balance

__all__ = [
    "MARKET_TABLES",
    "active_merchant",
    "admin",
    "balance",
    "fund",
    "new_key",
    "offer_of",
    "outsider",
    "pending_merchant",
    "reload",
    "resident",
    "snapshot",
]


async def merchant_balance(merchant: Merchant) -> int:
    rows = await fetch("SELECT balance FROM account WHERE merchant_id = ?", merchant.id)
    return int(rows[0]["balance"]) if rows else 0


async def count(table: str) -> int:
    rows = await fetch(f"SELECT COUNT(*) AS n FROM {table}")
    return int(rows[0]["n"])


async def count_transfers() -> int:
    """Transfers made by the code under test: the pool's funding by the builders aside."""
    rows = await fetch("SELECT COUNT(*) AS n FROM points_transfer WHERE reason <> 'FUNDING'")
    return int(rows[0]["n"])


async def assert_ledger_consistent() -> None:
    """The ledger's invariants, read straight from the tables."""
    accounts = await fetch("SELECT id, kind, balance FROM account")
    assert sum(int(a["balance"]) for a in accounts) == 0
    assert all(int(a["balance"]) >= 0 for a in accounts if a["kind"] != "ISSUANCE")
    entries = await fetch(
        "SELECT account_id, transfer_id, amount, balance_after FROM points_entry ORDER BY id"
    )
    running: dict[int, int] = {}
    for entry in entries:
        account_id = int(entry["account_id"])
        running[account_id] = running.get(account_id, 0) + int(entry["amount"])
        assert running[account_id] == int(entry["balance_after"]), "balance_after is exact"
    for account in accounts:
        assert running.get(int(account["id"]), 0) == int(account["balance"]), "cache = entries"
    per_transfer = await fetch(
        "SELECT t.amount, COUNT(e.id) AS sides, SUM(e.amount) AS net, "
        "SUM(CASE WHEN e.amount > 0 THEN e.amount ELSE 0 END) AS credited "
        "FROM points_transfer t JOIN points_entry e ON e.transfer_id = t.id GROUP BY t.id, t.amount"
    )
    for transfer in per_transfer:
        assert int(transfer["sides"]) == 2 and int(transfer["net"]) == 0
        assert int(transfer["credited"]) == int(transfer["amount"])
    assert len(per_transfer) == await count("points_transfer")
    assert not await fetch("SELECT id FROM account WHERE kind <> 'ISSUANCE' AND balance < 0"), (
        "only the issuance account goes below zero"
    )


async def assert_stock_consistent() -> None:
    """remaining + vouchers holding a unit (ISSUED or USED) = units ever added."""
    rows = await fetch(
        "SELECT o.id, o.remaining, o.stock_added, "
        "(SELECT COUNT(*) FROM voucher v WHERE v.offer_id = o.id "
        "AND v.status IN ('ISSUED', 'USED')) AS held FROM offer o"
    )
    for row in rows:
        assert int(row["remaining"]) + int(row["held"]) == int(row["stock_added"]), row
        assert int(row["remaining"]) >= 0
