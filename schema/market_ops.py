"""Queries and mutations for points, earning rules, merchants, offers and vouchers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from marketplace import adjustments, earning, merchants, offers, redemption, settlement, vouchers
from resolvers import market as resolve
from schema.base import After, Connection, First
from schema.commands import ask, perform
from schema.context import Info
from schema.ledger import AdjustPointsInput, PointsEntryPayload, PointsEntryType
from schema.market import (
    CreateOfferInput,
    EarningRulePayload,
    EarningRuleType,
    MerchantPayload,
    MerchantType,
    OfferPayload,
    OfferType,
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
        return Connection.of(page, OfferType.of, after=after)

    @strawberry.field(
        extensions=[FailsAlone()],
        description="Merchants the viewer may see: active ones, their own, all for admins.",
    )
    async def merchants(self, info: Info) -> list[MerchantType]:
        return [MerchantType.of(row) for row in await ask(info, merchants.list_merchants)]

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
            await ask(
                info,
                settlement.settlement,
                merchant_id=merchant_id,
                period_start=period_start,
                period_end=period_end,
            )
        )

    @strawberry.field(extensions=[FailsAlone()], description="What each kind of civic work earns.")
    async def earning_rules(self, info: Info) -> list[EarningRuleType]:
        return [EarningRuleType.of(rule) for rule in await ask(info, earning.rules_for)]


# The mutations' arguments, with what each one is.
EarningRuleArg = Annotated[SetEarningRuleInput, strawberry.argument(description="The rule.")]
AdjustPointsArg = Annotated[AdjustPointsInput, strawberry.argument(description="The correction.")]
RegisterMerchantArg = Annotated[
    RegisterMerchantInput, strawberry.argument(description="The new merchant.")
]
ApprovedMerchantId = Annotated[
    strawberry.ID, strawberry.argument(description="The merchant to approve.")
]
SuspendedMerchantId = Annotated[
    strawberry.ID, strawberry.argument(description="The merchant to suspend.")
]
CreateOfferArg = Annotated[CreateOfferInput, strawberry.argument(description="The new offer.")]
UpdateOfferArg = Annotated[UpdateOfferInput, strawberry.argument(description="The changes.")]
RedeemOfferArg = Annotated[
    RedeemOfferInput, strawberry.argument(description="The offer, with an idempotency key.")
]
CancelledVoucherId = Annotated[
    strawberry.ID, strawberry.argument(description="The voucher to cancel.")
]
UseVoucherArg = Annotated[UseVoucherInput, strawberry.argument(description="The voucher's code.")]


@strawberry.type
class MarketMutation:
    @strawberry.mutation(description="Set what a kind of civic work earns (admins only).")
    async def set_earning_rule(self, info: Info, input: EarningRuleArg) -> EarningRulePayload:
        return await perform(
            info, earning.set_rule, input, EarningRulePayload, rule=EarningRuleType.of
        )

    @strawberry.mutation(description="Add or take points by hand, with a memo (admins only).")
    async def adjust_points(self, info: Info, input: AdjustPointsArg) -> PointsEntryPayload:
        return await perform(
            info, adjustments.adjust_points, input, PointsEntryPayload, entry=PointsEntryType.of
        )

    @strawberry.mutation(
        description="Register a merchant, pending approval; the caller operates it."
    )
    async def register_merchant(self, info: Info, input: RegisterMerchantArg) -> MerchantPayload:
        return await perform(
            info, merchants.register_merchant, input, MerchantPayload, merchant=MerchantType.of
        )

    @strawberry.mutation(description="Approve a pending merchant (admins only).")
    async def approve_merchant(
        self, info: Info, merchant_id: ApprovedMerchantId
    ) -> MerchantPayload:
        return await perform(
            info,
            merchants.approve_merchant,
            {"merchant_id": merchant_id},
            MerchantPayload,
            merchant=MerchantType.of,
        )

    @strawberry.mutation(description="Suspend a merchant (admins only): its offers stop at once.")
    async def suspend_merchant(
        self, info: Info, merchant_id: SuspendedMerchantId
    ) -> MerchantPayload:
        return await perform(
            info,
            merchants.suspend_merchant,
            {"merchant_id": merchant_id},
            MerchantPayload,
            merchant=MerchantType.of,
        )

    @strawberry.mutation(description="Put up an offer (the merchant's operators).")
    async def create_offer(self, info: Info, input: CreateOfferArg) -> OfferPayload:
        return await perform(info, offers.create_offer, input, OfferPayload, offer=OfferType.of)

    @strawberry.mutation(description="Change an offer (the merchant's operators).")
    async def update_offer(self, info: Info, input: UpdateOfferArg) -> OfferPayload:
        return await perform(info, offers.update_offer, input, OfferPayload, offer=OfferType.of)

    @strawberry.mutation(description="Spend points on an offer and get a voucher.")
    async def redeem_offer(self, info: Info, input: RedeemOfferArg) -> RedemptionPayload:
        return await perform(
            info,
            redemption.redeem_offer,
            input,
            RedemptionPayload,
            settings={"voucher_days": info.context.scope.voucher_days},
            voucher=lambda done: VoucherType.of(done.voucher),
            points_balance=lambda done: done.points_balance,
        )

    @strawberry.mutation(description="Cancel an unused voucher: its points go back (its holder).")
    async def cancel_voucher(self, info: Info, voucher_id: CancelledVoucherId) -> VoucherPayload:
        return await perform(
            info,
            vouchers.cancel_voucher,
            {"voucher_id": voucher_id},
            VoucherPayload,
            voucher=VoucherType.of,
        )

    @strawberry.mutation(description="Take a voucher at the counter (the merchant's operators).")
    async def use_voucher(self, info: Info, input: UseVoucherArg) -> VoucherPayload:
        scope = info.context.scope
        return await mutate(
            info,
            lambda: resolve.use_voucher(scope, code=input.code),
            VoucherPayload,
            voucher=VoucherType.of,
        )
