"""Migrations 0003/0004 move today's balances into lots without losing a point: a copy of the
demo data of migration 0002 (with points awarded from the then unfunded pool, adjustments and
redemptions: tests/data/demo_0002.json.gz) is loaded at 0002 and migrated to the latest."""

from __future__ import annotations

import gzip
import json
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate

from gateway.db import apply_migrations, tortoise_config
from tests.dbsetup import ON_POSTGRES, TEST_DATABASE_URL, _asyncpg_dsn, _with_database

FIXTURE = Path(__file__).parent / "data" / "demo_0002.json.gz"
AT_0002 = "gridpoints.0002_ledger_guards"
# Referenced tables first.
TABLES = (
    "community",
    "courtyard",
    "resident_group",
    "micro_grid",
    "app_user",
    "grid_assignment",
    "refresh_token",
    "user_role",
    "merchant",
    "merchant_operator",
    "offer",
    "account",
    "points_transfer",
    "points_entry",
    "voucher",
    "earning_rule",
    "community_event",
    "event_signup",
    "notice",
    "report",
    "report_event",
    "service_level",
    "suggestion",
)
Rows = list[dict[str, Any]]


def _fixture() -> dict[str, Rows]:
    data: dict[str, Rows] = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    return data


async def _at_0002(url: str) -> None:
    async with TortoiseContext():
        await migrate(config=tortoise_config(url, pool_size=2), target=AT_0002)


class SqliteCopy:
    def __init__(self, path: Path) -> None:
        self.url = f"sqlite://{path}"
        self.path = path

    async def load(self, data: dict[str, Rows]) -> None:
        with sqlite3.connect(self.path) as db:
            for table in TABLES:
                for row in data[table]:
                    columns = ", ".join(f'"{c}"' for c in row)
                    marks = ", ".join("?" for _ in row)
                    db.execute(
                        f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(row.values())
                    )

    async def rows(self, sql: str) -> Rows:
        with sqlite3.connect(self.path) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(sql).fetchall()]


class PostgresCopy:
    def __init__(self, url: str) -> None:
        self.url = url

    async def load(self, data: dict[str, Rows]) -> None:
        db = await asyncpg.connect(_asyncpg_dsn(self.url))
        try:
            for table in TABLES:
                types = {
                    r["column_name"]: r["data_type"]
                    for r in await db.fetch(
                        "SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_name = $1",
                        table,
                    )
                }
                for row in data[table]:
                    values = [_pg_value(types[c], v) for c, v in row.items()]
                    columns = ", ".join(f'"{c}"' for c in row)
                    marks = ", ".join(f"${n}" for n in range(1, len(row) + 1))
                    await db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', *values)
                if data[table]:
                    await db.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT MAX(id) FROM "{table}"))'
                    )
        finally:
            await db.close()

    async def rows(self, sql: str) -> Rows:
        db = await asyncpg.connect(_asyncpg_dsn(self.url))
        try:
            return [dict(r) for r in await db.fetch(sql)]
        finally:
            await db.close()


def _pg_value(data_type: str, value: Any) -> Any:
    if value is None:
        return None
    if data_type.startswith("timestamp"):
        return datetime.fromisoformat(str(value))
    if data_type == "boolean":
        return bool(value)
    return value


@asynccontextmanager
async def _copy_at_0002(tmp_path: Path) -> AsyncIterator[SqliteCopy | PostgresCopy]:
    if not ON_POSTGRES:
        copy = SqliteCopy(tmp_path / "demo.sqlite3")
        await _at_0002(copy.url)
        yield copy
        return
    name = f"gridpoints_migrate_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        pg = PostgresCopy(_with_database(TEST_DATABASE_URL, name))
        await _at_0002(pg.url)
        yield pg
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_the_demo_data_of_0002_moves_into_lots_without_losing_a_point(tmp_path: Path) -> None:
    data = _fixture()
    before = {int(a["id"]): int(a["balance"]) for a in data["account"]}
    issued = -sum(int(a["balance"]) for a in data["account"] if a["kind"] == "POOL")
    assert issued > 0 and any(b > 0 for b in before.values()), "the copy has points to move"
    async with _copy_at_0002(tmp_path) as copy:
        await copy.load(data)
        await apply_migrations(copy.url)

        accounts = await copy.rows("SELECT id, kind, balance FROM account ORDER BY id")
        after = {int(a["id"]): int(a["balance"]) for a in accounts}
        lots = await copy.rows(
            "SELECT account_id, SUM(remaining) AS kept, SUM(amount) AS earned, "
            "COUNT(expires_at) AS expiring FROM points_lot GROUP BY account_id"
        )
        in_lots = {int(r["account_id"]): int(r["kept"]) for r in lots}
        for account in accounts:
            account_id, kind, balance = int(account["id"]), account["kind"], int(account["balance"])
            if kind == "WALLET":
                assert balance == before[account_id], "no wallet's balance changed"
                assert in_lots.get(account_id, 0) == balance, "each balance is its lots' sum"
            elif kind == "POOL":
                assert balance == 0, "the pool that had issued is funded to zero"
            elif kind == "MERCHANT":
                assert balance == before[account_id]
        assert all(int(r["expiring"]) == 0 for r in lots), "today's points never expire"
        issuance = [int(a["balance"]) for a in accounts if a["kind"] == "ISSUANCE"]
        assert issuance == [-issued]
        assert sum(after.values()) == 0
        kept = sum(b for a, b in after.items() if a in before)
        assert kept == sum(before.values()) + issued, "every point is where it was, or funded"
        entries = await copy.rows(
            "SELECT account_id, amount, balance_after FROM points_entry ORDER BY id"
        )
        running: dict[int, int] = {}
        for entry in entries:
            account_id = int(entry["account_id"])
            running[account_id] = running.get(account_id, 0) + int(entry["amount"])
            assert running[account_id] == int(entry["balance_after"])
        assert running == {a: b for a, b in after.items() if b or a in running}
