"""A wallet's ledger entries, what explains each (PointsSource), and the admin's correction
that writes one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from tortoise.models import Model

from models.civic import EventSignup, Report, Suggestion
from models.ledger import Entry, Transfer
from models.market import Voucher
from models.points import MerchantSettlement, PointsLot
from resolvers import points as resolve_points
from resolvers.ids import global_id
from schema.base import Node
from schema.civic import EventSignupType, ReportType, SuggestionType
from schema.commands import CommandInput
from schema.context import Info
from schema.enums import PointsReason
from schema.errors import UserError
from schema.market import VoucherType
from schema.people import UserType
from schema.points import (
    EarningRuleVersionType,
    MerchantSettlementType,
    PointsAdjustmentType,
    PointsExpiryType,
)

PointsSource = Annotated[
    ReportType
    | EventSignupType
    | SuggestionType
    | VoucherType
    | PointsAdjustmentType
    | PointsExpiryType
    | MerchantSettlementType,
    strawberry.union("PointsSource", description="Why points moved: the thing an entry is for."),
]

_WRAPS: dict[type[Model], Callable[[Any], Any]] = {
    Report: ReportType.of,
    EventSignup: EventSignupType.of,
    Suggestion: SuggestionType.of,
    Voucher: VoucherType.of,
    Transfer: PointsAdjustmentType.of,
    PointsLot: PointsExpiryType.of,
    MerchantSettlement: MerchantSettlementType.of,
}


def source_type_of(row: Model | None) -> Any:
    """The GraphQL object for an entry's source row, or None."""
    wrap = None if row is None else _WRAPS.get(type(row))
    return None if wrap is None or row is None else wrap(row)


@strawberry.type(
    name="PointsEntry",
    description="One line of a wallet's ledger: points in or out, and the balance after.",
)
class PointsEntryType(Node):
    row: strawberry.Private[Entry]
    amount: int = strawberry.field(description="Positive when earned, negative when spent.")
    reason: PointsReason = strawberry.field(description="Why the points moved.")
    balance_after: int = strawberry.field(description="The wallet's balance after this entry.")
    memo: str | None = strawberry.field(
        description="A note, e.g. an admin's reason for an adjustment."
    )
    created_at: datetime = strawberry.field(description="When the points moved.")

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
    async def source(self, info: Info) -> PointsSource | None:
        row = await resolve_points.source_of(info.context.scope, self.row)
        shown: PointsSource | None = source_type_of(row)
        return shown

    @strawberry.field(description="The earning-rule version that priced it; null if none did.")
    async def rule_version(self, info: Info) -> EarningRuleVersionType | None:
        row = await resolve_points.rule_version_of(info.context.scope, self.row)
        return EarningRuleVersionType.of(row) if row else None

    @strawberry.field(
        description="Who approved it: the verifier, the organiser at check-in, the admin; "
        "null for the system's own jobs."
    )
    async def approved_by(self, info: Info) -> UserType | None:
        row = await resolve_points.approver_of(info.context.scope, self.row)
        return UserType.of(row) if row else None


@strawberry.input(description="A manual correction of a user's points.")
class AdjustPointsInput(CommandInput):
    user_id: strawberry.ID = strawberry.field(description="Whose wallet.")
    amount: int = strawberry.field(description="Points to add, or take away when negative.")
    memo: str = strawberry.field(description="Why: kept with the entry.")
    idempotency_key: str = strawberry.field(
        description="A client-chosen key: retrying with it never moves points twice."
    )


@strawberry.type(description="The result of adjustPoints.")
class PointsEntryPayload:
    entry: PointsEntryType | None = strawberry.field(
        description="The new ledger entry; null on errors."
    )
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")
