"""PointsReason gains DEPOSIT_FORFEITED: a forfeited venue deposit no longer says ADJUSTMENT.

The reason columns stay VARCHAR(20) (the new value has 17 characters) and no CHECK or trigger
lists reasons, so only the descriptions Tortoise keeps in its state change. Deposits held
before this migration were placed as ADJUSTMENT; the pending ones are relabelled, so a no-show
after the upgrade is recorded as forfeited too. Past entries stay as they were written: the
ledger is never edited.

Code from before 0007 cannot load a row carrying the new value, so stop it before migrating
(as `migrate` runs before the gateways start in docker-compose.yml). Going back to 0006 labels
every deposit hold ADJUSTMENT again, and is refused once a forfeit has been posted with the
new reason: those ledger entries cannot be relabelled.
"""

from importlib import import_module

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.enums import PointsReason

DescriptionOnly = import_module("migrations.0003_points_holds_lots").DescriptionOnly

# As the enum stood at this migration (frozen: a later value needs a migration of its own).
REASONS = (
    "REPORT_VERIFIED: REPORT_VERIFIED\n"
    "EVENT_ATTENDED: EVENT_ATTENDED\n"
    "SUGGESTION_ADOPTED: SUGGESTION_ADOPTED\n"
    "REDEMPTION: REDEMPTION\n"
    "REFUND: REFUND\n"
    "EXPIRY: EXPIRY\n"
    "ADJUSTMENT: ADJUSTMENT\n"
    "FUNDING: FUNDING\n"
    "HOLD: HOLD\n"
    "HOLD_RELEASED: HOLD_RELEASED\n"
    "SETTLEMENT: SETTLEMENT\n"
    "DEPOSIT_FORFEITED: DEPOSIT_FORFEITED"
)
REASON_COLUMNS = (
    ("EarningRule", "reason"),
    ("EarningRuleVersion", "reason"),
    ("Entry", "reason"),
    ("PointsHold", "reason"),
    ("Transfer", "reason"),
)
PENDING_DEPOSITS = (
    "UPDATE points_hold SET reason = '{new}' "
    "WHERE source_type = 'venue_booking' AND status = 'PENDING' AND reason = '{old}'"
)


async def relabel_pending_deposits(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(
        PENDING_DEPOSITS.format(new="DEPOSIT_FORFEITED", old="ADJUSTMENT")
    )


POSTED_FORFEITS = (
    "SELECT (SELECT count(*) FROM points_transfer WHERE reason = 'DEPOSIT_FORFEITED')"
    " + (SELECT count(*) FROM points_entry WHERE reason = 'DEPOSIT_FORFEITED') AS posted"
)
DEPOSITS_AS_BEFORE = (
    "UPDATE points_hold SET reason = 'ADJUSTMENT' "
    "WHERE source_type = 'venue_booking' AND reason = 'DEPOSIT_FORFEITED'"
)


async def label_deposits_as_before(apps, schema_editor) -> None:
    rows = await schema_editor.client.execute_query_dict(POSTED_FORFEITS)
    if int(rows[0]["posted"]):
        raise RuntimeError(
            "0007 cannot be undone: forfeited deposits were posted as DEPOSIT_FORFEITED, "
            "which code before 0007 cannot read."
        )
    await schema_editor.client.execute_script(DEPOSITS_AS_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("gridpoints", "0006_venue_guards")]

    initial = False

    operations = [
        *(
            DescriptionOnly(
                model_name=model,
                name=column,
                field=fields.CharEnumField(
                    description=REASONS, enum_type=PointsReason, max_length=20
                ),
            )
            for model, column in REASON_COLUMNS
        ),
        ops.RunPython(relabel_pending_deposits, label_deposits_as_before),
    ]
