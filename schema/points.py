"""GraphQL shapes for points that behave like money: expiring points, the points policy,
funding and the treasury, merchant settlements and statements, rule versions, and the
sources that explain an entry."""

from __future__ import annotations

from datetime import datetime

import strawberry

from marketplace.lots import Expiring, Policy
from marketplace.payouts import OpenPeriod, Statement
from marketplace.treasury import Flows, MerchantOwed, Treasury
from models.ledger import Transfer
from models.points import EarningRuleVersion, MerchantSettlement, PointsLot
from resolvers import market as resolve_market
from resolvers.ids import global_id
from schema.commands import CommandInput
from schema.context import Info
from schema.enums import ExpiryRule, PointsReason
from schema.errors import UserError
from schema.market import MerchantType
from schema.people import UserType


@strawberry.type(name="ExpiringPoints", description="Points of a wallet that expire together.")
class ExpiringPointsType:
    points: int = strawberry.field(description="How many points expire.")
    expires_at: datetime = strawberry.field(description="The moment they expire.")
    last_day: str = strawberry.field(
        description="The last day (YYYY-MM-DD, community time) they can be spent."
    )
    message: str = strawberry.field(description='For residents: "N points expire on DATE".')

    @classmethod
    def of(cls, row: Expiring) -> ExpiringPointsType:
        return cls(
            points=row.points, expires_at=row.expires_at, last_day=row.last_day, message=row.message
        )


@strawberry.type(
    name="PointsPolicy", description="How the community's points expire and are capped."
)
class PointsPolicyType:
    expiry_rule: ExpiryRule = strawberry.field(description="The rule for points earned from now.")
    expiry_months: int | None = strawberry.field(
        description="Months points last, for MONTHS_AFTER_EARNING; null otherwise."
    )
    monthly_issuance_cap: int | None = strawberry.field(
        description="Most points the pool may award or hold in a calendar month; null: no cap."
    )

    @classmethod
    def of(cls, row: Policy) -> PointsPolicyType:
        return cls(
            expiry_rule=row.rule, expiry_months=row.months, monthly_issuance_cap=row.monthly_cap
        )


@strawberry.type(name="EarningRuleVersion", description="One version of an earning rule.")
class EarningRuleVersionType:
    row: strawberry.Private[EarningRuleVersion]
    reason: PointsReason = strawberry.field(description="What the rule pays for.")
    version: int = strawberry.field(description="1 for the first rule, one more per change.")
    points: int = strawberry.field(description="Points this version awards.")
    daily_cap: int | None = strawberry.field(description="Its daily cap; null for none.")
    created_at: datetime = strawberry.field(description="When this version came into force.")

    @classmethod
    def of(cls, row: EarningRuleVersion) -> EarningRuleVersionType:
        return cls(
            row=row,
            reason=row.reason,
            version=row.version,
            points=row.points,
            daily_cap=row.daily_cap,
            created_at=row.created_at,
        )


@strawberry.type(
    name="PointsAdjustment",
    description="A movement an admin made by hand: an adjustment of a wallet or a funding.",
)
class PointsAdjustmentType:
    row: strawberry.Private[Transfer]
    amount: int = strawberry.field(description="The points moved.")
    memo: str | None = strawberry.field(description="Why, in the admin's words.")
    made_at: datetime = strawberry.field(description="When.")

    @classmethod
    def of(cls, row: Transfer) -> PointsAdjustmentType:
        return cls(row=row, amount=int(row.amount), memo=row.memo, made_at=row.created_at)


@strawberry.type(name="PointsExpiry", description="Points of one lot that expired.")
class PointsExpiryType:
    row: strawberry.Private[PointsLot]
    earned: int = strawberry.field(description="The points the lot started with.")
    earned_at: datetime = strawberry.field(description="When they were earned.")
    expires_at: datetime | None = strawberry.field(description="When they expired.")

    @classmethod
    def of(cls, row: PointsLot) -> PointsExpiryType:
        return cls(
            row=row, earned=int(row.amount), earned_at=row.earned_at, expires_at=row.expires_at
        )


