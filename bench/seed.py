"""Seeding the benchmark database with set-based SQL (INSERT ... SELECT generate_series).

Nothing goes through the ORM row by row. The ledger is written the way the domain writes it,
only in bulk: each transfer is one points_transfer row and two points_entry rows (debit and
credit), every entry's balance_after is the running sum of its account's entries (a window
function), and account.balance ends equal to the sum of the account's entries.

Wallets never dip below zero: transfers come round-robin over a set of wallets, and in each
wallet's own sequence every fourth transfer is a small spend after three larger earnings.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg

from bench.config import Plan
from gateway.db import apply_migrations

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2g$not-a-real-hash-logins-are-not-benchmarked"
CATEGORIES = ["SAFETY_HAZARD", "SANITATION", "FACILITY", "DISPUTE", "NOISE", "OTHER"]
EARN_REASONS = ["REPORT_VERIFIED", "EVENT_ATTENDED", "SUGGESTION_ADOPTED"]


@dataclass
class SeedTimings:
    steps: dict[str, float] = field(default_factory=dict)

    def add(self, step: str, seconds: float) -> None:
        self.steps[step] = self.steps.get(step, 0.0) + seconds


@contextlib.asynccontextmanager
async def connected(url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(url)
    try:
        yield conn
    finally:
        await conn.close()


async def create_database(admin_url: str, name: str) -> None:
    """Drop the benchmark database if a previous run kept it, and create it anew."""
    await drop_database(admin_url, name)
    async with connected(admin_url) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')


async def drop_database(admin_url: str, name: str) -> None:
    async with connected(admin_url) as admin:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def seed_small(url: str, plan: Plan, timings: SeedTimings) -> None:
    """Migrations, the community, and the small ledger on the hot wallets."""
    started = time.perf_counter()
    await apply_migrations(url)
    timings.add("migrations", time.perf_counter() - started)
    async with connected(url) as conn:
        await seed_community(conn, plan, timings)
        await extend_ledger(
            conn,
            plan,
            entries=plan.small_entries,
            wallets=plan.hot_wallets,
            days_ago=400,
            span_days=10,
            timings=timings,
        )
        await analyze(conn, timings)


async def seed_full(url: str, plan: Plan, timings: SeedTimings, salt: int) -> dict[str, int]:
    """The ledger grown to its full size over all residents, and the W4 vouchers; returns
    the table sizes."""
    async with connected(url) as conn:
        await extend_ledger(
            conn,
            plan,
            entries=plan.entries - plan.small_entries - 2 * plan.vouchers,
            wallets=plan.residents,
            days_ago=390,
            span_days=385,
            timings=timings,
        )
        await issue_vouchers(conn, plan, count=plan.vouchers, salt=salt, timings=timings)
        await analyze(conn, timings)
        return await counts(conn)


async def entries_per_wallet(url: str, hot_wallets: int) -> tuple[int, float]:
    """All ledger entries, and the average entries of the hot wallets."""
    async with connected(url) as conn:
        total = int(await conn.fetchval("SELECT count(*) FROM points_entry"))
        per_wallet = await conn.fetchval(
            "SELECT count(*)::float8 / $1 FROM points_entry e "
            "JOIN account a ON a.id = e.account_id WHERE a.user_id <= $1",
            hot_wallets,
        )
    return total, float(per_wallet)


async def seed_community(conn: asyncpg.Connection, plan: Plan, timings: SeedTimings) -> None:
    """The grid tree, people and roles, merchants and offers, wallets, reports."""
    r, m, w = plan.residents, plan.merchants, plan.grid_workers
    g, c = plan.micro_grids, plan.courtyards
    await conn.execute("SET work_mem = '256MB'")
    steps: dict[str, str] = {}
    steps["grid tree"] = f"""
        INSERT INTO community (id, name, created_at) VALUES (1, 'Bench community', now());
        INSERT INTO courtyard (id, community_id, name, party_branch)
          SELECT i, 1, 'Courtyard ' || i, 'Branch ' || i FROM generate_series(1, {c}) i;
        INSERT INTO micro_grid (id, courtyard_id, name)
          SELECT i, (i - 1) % {c} + 1, 'Grid ' || i FROM generate_series(1, {g}) i;
        """
    # Users: residents 1..r, merchant owners r+1..r+m, grid workers after them.
    steps["users and roles"] = f"""
        INSERT INTO app_user (id, community_id, phone, password_hash, display_name, home_grid_id,
                              created_at)
          SELECT i, 1, '139' || lpad(i::text, 8, '0'), '{PASSWORD_HASH}',
                 CASE WHEN i <= {r} THEN 'Resident ' || i
                      WHEN i <= {r + m} THEN 'Owner ' || (i - {r})
                      ELSE 'Grid worker ' || (i - {r + m}) END,
                 CASE WHEN i <= {r} THEN (i - 1) % {g} + 1 END,
                 now() - interval '400 days'
          FROM generate_series(1, {r + m + w}) i;
        INSERT INTO user_role (user_id, role)
          SELECT i, CASE WHEN i <= {r} THEN 'RESIDENT' WHEN i <= {r + m} THEN 'MERCHANT'
                         ELSE 'GRID_WORKER' END
          FROM generate_series(1, {r + m + w}) i;
        INSERT INTO grid_assignment (user_id, micro_grid_id, role, is_leader)
          SELECT {r + m} + (j - 1) % {w} + 1, j, 'GRID_WORKER', true
          FROM generate_series(1, {g}) j;
        """
    steps["merchants and offers"] = f"""
        INSERT INTO merchant (id, community_id, owner_id, name, category, address, status,
                              created_at)
          SELECT i, 1, {r} + i, 'Shop ' || i, 'food', i || ' Market Road', 'ACTIVE',
                 now() - interval '400 days'
          FROM generate_series(1, {m}) i;
        INSERT INTO merchant_operator (merchant_id, user_id)
          SELECT i, {r} + i FROM generate_series(1, {m}) i;
        INSERT INTO offer (id, merchant_id, title, description, points_price, stock_added,
                           remaining, per_user_limit, valid_from, valid_until, status,
                           created_at)
          SELECT i, (i - 1) % {m} + 1, 'Offer ' || i, 'A voucher for offer ' || i,
                 1 + i % 10, 1000, 1000, NULL, NULL, NULL, 'ACTIVE',
                 now() - interval '200 days' + i * interval '1 minute'
          FROM generate_series(1, {plan.offers}) i;
        """
    steps["accounts"] = f"""
        INSERT INTO account (id, community_id, kind, user_id, merchant_id, balance)
          VALUES (1, 1, 'POOL', NULL, NULL, 0);
        INSERT INTO account (id, community_id, kind, user_id, merchant_id, balance)
          SELECT 1 + i, 1, 'WALLET', i, NULL, 0 FROM generate_series(1, {r}) i;
        INSERT INTO account (id, community_id, kind, user_id, merchant_id, balance)
          SELECT 1 + {r} + i, 1, 'MERCHANT', NULL, i, 0 FROM generate_series(1, {m}) i;
        INSERT INTO account (id, community_id, kind, user_id, merchant_id, balance)
          VALUES (2 + {r} + {m}, 1, 'ISSUANCE', NULL, NULL, -{BENCH_FUNDING});
        UPDATE account SET balance = {BENCH_FUNDING} WHERE id = 1;
        INSERT INTO points_transfer (id, debit_account_id, credit_account_id, amount, reason,
                                     memo, created_at)
          VALUES (1, 2 + {r} + {m}, 1, {BENCH_FUNDING}, 'FUNDING', 'Bench funding',
                  now() - interval '400 days');
        INSERT INTO points_entry (id, account_id, transfer_id, amount, balance_after, reason,
                                  memo, created_at)
          VALUES (1, 2 + {r} + {m}, 1, -{BENCH_FUNDING}, -{BENCH_FUNDING}, 'FUNDING',
                  'Bench funding', now() - interval '400 days'),
                 (2, 1, 1, {BENCH_FUNDING}, {BENCH_FUNDING}, 'FUNDING', 'Bench funding',
                  now() - interval '400 days');
        """
    categories = "ARRAY[" + ",".join(f"'{x}'" for x in CATEGORIES) + "]"
    steps["reports"] = f"""
        INSERT INTO report (id, community_id, micro_grid_id, reporter_id, category, description,
                            status, address, photos, points_awarded, created_at, updated_at)
          SELECT i, 1, (i - 1) % {g} + 1, (i * 7919) % {r} + 1,
                 ({categories})[i % 6 + 1], 'Report ' || i || ': something needs fixing',
                 'SUBMITTED', 'Building ' || (i % 40 + 1), '[]'::jsonb, 0,
                 now() - interval '60 days' + i * interval '1 second',
                 now() - interval '60 days' + i * interval '1 second'
          FROM generate_series(1, {plan.reports}) i;
        INSERT INTO report_event (report_id, actor_id, from_status, to_status, note, at)
          SELECT id, reporter_id, NULL, 'SUBMITTED', NULL, created_at FROM report ORDER BY id;
        """
    for step, sql in steps.items():
        started = time.perf_counter()
        await conn.execute(sql)
        timings.add(step, time.perf_counter() - started)
    await _reset_sequences(conn)


# The pool is funded (from the issuance account) with more than the seeded ledger awards.
BENCH_FUNDING = 10**12


# Every table's id sequence moved past the ids the seeding wrote explicitly.
_RESET_SEQUENCES = """
DO $$ DECLARE seq text; tab text; col text; BEGIN
  FOR seq, tab, col IN
    SELECT s.oid::regclass::text, d.refobjid::regclass::text, a.attname
    FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S' LOOP
    EXECUTE format('SELECT setval(%L, (SELECT coalesce(max(%I), 0) + 1 FROM %s), false)',
                   seq, col, tab);
  END LOOP;
