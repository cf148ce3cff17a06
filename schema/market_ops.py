"""Queries and mutations for points, earning rules, merchants, offers and vouchers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers import market as resolve
from resolvers.ids import decode_cursor
from schema.base import After, Connection, First
from schema.context import Info
from schema.market import (
    AdjustPointsInput,
    CreateOfferInput,
    EarningRulePayload,
    EarningRuleType,
    MerchantPayload,
    MerchantType,
    OfferPayload,
    OfferType,
    PointsEntryPayload,
    PointsEntryType,
    RedeemOfferInput,
    RedemptionPayload,
    RegisterMerchantInput,
    SetEarningRuleInput,
    SettlementType,
    UpdateOfferInput,
    UseVoucherInput,
    VoucherPayload,
    VoucherType,
)
from schema.mutation import mutate
from schema.refusals import FailsAlone


@strawberry.type
class MarketQuery:
    @strawberry.field(description="Offers redeemable now in the viewer's community, newest first.")
    async def offers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        merchant_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this merchant's offers.")
        ] = None,
    ) -> Connection[OfferType]:
        page = await resolve.list_offers(
            info.context.scope, first=first, after=after, merchant_id=merchant_id
        )
        return Connection.of(page, OfferType.of, after=decode_cursor(after))

    @strawberry.field(
        extensions=[FailsAlone()],
        description="Merchants the viewer may see: active ones, their own, all for admins.",
    )
    async def merchants(self, info: Info) -> list[MerchantType]:
        return [MerchantType.of(row) for row in await resolve.list_merchants(info.context.scope)]

    @strawberry.field(
        description="A merchant's statement for a period: its operators and admins only."
    )
    async def settlement(
        self,
        info: Info,
        merchant_id: Annotated[strawberry.ID, strawberry.argument(description="The merchant.")],
        period_start: Annotated[
            datetime, strawberry.argument(description="The start of the period (included).")
        ],
        period_end: Annotated[
            datetime, strawberry.argument(description="The end of the period (not included).")
        ],
    ) -> SettlementType | None:
        return SettlementType.of(
            await resolve.merchant_settlement(
                info.context.scope,
                merchant_id=merchant_id,
                period_start=period_start,
                period_end=period_end,
            )
        )

    @strawberry.field(extensions=[FailsAlone()], description="What each kind of civic work earns.")
    async def earning_rules(self, info: Info) -> list[EarningRuleType]:
        return [
            EarningRuleType.of(rule) for rule in await resolve.earning_rules(info.context.scope)
        ]


@strawberry.type
class MarketMutation:
    @strawberry.mutation(description="Set what a kind of civic work earns (admins only).")
    async def set_earning_rule(
        self,
        info: Info,
        input: Annotated[SetEarningRuleInput, strawberry.argument(description="The rule.")],
    ) -> EarningRulePayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.set_earning_rule(
                scope, reason=input.reason, points=input.points, daily_cap=input.daily_cap
            ),
            EarningRulePayload,
            rule=EarningRuleType.of,
        )

    @strawberry.mutation(description="Add or take points by hand, with a memo (admins only).")
    async def adjust_points(
        self,
        info: Info,
        input: Annotated[AdjustPointsInput, strawberry.argument(description="The correction.")],
    ) -> PointsEntryPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.adjust_points(
                scope,
                user_id=input.user_id,
                amount=input.amount,
                memo=input.memo,
                idempotency_key=input.idempotency_key,
            ),
            PointsEntryPayload,
            entry=PointsEntryType.of,
        )

    @strawberry.mutation(
        description="Register a merchant, pending approval; the caller operates it."
    )
    async def register_merchant(
        self,
        info: Info,
        input: Annotated[
            RegisterMerchantInput, strawberry.argument(description="The new merchant.")
        ],
    ) -> MerchantPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.register_merchant(
                scope, name=input.name, category=input.category, address=input.address
            ),
            MerchantPayload,
            merchant=MerchantType.of,
        )

    @strawberry.mutation(description="Approve a pending merchant (admins only).")
    async def approve_merchant(
        self,
        info: Info,
        merchant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The merchant to approve.")
        ],
    ) -> MerchantPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.approve_merchant(scope, merchant_id=merchant_id),
            MerchantPayload,
            merchant=MerchantType.of,
        )

    @strawberry.mutation(description="Suspend a merchant (admins only): its offers stop at once.")
    async def suspend_merchant(
        self,
        info: Info,
        merchant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The merchant to suspend.")
        ],
    ) -> MerchantPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.suspend_merchant(scope, merchant_id=merchant_id),
            MerchantPayload,
            merchant=MerchantType.of,
        )

    @strawberry.mutation(description="Put up an offer (the merchant's operators).")
    async def create_offer(
        self,
        info: Info,
        input: Annotated[CreateOfferInput, strawberry.argument(description="The new offer.")],
    ) -> OfferPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.create_offer(
                scope,
                merchant_id=input.merchant_id,
                title=input.title,
                description=input.description,
                points_price=input.points_price,
                stock=input.stock,
                per_user_limit=input.per_user_limit,
                valid_from=input.valid_from,
                valid_until=input.valid_until,
            ),
            OfferPayload,
            offer=OfferType.of,
        )

    @strawberry.mutation(description="Change an offer (the merchant's operators).")
    async def update_offer(
        self,
        info: Info,
        input: Annotated[UpdateOfferInput, strawberry.argument(description="The changes.")],
    ) -> OfferPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.update_offer(
                scope,
                offer_id=input.offer_id,
                title=input.title,
                description=input.description,
                points_price=input.points_price,
                stock_delta=input.stock_delta,
                per_user_limit=input.per_user_limit,
                valid_until=input.valid_until,
                status=input.status,
            ),
            OfferPayload,
            offer=OfferType.of,
        )

    @strawberry.mutation(description="Spend points on an offer and get a voucher.")
    async def redeem_offer(
        self,
        info: Info,
        input: Annotated[
            RedeemOfferInput, strawberry.argument(description="The offer, with an idempotency key.")
        ],
    ) -> RedemptionPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.redeem_offer(
                scope, offer_id=input.offer_id, idempotency_key=input.idempotency_key
            ),
            RedemptionPayload,
            voucher=lambda done: VoucherType.of(done.voucher),
            points_balance=lambda done: done.points_balance,
        )

    @strawberry.mutation(description="Cancel an unused voucher: its points go back (its holder).")
    async def cancel_voucher(
        self,
        info: Info,
        voucher_id: Annotated[
            strawberry.ID, strawberry.argument(description="The voucher to cancel.")
        ],
    ) -> VoucherPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.cancel_voucher(scope, voucher_id=voucher_id),
            VoucherPayload,
            voucher=VoucherType.of,
        )

    @strawberry.mutation(description="Take a voucher at the counter (the merchant's operators).")
    async def use_voucher(
        self,
        info: Info,
        input: Annotated[UseVoucherInput, strawberry.argument(description="The voucher's code.")],
    ) -> VoucherPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.use_voucher(scope, code=input.code),
            VoucherPayload,
            voucher=VoucherType.of,
        )
