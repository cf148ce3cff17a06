"""The database refuses a double booking: two bookings of one venue that both hold the room
(REQUESTED, CONFIRMED, CHECKED_IN, COMPLETED) and whose times overlap. Back-to-back bookings,
where one ends as the next starts, are allowed: the ranges are half-open.

PostgreSQL gets an exclusion constraint over the venue and the booking's tstzrange (the
btree_gist extension lets a GiST index compare the venue id with `=`). SQLite has no
exclusion constraints, so triggers abort any insert or update that would overlap, which is the
same guarantee: SQLite runs one writer at a time. Both also refuse a booking that does not end
after it starts, and a closure likewise.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

HOLDING = "('REQUESTED', 'CONFIRMED', 'CHECKED_IN', 'COMPLETED')"
CHECKS = [
    ("venue_booking", "booking_ends_after_start", "ends_at > starts_at"),
    ("venue_closure", "closure_ends_after_start", "ends_at > starts_at"),
    ("venue_booking", "booking_party_positive", "party_size > 0"),
    ("venue_booking", "booking_deposit_not_negative", "deposit_points >= 0"),
]
OVERLAP = "venue_booking_no_overlap"

POSTGRES_EXCLUSION = (
    f'ALTER TABLE "venue_booking" ADD CONSTRAINT "{OVERLAP}" EXCLUDE USING gist '
    "(venue_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    f"WHERE (status IN {HOLDING})"
)

# julianday() reads the stored ISO text with its offset, so the comparison is of instants.
SQLITE_OVERLAP = (
    "NEW.status IN {holding} AND EXISTS (SELECT 1 FROM venue_booking AS other "
    "WHERE other.venue_id = NEW.venue_id AND other.id IS NOT NEW.id "
    "AND other.status IN {holding} "
    "AND julianday(other.starts_at) < julianday(NEW.ends_at) "
    "AND julianday(NEW.starts_at) < julianday(other.ends_at))"
).format(holding=HOLDING)


def _sqlite_check(table: str, name: str, check: str, event: str) -> str:
    new_check = check
    for column in ("starts_at", "ends_at", "party_size", "deposit_points"):
        new_check = new_check.replace(column, f"NEW.{column}")
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name}_{event.lower()} BEFORE {event} ON {table} "
        f"WHEN NOT ({new_check}) BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
    )


def _sqlite_overlap(event: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {OVERLAP}_{event.lower()} BEFORE {event} ON venue_booking "
        f"WHEN {SQLITE_OVERLAP} BEGIN SELECT RAISE(ABORT, 'conflicting key value violates "
        f"exclusion constraint {OVERLAP}'); END"
    )


async def add_guards(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "sqlite":
        for event in ("INSERT", "UPDATE"):
            for table, name, check in CHECKS:
                await client.execute_script(_sqlite_check(table, name, check, event))
            await client.execute_script(_sqlite_overlap(event))
        return
    await client.execute_script("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, name, check in CHECKS:
        await client.execute_script(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({check})'
        )
    await client.execute_script(POSTGRES_EXCLUSION)


async def drop_guards(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "sqlite":
        for event in ("insert", "update"):
            for _, name, _ in CHECKS:
                await client.execute_script(f"DROP TRIGGER IF EXISTS {name}_{event}")
            await client.execute_script(f"DROP TRIGGER IF EXISTS {OVERLAP}_{event}")
        return
    await client.execute_script(f'ALTER TABLE "venue_booking" DROP CONSTRAINT "{OVERLAP}"')
    for table, name, _ in CHECKS:
        await client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


class Migration(migrations.Migration):
    dependencies = [("gridpoints", "0005_venues")]

    operations = [ops.RunPython(add_guards, drop_guards)]