END $$
"""


async def _reset_sequences(conn: asyncpg.Connection) -> None:
    await conn.execute(_RESET_SEQUENCES)


_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS bench_tx (
  seq bigint, debit int, credit int, amount bigint, reason text, memo text, actor_id int,
  source_type text, source_id int, created_at timestamptz);
TRUNCATE bench_tx;
"""

# Post every staged transfer: transfers with ids after the last one, two entries each with
# the running balance, then the cached balances.
_POST = """
CREATE TEMP TABLE bench_entries AS
  SELECT s.id, s.account_id, s.transfer_id, s.amount,
         a.balance + sum(s.amount) OVER (PARTITION BY s.account_id ORDER BY s.id) AS balance_after,
         s.reason, s.memo, s.created_at
  FROM (
    SELECT {e0} + 2 * seq + 1 AS id, debit AS account_id, {t0} + seq + 1 AS transfer_id,
           -amount AS amount, reason, memo, created_at FROM bench_tx
    UNION ALL
    SELECT {e0} + 2 * seq + 2, credit, {t0} + seq + 1, amount, reason, memo, created_at
    FROM bench_tx
  ) s JOIN account a ON a.id = s.account_id;
INSERT INTO points_transfer (id, debit_account_id, credit_account_id, amount, reason, memo,
                             actor_id, source_type, source_id, idempotency_key, fingerprint,
                             created_at)
  SELECT {t0} + seq + 1, debit, credit, amount, reason, memo, actor_id, source_type, source_id,
         NULL, NULL, created_at
  FROM bench_tx ORDER BY seq;
INSERT INTO points_entry (id, account_id, transfer_id, amount, balance_after, reason, memo,
                          created_at)
  SELECT id, account_id, transfer_id, amount, balance_after, reason, memo, created_at
  FROM bench_entries ORDER BY id;
UPDATE account a SET balance = a.balance + d.delta
  FROM (SELECT account_id, sum(amount) AS delta FROM bench_entries GROUP BY account_id) d
  WHERE a.id = d.account_id;
-- A wallet's balance is the sum of its lots: each wallet the staged transfers changed gets
-- its balance as one fresh lot (seeding runs before any spending records a lot).
CREATE TEMP TABLE bench_changed AS
  SELECT DISTINCT e.account_id FROM bench_entries e JOIN account a ON a.id = e.account_id
  WHERE a.kind = 'WALLET';
UPDATE points_lot SET remaining = 0 WHERE account_id IN (SELECT account_id FROM bench_changed);
INSERT INTO points_lot (account_id, amount, remaining, earned_at)
  SELECT a.id, a.balance, a.balance, now() FROM account a
  WHERE a.id IN (SELECT account_id FROM bench_changed) AND a.balance > 0;
DROP TABLE bench_changed;
DROP TABLE bench_entries;
"""


