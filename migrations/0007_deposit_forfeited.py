"""PointsReason gains DEPOSIT_FORFEITED: a forfeited venue deposit no longer says ADJUSTMENT.

The reason columns stay VARCHAR(20) (the new value has 17 characters) and no CHECK or trigger
lists reasons, so only the descriptions Tortoise keeps in its state change. Deposits held
before this migration were placed as ADJUSTMENT; the pending ones are relabelled, so a no-show
after the upgrade is recorded as forfeited too. Past entries stay as they were written: the
ledger is never edited.
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


async def label_pending_deposits_as_before(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(
        PENDING_DEPOSITS.format(new="ADJUSTMENT", old="DEPOSIT_FORFEITED")
    )


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
        ops.RunPython(relabel_pending_deposits, label_pending_deposits_as_before),
    ]
