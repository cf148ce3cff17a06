from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import AccountKind, ExpiryRule, HoldStatus, PointsReason, ReportStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index



class DescriptionOnly(ops.AlterField):
    """An enum gained members: its column (a VARCHAR as long as before) is unchanged, only
    the description Tortoise keeps in its state is. On SQLite a real AlterField rebuilds the
    table, which would drop 0002's guard triggers and the table's indexes."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [('gridpoints', '0002_ledger_guards')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EarningRuleVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('gridpoints.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='earning_rule_versions', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharEnumField(description='REPORT_VERIFIED: REPORT_VERIFIED\nEVENT_ATTENDED: EVENT_ATTENDED\nSUGGESTION_ADOPTED: SUGGESTION_ADOPTED\nREDEMPTION: REDEMPTION\nREFUND: REFUND\nEXPIRY: EXPIRY\nADJUSTMENT: ADJUSTMENT\nFUNDING: FUNDING\nHOLD: HOLD\nHOLD_RELEASED: HOLD_RELEASED\nSETTLEMENT: SETTLEMENT', enum_type=PointsReason, max_length=20)),
                ('version', fields.IntField()),
                ('points', fields.IntField()),
                ('daily_cap', fields.IntField(null=True)),
                ('created_by', fields.ForeignKeyField('gridpoints.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='earning_rule_versions', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'earning_rule_version', 'app': 'gridpoints', 'unique_together': (('community', 'reason', 'version'),), 'pk_attr': 'id', 'table_description': 'One version of an earning rule: changing a rule adds a version, never edits one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IssuanceMonth',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('gridpoints.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='issuance_months', on_delete=OnDelete.CASCADE)),
                ('month', fields.CharField(max_length=7)),
                ('issued', fields.BigIntField(default=0)),
            ],
            options={'table': 'points_issuance_month', 'app': 'gridpoints', 'unique_together': (('community', 'month'),), 'pk_attr': 'id', 'table_description': 'Points a community issued (awarded or held) in one calendar month, for its cap.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MerchantSettlement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('merchant', fields.ForeignKeyField('gridpoints.Merchant', source_field='merchant_id', db_constraint=True, to_field='id', related_name='settlements', on_delete=OnDelete.RESTRICT)),
                ('period_start', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('period_end', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('points', fields.BigIntField()),
                ('vouchers', fields.IntField()),
                ('reference', fields.CharField(max_length=100)),
                ('settled_by', fields.ForeignKeyField('gridpoints.User', source_field='settled_by_id', db_constraint=True, to_field='id', related_name='settlements_made', on_delete=OnDelete.RESTRICT)),
                ('transfer', fields.ForeignKeyField('gridpoints.Transfer', source_field='transfer_id', null=True, db_constraint=True, to_field='id', related_name='settlements', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'merchant_settlement', 'app': 'gridpoints', 'unique_together': (('merchant', 'period_end'),), 'pk_attr': 'id', 'table_description': 'A closed period of a merchant: the points of its vouchers used up to period_end,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsHold',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('gridpoints.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='points_holds', on_delete=OnDelete.RESTRICT)),
                ('debit_account', fields.ForeignKeyField('gridpoints.Account', source_field='debit_account_id', db_constraint=True, to_field='id', related_name='holds_debited', on_delete=OnDelete.RESTRICT)),
                ('credit_account', fields.ForeignKeyField('gridpoints.Account', source_field='credit_account_id', db_constraint=True, to_field='id', related_name='holds_credited', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('reason', fields.CharEnumField(description='REPORT_VERIFIED: REPORT_VERIFIED\nEVENT_ATTENDED: EVENT_ATTENDED\nSUGGESTION_ADOPTED: SUGGESTION_ADOPTED\nREDEMPTION: REDEMPTION\nREFUND: REFUND\nEXPIRY: EXPIRY\nADJUSTMENT: ADJUSTMENT\nFUNDING: FUNDING\nHOLD: HOLD\nHOLD_RELEASED: HOLD_RELEASED\nSETTLEMENT: SETTLEMENT', enum_type=PointsReason, max_length=20)),
                ('status', fields.CharEnumField(default=HoldStatus.PENDING, description='PENDING: PENDING\nPOSTED: POSTED\nVOIDED: VOIDED', enum_type=HoldStatus, max_length=10)),
                ('source_type', fields.CharField(max_length=20)),
                ('source_id', fields.IntField()),
                ('rule_version', fields.ForeignKeyField('gridpoints.EarningRuleVersion', source_field='rule_version_id', null=True, db_constraint=True, to_field='id', related_name='holds', on_delete=OnDelete.RESTRICT)),
                ('memo', fields.CharField(null=True, max_length=200)),
                ('idempotency_key', fields.CharField(unique=True, max_length=120)),
                ('issuance_month', fields.CharField(null=True, max_length=7)),
                ('timeout_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('posted_amount', fields.BigIntField(null=True)),
                ('placed_by', fields.ForeignKeyField('gridpoints.User', source_field='placed_by_id', null=True, db_constraint=True, to_field='id', related_name='points_holds_placed', on_delete=OnDelete.RESTRICT)),
                ('resolved_by', fields.ForeignKeyField('gridpoints.User', source_field='resolved_by_id', null=True, db_constraint=True, to_field='id', related_name='points_holds_resolved', on_delete=OnDelete.RESTRICT)),
                ('place_transfer', fields.ForeignKeyField('gridpoints.Transfer', source_field='place_transfer_id', db_constraint=True, to_field='id', related_name='holds_placed', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'points_hold', 'app': 'gridpoints', 'indexes': [Index(fields=['credit_account_id', 'status']), Index(fields=['debit_account_id', 'status']), Index(fields=['status', 'timeout_at']), Index(fields=['status', 'created_at']), Index(fields=['source_type', 'source_id'])], 'pk_attr': 'id', 'table_description': "Points moved from a debit account into the community's escrow for a credit account,"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsLot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('gridpoints.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='lots', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('remaining', fields.BigIntField()),
                ('earned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('warned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('transfer', fields.ForeignKeyField('gridpoints.Transfer', source_field='transfer_id', null=True, db_constraint=True, to_field='id', related_name='lots', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'points_lot', 'app': 'gridpoints', 'indexes': [Index(fields=['account_id', 'expires_at']), Index(fields=['expired_at', 'expires_at'])], 'pk_attr': 'id', 'table_description': 'Points credited to a wallet at one time, with what is left of them and when that'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LotSpend',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lot', fields.ForeignKeyField('gridpoints.PointsLot', source_field='lot_id', db_constraint=True, to_field='id', related_name='spends', on_delete=OnDelete.RESTRICT)),
                ('transfer', fields.ForeignKeyField('gridpoints.Transfer', source_field='transfer_id', db_constraint=True, to_field='id', related_name='lot_spends', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
            ],
            options={'table': 'points_lot_spend', 'app': 'gridpoints', 'indexes': [Index(fields=['transfer_id'])], 'pk_attr': 'id', 'table_description': 'How much of one lot one debit of the wallet took, so a refund can put it back.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.OneToOneField('gridpoints.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='points_policy', on_delete=OnDelete.CASCADE)),
                ('expiry_rule', fields.CharEnumField(default=ExpiryRule.NEVER, description='NEVER: NEVER\nMONTHS_AFTER_EARNING: MONTHS_AFTER_EARNING\nEND_OF_FOLLOWING_YEAR: END_OF_FOLLOWING_YEAR', enum_type=ExpiryRule, max_length=24)),
                ('expiry_months', fields.IntField(null=True)),
                ('monthly_issuance_cap', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'points_policy', 'app': 'gridpoints', 'pk_attr': 'id', 'table_description': "How a community's points expire and how many it may issue a month."},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='Account',
            options={'table': 'account', 'app': 'gridpoints', 'pk_attr': 'id', 'table_description': "A wallet (user), a merchant account, or one of the community's own accounts: the"},
        ),
        DescriptionOnly(
            model_name='Account',
            name='kind',
            field=fields.CharEnumField(description='WALLET: WALLET\nMERCHANT: MERCHANT\nPOOL: POOL\nISSUANCE: ISSUANCE\nESCROW: ESCROW\nSETTLED: SETTLED', enum_type=AccountKind, max_length=10),
        ),
        DescriptionOnly(
            model_name='EarningRule',
            name='reason',
            field=fields.CharEnumField(description='REPORT_VERIFIED: REPORT_VERIFIED\nEVENT_ATTENDED: EVENT_ATTENDED\nSUGGESTION_ADOPTED: SUGGESTION_ADOPTED\nREDEMPTION: REDEMPTION\nREFUND: REFUND\nEXPIRY: EXPIRY\nADJUSTMENT: ADJUSTMENT\nFUNDING: FUNDING\nHOLD: HOLD\nHOLD_RELEASED: HOLD_RELEASED\nSETTLEMENT: SETTLEMENT', enum_type=PointsReason, max_length=20),
        ),
        DescriptionOnly(
            model_name='Entry',
            name='reason',
            field=fields.CharEnumField(description='REPORT_VERIFIED: REPORT_VERIFIED\nEVENT_ATTENDED: EVENT_ATTENDED\nSUGGESTION_ADOPTED: SUGGESTION_ADOPTED\nREDEMPTION: REDEMPTION\nREFUND: REFUND\nEXPIRY: EXPIRY\nADJUSTMENT: ADJUSTMENT\nFUNDING: FUNDING\nHOLD: HOLD\nHOLD_RELEASED: HOLD_RELEASED\nSETTLEMENT: SETTLEMENT', enum_type=PointsReason, max_length=20),
        ),
        DescriptionOnly(
            model_name='Transfer',
            name='reason',
            field=fields.CharEnumField(description='REPORT_VERIFIED: REPORT_VERIFIED\nEVENT_ATTENDED: EVENT_ATTENDED\nSUGGESTION_ADOPTED: SUGGESTION_ADOPTED\nREDEMPTION: REDEMPTION\nREFUND: REFUND\nEXPIRY: EXPIRY\nADJUSTMENT: ADJUSTMENT\nFUNDING: FUNDING\nHOLD: HOLD\nHOLD_RELEASED: HOLD_RELEASED\nSETTLEMENT: SETTLEMENT', enum_type=PointsReason, max_length=20),
        ),
        ops.AddField(
            model_name='Transfer',
            name='rule_version',
            field=fields.ForeignKeyField('gridpoints.EarningRuleVersion', source_field='rule_version_id', null=True, db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='Transfer',
            index=Index(fields=['reason', 'created_at']),
        ),
        ops.AddField(
            model_name='Voucher',
            name='settlement',
            field=fields.ForeignKeyField('gridpoints.MerchantSettlement', source_field='settlement_id', null=True, db_constraint=True, to_field='id', related_name='vouchers_settled', on_delete=OnDelete.RESTRICT),
        ),
        DescriptionOnly(
            model_name='Report',
            name='status',
            field=fields.CharEnumField(default=ReportStatus.SUBMITTED, description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nDISPATCHED: DISPATCHED\nRESOLVED: RESOLVED\nVERIFIED: VERIFIED\nREJECTED: REJECTED\nESCALATED: ESCALATED\nWITHDRAWN: WITHDRAWN', enum_type=ReportStatus, max_length=20),
        ),
        DescriptionOnly(
            model_name='ReportEvent',
            name='from_status',
            field=fields.CharEnumField(null=True, description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nDISPATCHED: DISPATCHED\nRESOLVED: RESOLVED\nVERIFIED: VERIFIED\nREJECTED: REJECTED\nESCALATED: ESCALATED\nWITHDRAWN: WITHDRAWN', enum_type=ReportStatus, max_length=20),
        ),
        DescriptionOnly(
            model_name='ReportEvent',
            name='to_status',
            field=fields.CharEnumField(description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nDISPATCHED: DISPATCHED\nRESOLVED: RESOLVED\nVERIFIED: VERIFIED\nREJECTED: REJECTED\nESCALATED: ESCALATED\nWITHDRAWN: WITHDRAWN', enum_type=ReportStatus, max_length=20),
        ),
    ]
