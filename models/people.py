"""People: users, their roles, grid assignments and refresh-token families."""

from tortoise import fields
from tortoise.models import Model

from models.enums import Role
from models.grid import Community, MicroGrid


class User(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="users", on_delete=fields.RESTRICT
    )
    phone = fields.CharField(max_length=20, unique=True)
    password_hash = fields.CharField(max_length=200)
    display_name = fields.CharField(max_length=60)
    home_grid: fields.ForeignKeyNullableRelation[MicroGrid] = fields.ForeignKeyField(
        "gridpoints.MicroGrid", related_name="residents", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int
    home_grid_id: int | None

    class Meta:
        table = "app_user"


class UserRole(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="role_rows", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=20)

    user_id: int

    class Meta:
        table = "user_role"
        unique_together = (("user", "role"),)


class GridAssignment(Model):
    """A grid member or grid worker looking after one micro-grid."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="grid_assignments", on_delete=fields.CASCADE
    )
    micro_grid: fields.ForeignKeyRelation[MicroGrid] = fields.ForeignKeyField(
        "gridpoints.MicroGrid", related_name="assignments", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=20)
    is_leader = fields.BooleanField(default=False)

    user_id: int
    micro_grid_id: int

    class Meta:
        table = "grid_assignment"
        unique_together = (("user", "micro_grid", "role"),)


class RefreshToken(Model):
    """One opaque refresh token, stored as a hash. Rotation chains tokens into a family."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    family = fields.CharField(max_length=32, db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    user_id: int

    class Meta:
        table = "refresh_token"
