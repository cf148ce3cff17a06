"""Points that behave like money: holds, lots, the community's points policy, versioned
earning rules, monthly issuance and merchant settlements. No business rules live here."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import ExpiryRule, HoldStatus, PointsReason
from models.grid import Community
from models.ledger import Account, Transfer
from models.people import User

if TYPE_CHECKING:
    from models.market import Merchant


class PointsPolicy(Model):
    """How a community's points expire and how many it may issue a month."""

    id = fields.IntField(primary_key=True)
    community: fields.OneToOneRelation[Community] = fields.OneToOneField(
        "gridpoints.Community", related_name="points_policy", on_delete=fields.CASCADE
    )
    expiry_rule = fields.CharEnumField(ExpiryRule, max_length=24, default=ExpiryRule.NEVER)
    expiry_months = fields.IntField(null=True)
    monthly_issuance_cap = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    community_id: int

    class Meta:
        table = "points_policy"


class EarningRuleVersion(Model):
    """One version of an earning rule: changing a rule adds a version, never edits one."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="earning_rule_versions", on_delete=fields.CASCADE
    )
    reason = fields.CharEnumField(PointsReason, max_length=20)
    version = fields.IntField()
    points = fields.IntField()
    daily_cap = fields.IntField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User",
        related_name="earning_rule_versions",
        null=True,
        on_delete=fields.RESTRICT,
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int
    created_by_id: int | None

    class Meta:
        table = "earning_rule_version"
        unique_together = (("community", "reason", "version"),)


class PointsHold(Model):
    """Points moved from a debit account into the community's escrow for a credit account,
    until the hold is resolved exactly once: posted (in full or in part) to the credit
    account, the rest going back, or voided, all going back (TigerBeetle's pending, post
    and void). A report's reward is held from the pool for its reporter; a booking deposit
    is held from a resident's wallet for a venue."""

    id = fields.BigIntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="points_holds", on_delete=fields.RESTRICT
    )
    debit_account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "gridpoints.Account", related_name="holds_debited", on_delete=fields.RESTRICT
    )
    credit_account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "gridpoints.Account", related_name="holds_credited", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()
    reason = fields.CharEnumField(PointsReason, max_length=20)
    status = fields.CharEnumField(HoldStatus, max_length=10, default=HoldStatus.PENDING)
    source_type = fields.CharField(max_length=20)
    source_id = fields.IntField()
    rule_version: fields.ForeignKeyNullableRelation[EarningRuleVersion] = fields.ForeignKeyField(
        "gridpoints.EarningRuleVersion", related_name="holds", null=True, on_delete=fields.RESTRICT
    )
    memo = fields.CharField(max_length=200, null=True)
    idempotency_key = fields.CharField(max_length=120, unique=True)
    issuance_month = fields.CharField(max_length=7, null=True)
    timeout_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    posted_amount = fields.BigIntField(null=True)
    placed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="points_holds_placed", null=True, on_delete=fields.RESTRICT
    )
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gridpoints.User",
        related_name="points_holds_resolved",
        null=True,
        on_delete=fields.RESTRICT,
    )
    place_transfer: fields.ForeignKeyRelation[Transfer] = fields.ForeignKeyField(
        "gridpoints.Transfer", related_name="holds_placed", on_delete=fields.RESTRICT
    )

    community_id: int
    debit_account_id: int
    credit_account_id: int
    rule_version_id: int | None
    placed_by_id: int | None
    resolved_by_id: int | None
    place_transfer_id: int

    class Meta:
        table = "points_hold"
        indexes = (
            ("credit_account_id", "status"),
            ("debit_account_id", "status"),
            ("status", "timeout_at"),
            ("status", "created_at"),
            ("source_type", "source_id"),
        )


class PointsLot(Model):
    """Points credited to a wallet at one time, with what is left of them and when that
    expires (null: never). The wallet's balance is the sum of its lots' remaining amounts."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "gridpoints.Account", related_name="lots", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()
    remaining = fields.BigIntField()
    earned_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    expired_at = fields.DatetimeField(null=True)
    warned_at = fields.DatetimeField(null=True)
    transfer: fields.ForeignKeyNullableRelation[Transfer] = fields.ForeignKeyField(
        "gridpoints.Transfer", related_name="lots", null=True, on_delete=fields.RESTRICT
    )

    account_id: int
    transfer_id: int | None

    class Meta:
        table = "points_lot"
        indexes = (("account_id", "expires_at"), ("expired_at", "expires_at"))


class LotSpend(Model):
    """How much of one lot one debit of the wallet took, so a refund can put it back."""

    id = fields.BigIntField(primary_key=True)
    lot: fields.ForeignKeyRelation[PointsLot] = fields.ForeignKeyField(
        "gridpoints.PointsLot", related_name="spends", on_delete=fields.RESTRICT
    )
    transfer: fields.ForeignKeyRelation[Transfer] = fields.ForeignKeyField(
        "gridpoints.Transfer", related_name="lot_spends", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()

    lot_id: int
    transfer_id: int

    class Meta:
        table = "points_lot_spend"
        indexes = (("transfer_id",),)


class IssuanceMonth(Model):
    """Points a community issued (awarded or held) in one calendar month, for its cap."""

    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="issuance_months", on_delete=fields.CASCADE
    )
    month = fields.CharField(max_length=7)
    issued = fields.BigIntField(default=0)

    community_id: int

    class Meta:
        table = "points_issuance_month"
        unique_together = (("community", "month"),)


class MerchantSettlement(Model):
    """A closed period of a merchant: the points of its vouchers used up to period_end,
    moved to the settled account against the community's payment reference."""

    id = fields.IntField(primary_key=True)
    merchant: fields.ForeignKeyRelation["Merchant"] = fields.ForeignKeyField(
        "gridpoints.Merchant", related_name="settlements", on_delete=fields.RESTRICT
    )
    period_start = fields.DatetimeField(null=True)
    period_end = fields.DatetimeField()
    points = fields.BigIntField()
    vouchers = fields.IntField()
    reference = fields.CharField(max_length=100)
    settled_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="settlements_made", on_delete=fields.RESTRICT
    )
    transfer: fields.ForeignKeyNullableRelation[Transfer] = fields.ForeignKeyField(
        "gridpoints.Transfer", related_name="settlements", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    merchant_id: int
    settled_by_id: int
    transfer_id: int | None

    class Meta:
        table = "merchant_settlement"
        unique_together = (("merchant", "period_end"),)
