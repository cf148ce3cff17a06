"""Database-enforced guards the ORM cannot declare: balances, stock and amounts never invalid.

PostgreSQL gets CHECK constraints. SQLite cannot add a CHECK to an existing table, so it gets
triggers that abort the offending statement, which is the same guarantee.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

GUARDS = [
    ("account", "account_balance_not_negative", "kind = 'POOL' OR balance >= 0"),
    ("offer", "offer_remaining_not_negative", "remaining >= 0 AND remaining <= stock_added"),
    ("offer", "offer_price_positive", "points_price > 0"),
    ("points_transfer", "transfer_amount_positive", "amount > 0"),
    ("community_event", "event_capacity_respected", "confirmed_count >= 0 AND confirmed_count <= capacity"),
]


def _sqlite_triggers(table: str, name: str, check: str) -> list[str]:
    new_check = check
    for column in ("kind", "balance", "remaining", "stock_added", "points_price", "amount",
                   "confirmed_count", "capacity"):
        new_check = new_check.replace(column, f"NEW.{column}")
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name}_{event.lower()} BEFORE {event} ON {table} "
        f"WHEN NOT ({new_check}) BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
        for event in ("INSERT", "UPDATE")
    ]


async def add_guards(apps, schema_editor) -> None:
    client = schema_editor.client
    for table, name, check in GUARDS:
        if client.capabilities.dialect == "sqlite":
            for sql in _sqlite_triggers(table, name, check):
                await client.execute_script(sql)
        else:
            await client.execute_script(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({check})'
            )


async def drop_guards(apps, schema_editor) -> None:
    client = schema_editor.client
    for table, name, _ in GUARDS:
        if client.capabilities.dialect == "sqlite":
            for event in ("insert", "update"):
                await client.execute_script(f"DROP TRIGGER IF EXISTS {name}_{event}")
        else:
            await client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


class Migration(migrations.Migration):
    dependencies = [("gridpoints", "0001_initial")]

    operations = [ops.RunPython(add_guards, drop_guards)]
