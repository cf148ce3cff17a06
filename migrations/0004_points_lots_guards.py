"""Today's points move into the new model without losing one, then the new guards go on.

- Every community gets its issuance account, and a pool that issued points before pools were
  funded (a negative balance) is funded from it by exactly that much: afterwards no pool is
  below zero, and pool + wallets + merchants = what was funded.
- Every wallet's balance becomes one lot that never expires (the policy every community
  starts with), so each balance equals the sum of its lots.
- Guards the ORM cannot declare, as 0002 does: only the issuance account may go below zero
  (the pool no longer may), and lots, holds, lot spends, issuance counters and settlements
  never hold an impossible amount. CHECK constraints on PostgreSQL, triggers on SQLite.
"""

import re
from datetime import UTC, datetime

from tortoise import migrations
from tortoise.migrations import operations as ops

OPENING_MEMO = "Opening balance: points the pool issued before it was funded"

OLD_ACCOUNT_GUARD = ("account", "account_balance_not_negative", "kind = 'POOL' OR balance >= 0")
GUARDS = [
    ("account", "account_only_issuance_below_zero", "kind = 'ISSUANCE' OR balance >= 0"),
    ("points_lot", "lot_remaining_within_amount", "remaining >= 0 AND remaining <= amount"),
    (
        "points_hold",
        "hold_post_within_amount",
        "amount > 0 AND (posted_amount IS NULL OR (posted_amount >= 0 AND posted_amount <= amount))",
    ),
    ("points_lot_spend", "lot_spend_positive", "amount > 0"),
    ("points_issuance_month", "issuance_not_negative", "issued >= 0"),
    ("merchant_settlement", "settlement_not_negative", "points >= 0"),
]
_COLUMNS = ("kind", "balance", "remaining", "amount", "posted_amount", "issued", "points")


def _sql(client, sql: str) -> str:
    if client.capabilities.dialect != "postgres":
        return sql
    counter = iter(range(1, 1000))
    return re.sub(r"\?", lambda _: f"${next(counter)}", sql)


async def _rows(client, sql: str, *params):
    return [dict(row) for row in await client.execute_query_dict(_sql(client, sql), list(params))]


async def _fund_pools(client, now: datetime) -> None:
    communities = await _rows(client, "SELECT id FROM community ORDER BY id")
    for community in communities:
        issuance = await _rows(
            client,
            "INSERT INTO account (community_id, kind, balance) VALUES (?, 'ISSUANCE', 0) "
            "RETURNING id",
            community["id"],
        )
        issuance_id = int(issuance[0]["id"])
        pools = await _rows(
            client,
            "SELECT id, balance FROM account WHERE community_id = ? AND kind = 'POOL' "
            "AND balance < 0 ORDER BY id",
            community["id"],
        )
        issued_so_far = 0
        for pool in pools:
            amount = -int(pool["balance"])
            issued_so_far -= amount
            transfer = await _rows(
                client,
                "INSERT INTO points_transfer (debit_account_id, credit_account_id, amount, "
                "reason, memo, created_at) VALUES (?, ?, ?, 'FUNDING', ?, ?) RETURNING id",
                issuance_id,
                int(pool["id"]),
                amount,
                OPENING_MEMO,
                now,
            )
            for account_id, delta, after in (
                (issuance_id, -amount, issued_so_far),
                (int(pool["id"]), amount, 0),
            ):
                await _rows(
                    client,
                    "INSERT INTO points_entry (account_id, transfer_id, amount, balance_after, "
                    "reason, memo, created_at) VALUES (?, ?, ?, ?, 'FUNDING', ?, ?) RETURNING id",
                    account_id,
                    int(transfer[0]["id"]),
                    delta,
                    after,
                    OPENING_MEMO,
                    now,
                )
            await _rows(client, "UPDATE account SET balance = 0 WHERE id = ? RETURNING id", pool["id"])
        await _rows(
            client,
            "UPDATE account SET balance = ? WHERE id = ? RETURNING id",
            issued_so_far,
            issuance_id,
        )


async def _lots_for_balances(client, now: datetime) -> None:
    wallets = await _rows(
        client, "SELECT id, balance FROM account WHERE kind = 'WALLET' AND balance > 0 ORDER BY id"
    )
    for wallet in wallets:
        await _rows(
            client,
            "INSERT INTO points_lot (account_id, amount, remaining, earned_at) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            wallet["id"],
            wallet["balance"],
            wallet["balance"],
            now,
        )


def _new(check: str) -> str:
    for column in _COLUMNS:
        check = re.sub(rf"\b{column}\b", f"NEW.{column}", check)
    return check


async def _add_guard(client, table: str, name: str, check: str) -> None:
    if client.capabilities.dialect == "sqlite":
        for event in ("INSERT", "UPDATE"):
            await client.execute_script(
                f"CREATE TRIGGER IF NOT EXISTS {name}_{event.lower()} BEFORE {event} ON {table} "
                f"WHEN NOT ({_new(check)}) BEGIN "
                f"SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
            )
    else:
        await client.execute_script(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({check})')


async def _drop_guard(client, table: str, name: str) -> None:
    if client.capabilities.dialect == "sqlite":
        for event in ("insert", "update"):
            await client.execute_script(f"DROP TRIGGER IF EXISTS {name}_{event}")
    else:
        await client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')


async def forward(apps, schema_editor) -> None:
    client = schema_editor.client
    now = datetime.now(UTC)
    # The old guard forbids the issuance account's negative balance: it goes first.
    await _drop_guard(client, OLD_ACCOUNT_GUARD[0], OLD_ACCOUNT_GUARD[1])
    await _fund_pools(client, now)
    await _lots_for_balances(client, now)
    for table, name, check in GUARDS:
        await _add_guard(client, table, name, check)


async def backward(apps, schema_editor) -> None:
    client = schema_editor.client
    for table, name, _ in GUARDS:
        await _drop_guard(client, table, name)
    await _add_guard(client, *OLD_ACCOUNT_GUARD)


class Migration(migrations.Migration):
    dependencies = [("gridpoints", "0003_points_holds_lots")]

    operations = [ops.RunPython(forward, backward)]
