"""Venue booking (场馆预约): venues, their closures, and bookings of them.

A booking holds its venue's time while its status is one of HOLDING_STATUSES; the database
refuses two such bookings of one venue whose times overlap (migrations/0006_venue_guards.py).
"""

from tortoise import fields
from tortoise.models import Model

from models.civic import Event
from models.enums import BookingStatus
from models.grid import Community
from models.people import User

HOLDING_STATUSES = (
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
)


class Venue(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="venues", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=60)
    description = fields.TextField()
    location = fields.CharField(max_length=200)
    capacity = fields.IntField()
    slot_minutes = fields.IntField()
    max_booking_minutes = fields.IntField()
    advance_days = fields.IntField()
    min_notice_minutes = fields.IntField()
    cancel_deadline_minutes = fields.IntField()
    check_in_minutes = fields.IntField()
    # Opening hours, Monday first: [opens, closes] in minutes after that day's local
    # midnight (closes past 1440 runs into the next day), or null when closed all day.
    opening_hours: list[list[int] | None] = fields.JSONField()
    audiences: list[str] = fields.JSONField()
    requires_approval = fields.BooleanField(default=False)
    deposit_points = fields.IntField(default=0)
    check_in_code = fields.CharField(max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int

    class Meta:
        table = "venue"
        unique_together = (("community", "name"),)


class VenueClosure(Model):
    """A period in which the venue takes no bookings (repairs, holidays)."""

    id = fields.IntField(primary_key=True)
    venue: fields.ForeignKeyRelation[Venue] = fields.ForeignKeyField(
        "gridpoints.Venue", related_name="closures", on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    reason = fields.CharField(max_length=200)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="venue_closures", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    venue_id: int
    created_by_id: int

    class Meta:
        table = "venue_closure"
        indexes = (("venue_id", "starts_at"),)


class Booking(Model):
    id = fields.IntField(primary_key=True)
    venue: fields.ForeignKeyRelation[Venue] = fields.ForeignKeyField(
        "gridpoints.Venue", related_name="bookings", on_delete=fields.RESTRICT
    )
    booker: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="bookings", on_delete=fields.RESTRICT
    )
    event: fields.ForeignKeyNullableRelation[Event] = fields.ForeignKeyField(
        "gridpoints.Event", related_name="bookings", null=True, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(BookingStatus, max_length=12)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    party_size = fields.IntField()
    purpose = fields.CharField(max_length=200)
    deposit_points = fields.IntField(default=0)
    # The points hold of the deposit (marketplace/holds.py), while there is one.
    deposit_hold_id = fields.BigIntField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="decided_bookings", null=True, on_delete=fields.RESTRICT
    )
    decided_at = fields.DatetimeField(null=True)
    reject_reason = fields.CharField(max_length=200, null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.CharField(max_length=200, null=True)
    cancelled_late = fields.BooleanField(default=False)
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="checked_in_bookings", null=True, on_delete=fields.RESTRICT
    )
    finished_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    venue_id: int
    booker_id: int
    event_id: int | None
    decided_by_id: int | None
    checked_in_by_id: int | None

    class Meta:
        table = "venue_booking"
        indexes = (("venue_id", "starts_at"), ("booker_id", "id"), ("status", "starts_at"))