async def _post_staged(conn: asyncpg.Connection) -> None:
    t0 = await conn.fetchval("SELECT coalesce(max(id), 0) FROM points_transfer")
    e0 = await conn.fetchval("SELECT coalesce(max(id), 0) FROM points_entry")
    async with conn.transaction():
        await conn.execute(_POST.format(t0=t0, e0=e0))
    await _reset_sequences(conn)


async def extend_ledger(
    conn: asyncpg.Connection,
    plan: Plan,
    *,
    entries: int,
    wallets: int,
    days_ago: float,
    span_days: float,
    timings: SeedTimings,
) -> None:
    """Append entries/2 transfers round-robin over the first `wallets` residents' wallets:
    in each wallet's sequence, three earnings from the pool then one spend at a merchant."""
    transfers = entries // 2
    if transfers <= 0:
        return
    reasons = "ARRAY[" + ",".join(f"'{x}'" for x in EARN_REASONS) + "]"
    pool, first_wallet, first_merchant = 1, 2, 2 + plan.residents
    started = time.perf_counter()
    await conn.execute(_STAGE)
    await conn.execute(
        f"""
        INSERT INTO bench_tx
          SELECT g,
                 CASE WHEN spend THEN {first_wallet} + g % {wallets} ELSE {pool} END,
                 CASE WHEN spend THEN {first_merchant} + g % {plan.merchants}
                      ELSE {first_wallet} + g % {wallets} END,
                 CASE WHEN spend THEN 5 + g % 6 ELSE 100 + g % 101 END,
                 CASE WHEN spend THEN 'REDEMPTION' ELSE ({reasons})[g % 3 + 1] END,
                 CASE WHEN spend THEN 'Shop purchase' ELSE NULL END,
                 CASE WHEN spend THEN 1 + g % {wallets} ELSE NULL END,
                 CASE WHEN spend THEN 'bench' ELSE 'seed' END,
                 NULL,
                 now() - interval '{days_ago} days'
                   + (g::float8 / {transfers}) * interval '{span_days} days'
          FROM (SELECT g, (g / {wallets}) % 4 = 3 AS spend
                FROM generate_series(0, {transfers - 1}) g) s
        """
    )
    await _post_staged(conn)
    timings.add("ledger", time.perf_counter() - started)


