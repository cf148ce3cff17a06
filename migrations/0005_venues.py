from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import BookingStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gridpoints', '0004_points_lots_guards')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Venue',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('gridpoints.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='venues', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=60)),
                ('description', fields.TextField(unique=False)),
                ('location', fields.CharField(max_length=200)),
                ('capacity', fields.IntField()),
                ('slot_minutes', fields.IntField()),
                ('max_booking_minutes', fields.IntField()),
                ('advance_days', fields.IntField()),
                ('min_notice_minutes', fields.IntField()),
                ('cancel_deadline_minutes', fields.IntField()),
                ('check_in_minutes', fields.IntField()),
                ('opening_hours', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('audiences', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('requires_approval', fields.BooleanField(default=False)),
                ('deposit_points', fields.IntField(default=0)),
                ('check_in_code', fields.CharField(max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'venue', 'app': 'gridpoints', 'unique_together': (('community', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Booking',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('venue', fields.ForeignKeyField('gridpoints.Venue', source_field='venue_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('booker', fields.ForeignKeyField('gridpoints.User', source_field='booker_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('gridpoints.Event', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(description='REQUESTED: REQUESTED\nCONFIRMED: CONFIRMED\nREJECTED: REJECTED\nCANCELLED: CANCELLED\nCHECKED_IN: CHECKED_IN\nCOMPLETED: COMPLETED\nNO_SHOW: NO_SHOW', enum_type=BookingStatus, max_length=12)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('party_size', fields.IntField()),
                ('purpose', fields.CharField(max_length=200)),
                ('deposit_points', fields.IntField(default=0)),
                ('deposit_hold_id', fields.BigIntField(null=True)),
                ('decided_by', fields.ForeignKeyField('gridpoints.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decided_bookings', on_delete=OnDelete.RESTRICT)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reject_reason', fields.CharField(null=True, max_length=200)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancel_reason', fields.CharField(null=True, max_length=200)),
                ('cancelled_late', fields.BooleanField(default=False)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_by', fields.ForeignKeyField('gridpoints.User', source_field='checked_in_by_id', null=True, db_constraint=True, to_field='id', related_name='checked_in_bookings', on_delete=OnDelete.RESTRICT)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'venue_booking', 'app': 'gridpoints', 'indexes': [Index(fields=['venue_id', 'starts_at']), Index(fields=['booker_id', 'id']), Index(fields=['status', 'starts_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VenueClosure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('venue', fields.ForeignKeyField('gridpoints.Venue', source_field='venue_id', db_constraint=True, to_field='id', related_name='closures', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(max_length=200)),
                ('created_by', fields.ForeignKeyField('gridpoints.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='venue_closures', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'venue_closure', 'app': 'gridpoints', 'indexes': [Index(fields=['venue_id', 'starts_at'])], 'pk_attr': 'id', 'table_description': 'A period in which the venue takes no bookings (repairs, holidays).'},
            bases=['Model'],
        ),
    ]
