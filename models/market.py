"""The marketplace: merchants, their operators, offers and vouchers."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import MerchantStatus, OfferStatus, VoucherStatus
from models.grid import Community
from models.people import User

if TYPE_CHECKING:
    from models.points import MerchantSettlement


class Merchant(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gridpoints.Community", related_name="merchants", on_delete=fields.RESTRICT
    )
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="owned_merchants", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    category = fields.CharField(max_length=50)
    address = fields.CharField(max_length=200)
    status = fields.CharEnumField(MerchantStatus, max_length=10, default=MerchantStatus.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int
    owner_id: int

    class Meta:
        table = "merchant"
        unique_together = (("community", "name"),)


class MerchantOperator(Model):
    id = fields.IntField(primary_key=True)
    merchant: fields.ForeignKeyRelation[Merchant] = fields.ForeignKeyField(
        "gridpoints.Merchant", related_name="operators", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="operated_merchants", on_delete=fields.CASCADE
    )

    merchant_id: int
    user_id: int

    class Meta:
        table = "merchant_operator"
        unique_together = (("merchant", "user"),)


class Offer(Model):
    """stock_added counts every unit ever put up, remaining what is left to redeem."""

    id = fields.IntField(primary_key=True)
    merchant: fields.ForeignKeyRelation[Merchant] = fields.ForeignKeyField(
        "gridpoints.Merchant", related_name="offers", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=100)
    description = fields.TextField()
    points_price = fields.IntField()
    stock_added = fields.IntField()
    remaining = fields.IntField()
    per_user_limit = fields.IntField(null=True)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    status = fields.CharEnumField(OfferStatus, max_length=10, default=OfferStatus.ACTIVE)
    created_at = fields.DatetimeField(auto_now_add=True)

    merchant_id: int

    class Meta:
        table = "offer"
        indexes = (("status", "id"),)


class Voucher(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    offer: fields.ForeignKeyRelation[Offer] = fields.ForeignKeyField(
        "gridpoints.Offer", related_name="vouchers", on_delete=fields.RESTRICT
    )
    holder: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gridpoints.User", related_name="vouchers", on_delete=fields.RESTRICT
    )
    points_spent = fields.IntField()
    status = fields.CharEnumField(VoucherStatus, max_length=10, default=VoucherStatus.ISSUED)
    idempotency_key = fields.CharField(max_length=120)
    issued_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)
    used_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    settlement: fields.ForeignKeyNullableRelation["MerchantSettlement"] = fields.ForeignKeyField(
        "gridpoints.MerchantSettlement",
        related_name="vouchers_settled",
        null=True,
        on_delete=fields.RESTRICT,
    )

    offer_id: int
    holder_id: int
    settlement_id: int | None

    class Meta:
        table = "voucher"
        unique_together = (("holder", "idempotency_key"),)
        indexes = (("status", "expires_at"), ("offer_id", "holder_id"))