def _code_sql(number: str) -> str:
    """A 13-symbol voucher code (grouped 4-4-5) computed from a number, unique per number."""
    symbols = (
        f"(SELECT string_agg(substr('{ALPHABET}', (({number} >> (5 * k)) & 31)::int + 1, 1), ''"
        " ORDER BY k) FROM generate_series(0, 12) k)"
    )
    return (
        f"(SELECT substr(c, 1, 4) || '-' || substr(c, 5, 4) || '-' || substr(c, 9, 5) "
        f"FROM (SELECT {symbols} AS c) x)"
    )


async def issue_vouchers(
    conn: asyncpg.Connection, plan: Plan, *, count: int, salt: int, timings: SeedTimings
) -> None:
    """ISSUED vouchers for use in W4, each redeemed properly: a unit off its offer's stock and
    a REDEMPTION transfer from the holder's wallet to the merchant."""
    started = time.perf_counter()
    holders = plan.residents
    # A bijection of v (odd multiplier), salted, so codes look random and never collide.
    number = f"((v::bigint * 2654435761 + {salt}) & ((1::bigint << 62) - 1))"
    await conn.execute(
        f"""
        INSERT INTO voucher (code, offer_id, holder_id, points_spent, status, idempotency_key,
                             issued_at, expires_at)
          SELECT {_code_sql(number)}, o.id, (v * 13) % {holders} + 1, o.points_price, 'ISSUED',
                 'seed-' || v, now() - interval '2 days' + v * interval '1 millisecond',
                 now() + interval '30 days'
          FROM generate_series(0, {count - 1}) v
          JOIN offer o ON o.id = v % {plan.offers} + 1
          ORDER BY v
        """
    )
    await conn.execute(_STAGE)
    await conn.execute(
        f"""
        INSERT INTO bench_tx
          SELECT row_number() OVER (ORDER BY v.id) - 1, 1 + v.holder_id,
                 1 + {plan.residents} + o.merchant_id, v.points_spent, 'REDEMPTION', o.title,
                 v.holder_id, 'voucher', v.id, v.issued_at
          FROM voucher v JOIN offer o ON o.id = v.offer_id
        """
    )
    await _post_staged(conn)
    await conn.execute(
        """
        UPDATE offer o SET remaining = o.remaining - c.n
          FROM (SELECT offer_id, count(*) AS n FROM voucher GROUP BY offer_id) c
          WHERE o.id = c.offer_id
        """
    )
    timings.add("vouchers", time.perf_counter() - started)


async def analyze(conn: asyncpg.Connection, timings: SeedTimings) -> None:
    started = time.perf_counter()
    await conn.execute("VACUUM ANALYZE")
    timings.add("vacuum analyze", time.perf_counter() - started)


COUNTED = (
    "merchant",
    "offer",
    "app_user",
    "account",
    "points_transfer",
    "points_entry",
    "voucher",
    "report",
    "report_event",
)


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    found = {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in COUNTED}
    found["residents"] = int(
        await conn.fetchval("SELECT count(*) FROM user_role WHERE role = 'RESIDENT'")
    )
    return found