@strawberry.type(
    name="MerchantSettlement",
    description="A closed period of a merchant: its used vouchers' points, paid out.",
)
class MerchantSettlementType:
    row: strawberry.Private[MerchantSettlement]
    id: strawberry.ID = strawberry.field(description="The settlement's global id.")
    period_start: datetime | None = strawberry.field(
        description="Where the period began: the previous settlement's end; null for the first."
    )
    period_end: datetime = strawberry.field(description="Vouchers used before this are in it.")
    points: int = strawberry.field(description="Points moved to the settled account.")
    vouchers: int = strawberry.field(description="How many used vouchers it covers.")
    reference: str = strawberry.field(description="The community's payment reference.")
    settled_at: datetime = strawberry.field(description="When it was settled.")

    @classmethod
    def of(cls, row: MerchantSettlement) -> MerchantSettlementType:
        return cls(
            row=row,
            id=strawberry.ID(global_id("MerchantSettlement", row.id)),
            period_start=row.period_start,
            period_end=row.period_end,
            points=int(row.points),
            vouchers=row.vouchers,
            reference=row.reference,
            settled_at=row.created_at,
        )

    @strawberry.field(description="The merchant settled.")
    async def merchant(self, info: Info) -> MerchantType:
        return MerchantType.of(
            await resolve_market.merchant(info.context.scope, self.row.merchant_id)
        )


@strawberry.type(name="OpenPeriod", description="What a merchant has not been settled for yet.")
class OpenPeriodType:
    period_start: datetime | None = strawberry.field(
        description="The end of the last settlement; null before the first."
    )
    used_points: int = strawberry.field(description="Points of used vouchers to settle next.")
    used_vouchers: int = strawberry.field(description="How many used vouchers that is.")
    issued_points: int = strawberry.field(
        description="Points of vouchers not yet used: held until used, cancelled or expired."
    )
    issued_vouchers: int = strawberry.field(description="How many unused vouchers that is.")
    balance: int = strawberry.field(description="The merchant account's balance.")

    @classmethod
    def of(cls, row: OpenPeriod) -> OpenPeriodType:
        return cls(
            period_start=row.period_start,
            used_points=row.used_points,
            used_vouchers=row.used_vouchers,
            issued_points=row.issued_points,
            issued_vouchers=row.issued_vouchers,
            balance=row.balance,
        )


@strawberry.type(name="MerchantStatement", description="A merchant's settled and open periods.")
class MerchantStatementType:
    settled: list[MerchantSettlementType] = strawberry.field(
        description="Settled periods, newest first (the last 24)."
    )
    open: OpenPeriodType = strawberry.field(description="The period not settled yet.")

    @classmethod
    def of(cls, row: Statement) -> MerchantStatementType:
        return cls(
            settled=[MerchantSettlementType.of(s) for s in row.settled],
            open=OpenPeriodType.of(row.open),
        )


@strawberry.type(name="PointsFlows", description="Points moved in a period, by kind.")
class PointsFlowsType:
    funded: int = strawberry.field(description="Points admins put into the pool.")
    issued: int = strawberry.field(description="Points credited to wallets (awards, adjustments).")
    redeemed: int = strawberry.field(description="Points spent on vouchers, net of refunds.")
    expired: int = strawberry.field(description="Points that expired back to the pool.")
    outstanding: int = strawberry.field(
        description="The wallets' net change: issued - redeemed - expired (+ deposits returned)."
    )

    @classmethod
    def of(cls, row: Flows) -> PointsFlowsType:
        return cls(
            funded=row.funded,
            issued=row.issued,
            redeemed=row.redeemed,
            expired=row.expired,
            outstanding=row.outstanding,
        )


@strawberry.type(name="MerchantOwed", description="Points a merchant holds, not yet settled.")
class MerchantOwedType:
    row: strawberry.Private[MerchantOwed]
    unsettled: int = strawberry.field(description="The merchant account's balance.")

    @strawberry.field(description="The merchant.")
    async def merchant(self) -> MerchantType:
        return MerchantType.of(self.row.merchant)


