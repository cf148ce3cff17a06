"""The grid tree: community -> courtyards (party branches) -> micro-grids; resident groups."""

from tortoise import fields
from tortoise.models import Model


class Community(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "community"


class Courtyard(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="courtyards", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    party_branch = fields.CharField(max_length=100, null=True)

    community_id: int

    class Meta:
        table = "courtyard"
        unique_together = (("community", "name"),)


class ResidentGroup(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="resident_groups", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)

    community_id: int

    class Meta:
        table = "resident_group"
        unique_together = (("community", "name"),)


class MicroGrid(Model):
    id = fields.IntField(primary_key=True)
    courtyard: fields.ForeignKeyRelation[Courtyard] = fields.ForeignKeyField(
        "gridpoints.Courtyard", related_name="micro_grids", on_delete=fields.RESTRICT
    )
    resident_group: fields.ForeignKeyNullableRelation[ResidentGroup] = fields.ForeignKeyField(
        "gridpoints.ResidentGroup", related_name="micro_grids", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=100)

    courtyard_id: int
    resident_group_id: int | None

    class Meta:
        table = "micro_grid"
        unique_together = (("courtyard", "name"),)
