"""The points ledger: accounts, append-only transfers and their per-account entries."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import AccountKind, PointsReason
from models.grid import Community
from models.people import User

if TYPE_CHECKING:
    from models.market import Merchant
    from models.points import EarningRuleVersion


class Account(Model):
    """A wallet (user), a merchant account, or one of the community's own accounts: the
    reward pool, the issuance account that funds it, the escrow of open holds, and the
    account merchants' settled points go to.

    The balance is a cache of the sum of the account's entries, written in the same
    transaction as the entries. Only the issuance account goes negative: it is where funded
    points come from.
    """

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="accounts", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(AccountKind, max_length=10)
    user: fields.ForeignKeyNullableRelation[User] = fields.OneToOneField(
        "gridpoints.User", related_name="wallet", null=True, on_delete=fields.RESTRICT
    )
    merchant: fields.ForeignKeyNullableRelation["Merchant"] = fields.OneToOneField(
        "gridpoints.Merchant", related_name="account", null=True, on_delete=fields.RESTRICT
    )
    balance = fields.BigIntField(default=0)

    community_id: int
    user_id: int | None
    merchant_id: int | None

    class Meta:
        table = "account"


class Transfer(Model):
    """One movement of points from one account to another, never edited or deleted."""

    id = fields.BigIntField(primary_key=True)
    debit_account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "gridpoints.Account", related_name="debits", on_delete=fields.RESTRICT
    )
    credit_account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "gridpoints.Account", related_name="credits", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()
    reason = fields.CharEnumField(PointsReason, max_length=20)
    memo = fields.CharField(max_length=200, null=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="transfers_made", null=True, on_delete=fields.RESTRICT
    )
    source_type = fields.CharField(max_length=20, null=True)
    source_id = fields.IntField(null=True)
    idempotency_key = fields.CharField(max_length=120, null=True, unique=True)
    fingerprint = fields.CharField(max_length=64, null=True)
    rule_version: fields.ForeignKeyNullableRelation["EarningRuleVersion"] = fields.ForeignKeyField(
        "gridpoints.EarningRuleVersion",
        related_name="transfers",
        null=True,
        on_delete=fields.RESTRICT,
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    debit_account_id: int
    credit_account_id: int
    actor_id: int | None
    rule_version_id: int | None

    class Meta:
        table = "points_transfer"
        indexes = (("source_type", "source_id"), ("reason", "created_at"))


class Entry(Model):
    """One side of a transfer as seen from one account, with the balance it left."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "gridpoints.Account", related_name="entries", on_delete=fields.RESTRICT
    )
    transfer: fields.ForeignKeyRelation[Transfer] = fields.ForeignKeyField(
        "gridpoints.Transfer", related_name="entries", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()
    balance_after = fields.BigIntField()
    reason = fields.CharEnumField(PointsReason, max_length=20)
    memo = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    account_id: int
    transfer_id: int

    class Meta:
        table = "points_entry"
        indexes = (("account_id", "id"), ("account_id", "reason", "created_at"))


class EarningRule(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="earning_rules", on_delete=fields.CASCADE
    )
    reason = fields.CharEnumField(PointsReason, max_length=20)
    points = fields.IntField()
    daily_cap = fields.IntField(null=True)

    community_id: int

    class Meta:
        table = "earning_rule"
        unique_together = (("community", "reason"),)