@strawberry.type(name="Treasury", description="Where the community's points are (admins only).")
class TreasuryType:
    pool_balance: int = strawberry.field(description="Points the pool can still award.")
    this_month: PointsFlowsType = strawberry.field(description="This calendar month's flows.")
    total: PointsFlowsType = strawberry.field(description="All flows since the beginning.")
    wallets: int = strawberry.field(description="Points in residents' wallets.")
    holds: int = strawberry.field(description="Points held for residents, not yet theirs.")
    liability: int = strawberry.field(description="What the community owes: wallets + holds.")
    merchants: list[MerchantOwedType] = strawberry.field(
        description="Each merchant's unsettled points."
    )
    monthly_issuance_cap: int | None = strawberry.field(
        description="The cap on points awarded or held a month; null: no cap."
    )
    issued_against_cap: int = strawberry.field(
        description="Points counted against the cap this month."
    )

    @classmethod
    def of(cls, row: Treasury) -> TreasuryType:
        return cls(
            pool_balance=row.pool_balance,
            this_month=PointsFlowsType.of(row.this_month),
            total=PointsFlowsType.of(row.total),
            wallets=row.wallets,
            holds=row.holds,
            liability=row.liability,
            merchants=[MerchantOwedType(row=m, unsettled=m.unsettled) for m in row.merchants],
            monthly_issuance_cap=row.monthly_issuance_cap,
            issued_against_cap=row.issued_against_cap,
        )


@strawberry.type(name="PoolFunding", description="Points an admin put into the pool.")
class PoolFundingType:
    row: strawberry.Private[Transfer]
    amount: int = strawberry.field(description="The points funded.")
    memo: str | None = strawberry.field(description="Where their value comes from.")
    funded_at: datetime = strawberry.field(description="When.")

    @classmethod
    def of(cls, row: Transfer) -> PoolFundingType:
        return cls(row=row, amount=int(row.amount), memo=row.memo, funded_at=row.created_at)

    @strawberry.field(description="The admin who funded it.")
    async def funded_by(self, info: Info) -> UserType | None:
        if self.row.actor_id is None:
            return None
        user = await info.context.scope.loaders.user.load(self.row.actor_id)
        return UserType.of(user) if user else None


# ---------------------------------------------------------------- inputs and payloads


@strawberry.input(description="Top the community's pool up.")
class FundPoolInput(CommandInput):
    amount: int = strawberry.field(description="Points to add, 1 to 10,000,000.")
    memo: str = strawberry.field(description="Where the points' value comes from (required).")
    idempotency_key: str = strawberry.field(
        description="A client-chosen key: retrying with the same key never funds twice."
    )


@strawberry.type(description="The result of fundPool.")
class FundPoolPayload:
    funding: PoolFundingType | None = strawberry.field(
        description="The funding made (or replayed)."
    )
    pool_balance: int | None = strawberry.field(description="The pool's balance after it.")
    errors: list[UserError] = strawberry.field(description="Why nothing was funded.")


@strawberry.input(description="Set how points expire and the monthly issuance cap.")
class SetPointsPolicyInput(CommandInput):
    expiry_rule: ExpiryRule = strawberry.field(description="The rule for points earned from now.")
    expiry_months: int | None = strawberry.field(
        default=None, description="For MONTHS_AFTER_EARNING: 1 to 120 months."
    )
    monthly_issuance_cap: int | None = strawberry.field(
        default=None, description="Most points awarded or held a month; null for no cap."
    )


@strawberry.type(description="The result of setPointsPolicy.")
class PointsPolicyPayload:
    policy: PointsPolicyType | None = strawberry.field(description="The policy now in force.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


@strawberry.input(description="Close a merchant's period against a payment.")
class SettleMerchantInput(CommandInput):
    merchant_id: strawberry.ID = strawberry.field(description="The merchant to settle.")
    period_end: datetime = strawberry.field(
        description="Vouchers used before this moment are settled; it must be in the past."
    )
    reference: str = strawberry.field(description="The community's payment reference.")


@strawberry.type(description="The result of settleMerchant.")
class MerchantSettlementPayload:
    settlement: MerchantSettlementType | None = strawberry.field(description="The settlement made.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing was settled (ALREADY_EXISTS: that period is settled)."
    )
