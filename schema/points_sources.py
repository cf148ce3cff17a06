"""PointsSource: what an entry is for, as a union of the types that can explain it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from tortoise.models import Model

from models.civic import EventSignup, Report, Suggestion
from models.ledger import Transfer
from models.market import Voucher
from models.points import MerchantSettlement, PointsLot
from schema.civic import EventSignupType, ReportType, SuggestionType
from schema.market import VoucherType
from schema.points import MerchantSettlementType, PointsAdjustmentType, PointsExpiryType

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
