"""Queries, mutations and the subscription for the points policy, funding and the treasury,
merchant settlement, rule versions, and expiring points."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from marketplace import earning, funding, lots, payouts, policy, treasury
from marketplace.expiry import EXPIRY_TOPIC
from schema import subscriptions
from schema.commands import ask, perform
from schema.context import Info
from schema.enums import PointsReason
from schema.points import (
    EarningRuleVersionType,
    ExpiringPointsType,
    FundPoolInput,
    FundPoolPayload,
    MerchantSettlementPayload,
    MerchantSettlementType,
    MerchantStatementType,
    PointsPolicyPayload,
    PointsPolicyType,
    PoolFundingType,
    SetPointsPolicyInput,
    SettleMerchantInput,
    TreasuryType,
)


@strawberry.type
class PointsQuery:
    @strawberry.field(description="The community's points policy (any logged-in member).")
    async def points_policy(self, info: Info) -> PointsPolicyType:
        return PointsPolicyType.of(await ask(info, policy.get_policy))

    @strawberry.field(
        description="The pool, flows this month and in total, the liability and what merchants "
        "are owed: community admins only."
    )
    async def treasury(self, info: Info) -> TreasuryType | None:
        return TreasuryType.of(await ask(info, treasury.treasury))

    @strawberry.field(
        description="A merchant's settled periods and its open one: its operators and admins."
    )
    async def merchant_statement(
        self,
        info: Info,
        merchant_id: Annotated[strawberry.ID, strawberry.argument(description="The merchant.")],
    ) -> MerchantStatementType | None:
        found = await ask(info, payouts.statement, merchant_id=merchant_id)
        return MerchantStatementType.of(found)

    @strawberry.field(description="Every version of one earning rule, newest first.")
    async def earning_rule_versions(
        self,
        info: Info,
        reason: Annotated[PointsReason, strawberry.argument(description="The rule's reason.")],
    ) -> list[EarningRuleVersionType]:
        rows = await ask(info, earning.versions_of, reason=reason)
        return [EarningRuleVersionType.of(row) for row in rows]


# The mutations' arguments, with what each one is.
FundPoolArg = Annotated[FundPoolInput, strawberry.argument(description="The funding.")]
PointsPolicyArg = Annotated[SetPointsPolicyInput, strawberry.argument(description="The policy.")]
SettleMerchantArg = Annotated[
    SettleMerchantInput, strawberry.argument(description="What to settle.")
]


@strawberry.type
class PointsMutation:
    @strawberry.mutation(
        description="Put points into the community's pool (community admins only); awards "
        "beyond the pool are refused."
    )
    async def fund_pool(self, info: Info, input: FundPoolArg) -> FundPoolPayload:
        return await perform(
            info,
            funding.fund_pool,
            input,
            FundPoolPayload,
            funding=lambda done: PoolFundingType.of(done.transfer),
            pool_balance=lambda done: done.pool_balance,
        )

    @strawberry.mutation(
        description="Set the expiry rule and the monthly issuance cap (community admins only)."
    )
    async def set_points_policy(self, info: Info, input: PointsPolicyArg) -> PointsPolicyPayload:
        return await perform(
            info, policy.set_policy, input, PointsPolicyPayload, policy=PointsPolicyType.of
        )

    @strawberry.mutation(
        description="Settle a merchant up to a moment against a payment reference (community "
        "admins who do not operate it); a period is settled once."
    )
    async def settle_merchant(
        self, info: Info, input: SettleMerchantArg
    ) -> MerchantSettlementPayload:
        return await perform(
            info,
            payouts.settle_merchant,
            input,
            MerchantSettlementPayload,
            settlement=MerchantSettlementType.of,
        )


@strawberry.type
class PointsSubscription:
    @strawberry.subscription(
        description="The viewer's expiring points, sent when some will expire within 30 days."
    )
    async def points_expiring(self, info: Info) -> AsyncGenerator[list[ExpiringPointsType], None]:
        with subscriptions.shown_safely():
            async for actor, _ in subscriptions.own_messages(info, EXPIRY_TOPIC):
                rows = await lots.own_expiring(actor=actor)
                yield [ExpiringPointsType.of(row) for row in rows]
