"""Civic work: reports and their timeline, service levels, events, suggestions, notices."""

from tortoise import fields
from tortoise.models import Model

from models.enums import (
    NoticeKind,
    ReportCategory,
    ReportStatus,
    SignupStatus,
    SuggestionStatus,
)
from models.grid import Community, MicroGrid
from models.people import User


class Report(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="reports", on_delete=fields.RESTRICT
    )
    micro_grid: fields.ForeignKeyRelation[MicroGrid] = fields.ForeignKeyField(
        "gridpoints.MicroGrid", related_name="reports", on_delete=fields.RESTRICT
    )
    reporter: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="reports", on_delete=fields.RESTRICT
    )
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="assigned_reports", null=True, on_delete=fields.RESTRICT
    )
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="resolved_reports", null=True, on_delete=fields.RESTRICT
    )
    duplicate_of: fields.ForeignKeyNullableRelation["Report"] = fields.ForeignKeyField(
        "gridpoints.Report", related_name="duplicates", null=True, on_delete=fields.SET_NULL
    )
    category = fields.CharEnumField(ReportCategory, max_length=20)
    description = fields.TextField()
    status = fields.CharEnumField(ReportStatus, max_length=20, default=ReportStatus.SUBMITTED)
    address = fields.CharField(max_length=200, null=True)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    photos: list[str] = fields.JSONField(default=list)
    due_at = fields.DatetimeField(null=True)
    overdue_escalated_at = fields.DatetimeField(null=True)
    points_awarded = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    community_id: int
    micro_grid_id: int
    reporter_id: int
    assignee_id: int | None
    resolved_by_id: int | None
    duplicate_of_id: int | None

    class Meta:
        table = "report"
        indexes = (("micro_grid_id", "status"), ("status", "due_at"), ("reporter_id", "id"))


class ReportEvent(Model):
    """One step of a report's timeline, the first being its submission (from null)."""

    id = fields.BigIntField(primary_key=True)
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "gridpoints.Report", related_name="timeline", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="report_steps", null=True, on_delete=fields.RESTRICT
    )
    from_status = fields.CharEnumField(ReportStatus, max_length=20, null=True)
    to_status = fields.CharEnumField(ReportStatus, max_length=20)
    note = fields.TextField(null=True)
    at = fields.DatetimeField(auto_now_add=True)

    report_id: int
    actor_id: int | None

    class Meta:
        table = "report_event"
        indexes = (("report_id", "id"),)


class ServiceLevel(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="service_levels", on_delete=fields.CASCADE
    )
    category = fields.CharEnumField(ReportCategory, max_length=20)
    hours = fields.FloatField()

    community_id: int

    class Meta:
        table = "service_level"
        unique_together = (("community", "category"),)


class Event(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="events", on_delete=fields.RESTRICT
    )
    organizer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="organized_events", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=100)
    description = fields.TextField()
    location = fields.CharField(max_length=200)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    points_reward = fields.IntField(default=0)
    confirmed_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int
    organizer_id: int

    class Meta:
        table = "community_event"


class EventSignup(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "gridpoints.Event", related_name="signups", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="event_signups", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(SignupStatus, max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)

    event_id: int
    user_id: int

    class Meta:
        table = "event_signup"
        unique_together = (("event", "user"),)
        indexes = (("event_id", "status", "id"),)


class Suggestion(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="suggestions", on_delete=fields.RESTRICT
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="suggestions", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=100)
    body = fields.TextField()
    status = fields.CharEnumField(SuggestionStatus, max_length=10, default="SUBMITTED")
    review_note = fields.TextField(null=True)
    reviewed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="reviewed_suggestions", null=True, on_delete=fields.RESTRICT
    )
    points_awarded = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int
    author_id: int

    class Meta:
        table = "suggestion"


class Notice(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="notices", on_delete=fields.RESTRICT
    )
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="notices", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(NoticeKind, max_length=12)
    title = fields.CharField(max_length=100)
    body = fields.TextField()
    published_at = fields.DatetimeField(auto_now_add=True)

    community_id: int
    author_id: int | None

    class Meta:
        table = "notice"
        indexes = (("kind", "id"),)
