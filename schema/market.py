"""The points economy's GraphQL shapes: entries, earning rules, merchants, offers, vouchers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from marketplace.earning import Rule
from marketplace.settlement import Settlement
from models.ledger import Entry
from models.market import Merchant, Offer, Voucher
from resolvers import market as resolve
from resolvers import points as resolve_points
from resolvers.ids import decode_cursor, global_id
from schema.base import Connection, Node
from schema.context import Info
from schema.enums import MerchantStatus, OfferStatus, PointsReason, VoucherStatus
from schema.errors import UserError

if TYPE_CHECKING:
    from schema.people import UserType
    from schema.points import EarningRuleVersionType
    from schema.points_sources import PointsSource


@strawberry.type(name="PointsEntry")
class PointsEntryType(Node):
    row: strawberry.Private[Entry]
    amount: int = strawberry.field(description="Positive when earned, negative when spent.")
    reason: PointsReason
    balance_after: int
    memo: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: Entry) -> PointsEntryType:
        return cls(
            id=strawberry.ID(global_id("PointsEntry", row.id)),
            row=row,
            amount=int(row.amount),
            reason=row.reason,
            balance_after=int(row.balance_after),
            memo=row.memo,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="What the points are for, when the viewer may see it: a report, an event "
        "sign-up, a suggestion, a voucher, an admin's adjustment, an expired lot, a settlement."
    )
    async def source(
        self, info: Info
    ) -> Annotated[PointsSource, strawberry.lazy("schema.points_sources")] | None:
        from schema.points_sources import source_type_of

        row = await resolve_points.source_of(info.context.scope, self.row)
        shown: PointsSource | None = source_type_of(row)
        return shown

    @strawberry.field(description="The earning-rule version that priced it; null if none did.")
    async def rule_version(
        self, info: Info
    ) -> Annotated[EarningRuleVersionType, strawberry.lazy("schema.points")] | None:
        from schema.points import EarningRuleVersionType

        row = await resolve_points.rule_version_of(info.context.scope, self.row)
        return EarningRuleVersionType.of(row) if row else None

    @strawberry.field(
        description="Who approved it: the verifier, the organiser at check-in, the admin; "
        "null for the system's own jobs."
    )
    async def approved_by(
        self, info: Info
    ) -> Annotated[UserType, strawberry.lazy("schema.people")] | None:
        from schema.people import UserType

        row = await resolve_points.approver_of(info.context.scope, self.row)
        return UserType.of(row) if row else None


@strawberry.type(name="EarningRule")
class EarningRuleType:
    reason: PointsReason
    points: int
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


@strawberry.type(name="Merchant")
class MerchantType(Node):
    row: strawberry.Private[Merchant]
    name: str
    category: str
    address: str
    status: MerchantStatus

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

    @strawberry.field
    async def offers(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OfferType]:
        page = await resolve.merchant_offers(
            info.context.scope, self.row.id, first=first, after=after
        )
        return Connection.of(page, OfferType.of, after=decode_cursor(after))

    @strawberry.field(
        description="Vouchers issued against this merchant's offers; its operators and admins only."
    )
    async def redemptions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: VoucherStatus | None = None,
    ) -> Connection[VoucherType] | None:
        page = await resolve.merchant_redemptions(
            info.context.scope, self.row.id, status=status, first=first, after=after
        )
        return Connection.of(page, VoucherType.of, after=decode_cursor(after))


@strawberry.type(name="Offer")
class OfferType(Node):
    row: strawberry.Private[Offer]
    title: str
    description: str
    points_price: int
    stock: int = strawberry.field(description="Every unit ever put up for redemption.")
    remaining: int = strawberry.field(description="Units left to redeem.")
    per_user_limit: int | None
    valid_from: datetime | None
    valid_until: datetime | None
    status: OfferStatus

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

    @strawberry.field
    async def merchant(self, info: Info) -> MerchantType:
        return MerchantType.of(await resolve.merchant(info.context.scope, self.row.merchant_id))


@strawberry.type(name="Voucher")
class VoucherType(Node):
    row: strawberry.Private[Voucher]
    points_spent: int
    status: VoucherStatus
    issued_at: datetime
    expires_at: datetime | None
    used_at: datetime | None

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
        return resolve.qr_payload(self.row)

    @strawberry.field
    async def offer(self, info: Info) -> OfferType:
        return OfferType.of(await resolve.offer(info.context.scope, self.row.offer_id))

    @strawberry.field
    async def holder(
        self, info: Info
    ) -> Annotated[UserType, strawberry.lazy("schema.people")] | None:
        from schema.people import UserType

        row = await resolve.voucher_holder(info.context.scope, self.row)
        return UserType.of(row) if row else None


@strawberry.type(name="Settlement")
class SettlementType:
    merchant_id: strawberry.Private[int]
    period_start: datetime
    period_end: datetime
    issued: int
    used: int
    cancelled: int
    expired: int
    points_received: int
    points_returned: int

    @strawberry.field(description="Whether the whole period has been settled (paid out).")
    async def settled(self) -> bool:
        return await resolve_points.period_settled(self.merchant_id, self.period_end)

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


@strawberry.input
class SetEarningRuleInput:
    reason: PointsReason
    points: int
    daily_cap: int | None = None


@strawberry.type
class EarningRulePayload:
    rule: EarningRuleType | None
    errors: list[UserError]


@strawberry.input
class AdjustPointsInput:
    user_id: strawberry.ID
    amount: int
    memo: str
    idempotency_key: str


@strawberry.type
class PointsEntryPayload:
    entry: PointsEntryType | None
    errors: list[UserError]


@strawberry.input
class RegisterMerchantInput:
    name: str
    category: str
    address: str


@strawberry.type
class MerchantPayload:
    merchant: MerchantType | None
    errors: list[UserError]


@strawberry.input
class CreateOfferInput:
    merchant_id: strawberry.ID
    title: str
    description: str
    points_price: int
    stock: int
    per_user_limit: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None


@strawberry.input
class UpdateOfferInput:
    offer_id: strawberry.ID
    title: str | None = None
    description: str | None = None
    points_price: int | None = None
    stock_delta: int | None = strawberry.field(
        default=None, description="Adds to (or, negative, takes from) the stock not yet redeemed."
    )
    per_user_limit: int | None = None
    valid_until: datetime | None = None
    status: OfferStatus | None = None


@strawberry.type
class OfferPayload:
    offer: OfferType | None
    errors: list[UserError]


@strawberry.input
class RedeemOfferInput:
    offer_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description="A client-chosen key: retrying with the same key never spends twice."
    )


@strawberry.type
class RedemptionPayload:
    voucher: VoucherType | None
    points_balance: int | None
    errors: list[UserError]


@strawberry.input
class UseVoucherInput:
    code: str


@strawberry.type
class VoucherPayload:
    voucher: VoucherType | None
    errors: list[UserError]
