"""Ledger and stock invariants, checked in SQL after the load (each must find 0 rows)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import asyncpg

from bench.seed import connected

CHECKS: list[tuple[str, str]] = [
    (
        "no account but the issuance account has a negative balance",
        "SELECT count(*) FROM account WHERE kind <> 'ISSUANCE' AND balance < 0",
    ),
    (
        "no wallet or merchant entry left a negative balance",
        "SELECT count(*) FROM points_entry e JOIN account a ON a.id = e.account_id "
        "WHERE a.kind <> 'ISSUANCE' AND e.balance_after < 0",
    ),
    (
        "each wallet's balance = the sum of its lots' remaining amounts",
        "SELECT count(*) FROM account a LEFT JOIN (SELECT account_id, sum(remaining) AS s "
        "FROM points_lot GROUP BY account_id) l ON l.account_id = a.id "
        "WHERE a.kind = 'WALLET' AND a.balance <> coalesce(l.s, 0)",
    ),
    (
        "cached balance = sum of the account's entries",
        "SELECT count(*) FROM account a LEFT JOIN (SELECT account_id, sum(amount) AS s "
        "FROM points_entry GROUP BY account_id) e ON e.account_id = a.id "
        "WHERE a.balance <> coalesce(e.s, 0)",
    ),
    (
        "each entry's balance_after = running sum of its account's entries",
        "SELECT count(*) FROM (SELECT balance_after, sum(amount) OVER (PARTITION BY account_id "
        "ORDER BY id) AS running FROM points_entry) x WHERE balance_after <> running",
    ),
    (
        "each transfer has exactly its debit and its credit entry",
        "SELECT count(*) FROM points_transfer t LEFT JOIN (SELECT transfer_id, count(*) AS n, "
        "sum(amount) AS s, min(amount) AS lo, max(amount) AS hi, "
        "min(account_id) FILTER (WHERE amount < 0) AS debit, "
        "min(account_id) FILTER (WHERE amount > 0) AS credit "
        "FROM points_entry GROUP BY transfer_id) e ON e.transfer_id = t.id "
        "WHERE e.n IS DISTINCT FROM 2 OR e.s <> 0 OR e.lo <> -t.amount OR e.hi <> t.amount "
        "OR e.debit <> t.debit_account_id OR e.credit <> t.credit_account_id",
    ),
    (
        "no oversold stock: remaining + ISSUED + USED vouchers = stock_added",
        "SELECT count(*) FROM offer o LEFT JOIN (SELECT offer_id, count(*) AS n FROM voucher "
        "WHERE status IN ('ISSUED', 'USED') GROUP BY offer_id) v ON v.offer_id = o.id "
        "WHERE o.remaining < 0 OR o.remaining + coalesce(v.n, 0) <> o.stock_added",
    ),
    (
        "every ISSUED or USED voucher was paid by one REDEMPTION transfer of its price",
        "SELECT count(*) FROM voucher v LEFT JOIN (SELECT source_id, count(*) AS n, "
        "min(amount) AS amount FROM points_transfer WHERE source_type = 'voucher' "
        "AND reason = 'REDEMPTION' GROUP BY source_id) t ON t.source_id = v.id "
        "WHERE v.status IN ('ISSUED', 'USED') AND (t.n IS DISTINCT FROM 1 "
        "OR t.amount <> v.points_spent)",
    ),
]


@dataclass(frozen=True, slots=True)
class Checked:
    name: str
    violations: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.violations == 0


async def check(conn: asyncpg.Connection) -> list[Checked]:
    await conn.execute("SET work_mem = '256MB'")
    results: list[Checked] = []
    for name, sql in CHECKS:
        started = time.perf_counter()
        violations = int(await conn.fetchval(sql))
        results.append(Checked(name, violations, time.perf_counter() - started))
    return results


async def totals(conn: asyncpg.Connection) -> dict[str, int]:
    row = await conn.fetchrow(
        "SELECT (SELECT count(*) FROM points_entry) AS entries, "
        "(SELECT count(*) FROM points_transfer) AS transfers, "
        "(SELECT count(*) FROM voucher WHERE status = 'ISSUED') AS issued, "
        "(SELECT count(*) FROM voucher WHERE status = 'USED') AS used, "
        "(SELECT coalesce(sum(balance), 0) FROM account) AS balance_sum"
    )
    return {key: int(value) for key, value in dict(row).items()}


async def run(url: str) -> tuple[list[Checked], dict[str, int]]:
    async with connected(url) as conn:
        return await check(conn), await totals(conn)
