"""The points economy's GraphQL shapes: earning rules, merchants, offers, vouchers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from marketplace import offers, payouts, settlement, vouchers
from marketplace.earning import Rule
from marketplace.settlement import Settlement
from models.market import Merchant, Offer, Voucher
from resolvers import market as resolve
from resolvers.ids import global_id
from schema.base import After, Connection, First, Node
from schema.commands import CommandInput, ask, ask_anyone
from schema.context import Info
from schema.enums import MerchantStatus, OfferStatus, PointsReason, VoucherStatus
from schema.errors import UserError
from schema.people import UserType


@strawberry.type(name="EarningRule", description="How many points one kind of civic work earns.")
class EarningRuleType:
    reason: PointsReason = strawberry.field(description="The kind of work.")
    points: int = strawberry.field(description="Points earned each time.")
    daily_cap: int | None = strawberry.field(
        description="Most points one user can earn for this reason in one day; null for no cap."
    )
    version: int | None = strawberry.field(
        default=None, description="The rule's current version; null while the default applies."
    )

    @classmethod
    def of(cls, rule: Rule) -> EarningRuleType:
        return cls(
            reason=rule.reason, points=rule.points, daily_cap=rule.daily_cap, version=rule.version
        )


@strawberry.type(name="Merchant", description="A local business that takes points for its offers.")
class MerchantType(Node):
    row: strawberry.Private[Merchant]
    name: str = strawberry.field(description="The shop's name, unique in the community.")
    category: str = strawberry.field(description="What kind of business it is, e.g. Food.")
    address: str = strawberry.field(description="Where to find it.")
    status: MerchantStatus = strawberry.field(
        description="PENDING until an admin approves it; SUSPENDED stops its offers."
    )

    @classmethod
    def of(cls, row: Merchant) -> MerchantType:
        return cls(
            id=strawberry.ID(global_id("Merchant", row.id)),
            row=row,
            name=row.name,
            category=row.category,
            address=row.address,
            status=row.status,
        )

    @strawberry.field(
        description="Its offers, newest first: all for its operators, else the redeemable."
    )
    async def offers(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[OfferType]:
        page = await ask_anyone(
            info, offers.list_merchant_offers, merchant_id=self.row.id, first=first, after=after
        )
        return Connection.of(page, OfferType.of, after=after)

    @strawberry.field(
        description="Vouchers issued against this merchant's offers; its operators and admins only."
    )
    async def redemptions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            VoucherStatus | None, strawberry.argument(description="Only vouchers in this status.")
        ] = None,
    ) -> Connection[VoucherType] | None:
        page = await ask(
            info,
            settlement.merchant_redemptions,
            merchant_id=self.row.id,
            status=status,
            first=first,
            after=after,
        )
        return Connection.of(page, VoucherType.of, after=after)


@strawberry.type(name="Offer", description="Something a merchant offers for points.")
class OfferType(Node):
    row: strawberry.Private[Offer]
    title: str = strawberry.field(description="A short name for the offer.")
    description: str = strawberry.field(description="What the customer gets.")
    points_price: int = strawberry.field(description="Points one voucher costs.")
    stock: int = strawberry.field(description="Every unit ever put up for redemption.")
    remaining: int = strawberry.field(description="Units left to redeem.")
    per_user_limit: int | None = strawberry.field(
        description="Most vouchers one user may hold of it; null for no limit."
    )
    valid_from: datetime | None = strawberry.field(
        description="Redeemable from then on; null for at once."
    )
    valid_until: datetime | None = strawberry.field(
        description="Redeemable until then; null for no end."
    )
    status: OfferStatus = strawberry.field(
        description="ACTIVE offers can be redeemed; PAUSED and ENDED cannot."
    )

    @classmethod
    def of(cls, row: Offer) -> OfferType:
        return cls(
            id=strawberry.ID(global_id("Offer", row.id)),
            row=row,
            title=row.title,
            description=row.description,
            points_price=row.points_price,
            stock=row.stock_added,
            remaining=row.remaining,
            per_user_limit=row.per_user_limit,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            status=row.status,
        )

    @strawberry.field(description="Who offers it.")
    async def merchant(self, info: Info) -> MerchantType:
        return MerchantType.of(await resolve.merchant(info.context.scope, self.row.merchant_id))


@strawberry.type(
    name="Voucher", description="A redeemed offer: shown to the merchant to collect it."
)
class VoucherType(Node):
    row: strawberry.Private[Voucher]
    points_spent: int = strawberry.field(description="What the holder paid.")
    status: VoucherStatus = strawberry.field(description="ISSUED until used, cancelled or expired.")
    issued_at: datetime = strawberry.field(description="When it was redeemed.")
    expires_at: datetime | None = strawberry.field(
        description="When it lapses and the points go back; null for never."
    )
    used_at: datetime | None = strawberry.field(description="When the merchant took it.")

    @classmethod
    def of(cls, row: Voucher) -> VoucherType:
        return cls(
            id=strawberry.ID(global_id("Voucher", row.id)),
            row=row,
            points_spent=row.points_spent,
            status=row.status,
            issued_at=row.issued_at,
            expires_at=row.expires_at,
            used_at=row.used_at,
        )

    @strawberry.field(
        description="Shown to the holder and to the merchant when the voucher is used."
    )
    async def code(self, info: Info) -> str | None:
        return await resolve.voucher_code(info.context.scope, self.row)

    @strawberry.field(description="What a merchant app scans; shown with the code.")
    async def qr_payload(self, info: Info) -> str | None:
        if await resolve.voucher_code(info.context.scope, self.row) is None:
            return None
        return vouchers.voucher_qr_payload(self.row)

    @strawberry.field(description="What it is for.")
    async def offer(self, info: Info) -> OfferType:
        return OfferType.of(await resolve.offer(info.context.scope, self.row.offer_id))

    @strawberry.field(
        description="Who holds it; null unless own, the merchant's or an admin's view."
    )
    async def holder(self, info: Info) -> UserType | None:
        row = await resolve.voucher_holder(info.context.scope, self.row)
        return UserType.of(row) if row else None


@strawberry.type(
    name="Settlement",
    description="A merchant's vouchers and points in a period (start included, end not).",
)
class SettlementType:
    merchant_id: strawberry.Private[int]
    period_start: datetime = strawberry.field(description="The start of the period (included).")
    period_end: datetime = strawberry.field(description="The end of the period (not included).")
    issued: int = strawberry.field(description="Vouchers issued in the period.")
    used: int = strawberry.field(description="Vouchers used in the period.")
    cancelled: int = strawberry.field(description="Vouchers cancelled in the period.")
    expired: int = strawberry.field(description="Vouchers that expired in the period.")
    points_received: int = strawberry.field(
        description="Points the merchant received in the period."
    )
    points_returned: int = strawberry.field(
        description="Points returned to holders (cancelled, expired)."
    )

    @strawberry.field(description="Whether the whole period has been settled (paid out).")
    async def settled(self) -> bool:
        return await payouts.period_settled(
            merchant_id=self.merchant_id, period_end=self.period_end
        )

    @classmethod
    def of(cls, row: Settlement) -> SettlementType:
        return cls(
            merchant_id=row.merchant_id,
            period_start=row.period_start,
            period_end=row.period_end,
            issued=row.issued,
            used=row.used,
            cancelled=row.cancelled,
            expired=row.expired,
            points_received=row.points_received,
            points_returned=row.points_returned,
        )


@strawberry.input(description="The points a reason earns.")
class SetEarningRuleInput(CommandInput):
    reason: PointsReason = strawberry.field(description="The kind of work.")
    points: int = strawberry.field(description="Points earned each time.")
    daily_cap: int | None = strawberry.field(
        default=None, description="Most points one user may earn for it a day; null for none."
    )


@strawberry.type(description="The result of setEarningRule.")
class EarningRulePayload:
    rule: EarningRuleType | None = strawberry.field(description="The rule as set; null on errors.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="A new merchant.")
class RegisterMerchantInput(CommandInput):
    name: str = strawberry.field(description="The shop's name, unique in the community.")
    category: str = strawberry.field(description="What kind of business it is.")
    address: str = strawberry.field(description="Where to find it.")


@strawberry.type(description="The result of a merchant mutation.")
class MerchantPayload:
    merchant: MerchantType | None = strawberry.field(
        description="The merchant as changed; null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="A new offer.")
class CreateOfferInput(CommandInput):
    merchant_id: strawberry.ID = strawberry.field(
        description="Whose offer; the caller must operate it."
    )
    title: str = strawberry.field(description="A short name for the offer.")
    description: str = strawberry.field(description="What the customer gets.")
    points_price: int = strawberry.field(description="Points one voucher costs.")
    stock: int = strawberry.field(description="How many vouchers can be redeemed.")
    per_user_limit: int | None = strawberry.field(
        default=None, description="Most vouchers one user may hold; null for no limit."
    )
    valid_from: datetime | None = strawberry.field(
        default=None, description="Redeemable from then on; null for at once."
    )
    valid_until: datetime | None = strawberry.field(
        default=None, description="Redeemable until then; null for no end."
    )


@strawberry.input(description="Changes to an offer; fields left out stay as they are.")
class UpdateOfferInput(CommandInput):
    offer_id: strawberry.ID = strawberry.field(description="The offer to change.")
    title: str | None = strawberry.field(default=None, description="A new title.")
    description: str | None = strawberry.field(default=None, description="A new description.")
    points_price: int | None = strawberry.field(
        default=None, description="A new price, for vouchers redeemed from now on."
    )
    stock_delta: int | None = strawberry.field(
        default=None, description="Adds to (or, negative, takes from) the stock not yet redeemed."
    )
    per_user_limit: int | None = strawberry.field(default=None, description="A new per-user limit.")
    valid_until: datetime | None = strawberry.field(
        default=None, description="A new end of validity."
    )
    status: OfferStatus | None = strawberry.field(
        default=None, description="Pause, resume or end the offer; ENDED is final."
    )


@strawberry.type(description="The result of createOffer and updateOffer.")
class OfferPayload:
    offer: OfferType | None = strawberry.field(description="The offer as changed; null on errors.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="Which offer to redeem.")
class RedeemOfferInput(CommandInput):
    offer_id: strawberry.ID = strawberry.field(description="The offer to redeem.")
    idempotency_key: str = strawberry.field(
        description="A client-chosen key: retrying with the same key never spends twice."
    )


@strawberry.type(description="The result of redeemOffer.")
class RedemptionPayload:
    voucher: VoucherType | None = strawberry.field(description="The new voucher; null on errors.")
    points_balance: int | None = strawberry.field(description="The holder's balance after paying.")
    errors: list[UserError] = strawberry.field(
        description="Why it failed (e.g. INSUFFICIENT_POINTS); empty on success."
    )


@strawberry.input(description="The voucher a customer shows.")
class UseVoucherInput:
    code: str = strawberry.field(description="The voucher's code, typed or scanned.")


@strawberry.type(description="The result of cancelVoucher and useVoucher.")
class VoucherPayload:
    voucher: VoucherType | None = strawberry.field(
        description="The voucher as changed; null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")
